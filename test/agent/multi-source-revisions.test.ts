// A multi-source application on a real cluster, with an in-process hub and agent (issue 14,
// point 5): the agent reports every source's revision (status.sync.revisions) as its assignment
// names them; a commit in the second source's repository that changes none of its files moves that
// revision without a bundle download; and a sync the agent runs leaves a history entry with both.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClusters, type ClusterSet } from '../cluster/index.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { startAgent, type Agent } from '../../agent/src/agent.ts';
import { loadKubeconfig } from '../../agent/src/engine/kubeconfig.ts';
import { testLogger } from '../support/secret-ledger.ts';

const NS = 'layers';
const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

describe('multi-source revisions on a real cluster', () => {
  let clusters: ClusterSet;
  let git: GitServer;
  let t: TestHub;
  let agent: Agent;
  const bundleGets: string[] = [];
  /** What the agent last reported for the app (stored by the hub as it came). */
  const reported = async () => (await t.hub.ctx.pool.query('SELECT status FROM application_status WHERE app_name = $1', ['layers'])).rows[0]?.status;
  const refresh = async () => (await t.api('POST', '/api/v1/applications/layers/refresh')).body;

  before(async () => {
    [clusters, git] = await Promise.all([startClusters({ count: 1 }), startGitServer()]);
    git.createRepo('base', { 'base/cm.yaml': configMap('base', 'v1') });
    git.createRepo('extra', { 'extra/cm.yaml': configMap('extra', 'v1'), 'README.md': 'extras\n' });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    t.hub.api.server.on('request', (req: { url?: string }) => {
      if (req.url?.startsWith('/api/v1/agent/bundles/')) bundleGets.push(req.url.slice('/api/v1/agent/bundles/'.length));
    });
    const added = await t.api('POST', '/api/v1/clusters', { name: 'edge' });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    agent = await startAgent({
      hubUrl: t.hub.url, token: added.body.bootstrapToken, cluster: loadKubeconfig(clusters.clusters[0]!.kubeconfigPath),
      state: { dir: mkdtempSync(join(tmpdir(), 'flotilla-agent-')) }, log: testLogger('agent-test'),
    });
    const created = await t.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'layers' },
      spec: {
        project: 'default', destination: { name: 'edge', namespace: NS },
        sources: [{ repoURL: `${git.url}/base.git`, path: 'base', targetRevision: 'main' }, { repoURL: `${git.url}/extra.git`, path: 'extra', targetRevision: 'main' }],
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });
  after(async () => {
    await agent?.stop();
    await t?.stop(true);
    await git?.close();
    await clusters?.stop();
  });

  it('reports each source\'s revision, follows a commit in the second repository, and records both in history', async () => {
    const base = git.revParse('base', 'main');
    let extra = git.revParse('extra', 'main');
    await eventually('synced with both revisions', async () => {
      const status = await reported();
      return status?.sync.status === 'Synced' && JSON.stringify(status.sync.revisions) === JSON.stringify([base, extra]) && status.sync.revision === base;
    }, 60_000);
    const app = (await t.api('GET', '/api/v1/applications/layers')).body;
    assert.deepEqual(app.status.sync.revisions, [base, extra]);

    // A commit in the second repository outside its path: same bundle, new second revision, no download.
    const downloads = bundleGets.length;
    extra = git.commit('extra', { 'README.md': 'extras, documented\n' }, 'docs', { branch: 'main' });
    const moved = await refresh();
    assert.equal(moved.status.bundle, app.status.bundle);
    assert.deepEqual(moved.status.sync.revisions, [base, extra]);
    await eventually('the agent reports the new second revision', async () => JSON.stringify((await reported())?.sync.revisions) === JSON.stringify([base, extra]), 30_000);
    assert.equal(bundleGets.length, downloads);

    // A sync the agent runs: its history entry holds what the agent reported (automated syncs, as
    // the first one, are in the history too, as Argo CD records them).
    const sync = await t.api('POST', '/api/v1/applications/layers/sync', {});
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    const entry = await eventually('a history entry of the sync', async () => ((await t.api('GET', '/api/v1/applications/layers')).body.status.history ?? [])
      .find((h: any) => h.initiatedBy?.username === 'admin'), 60_000);
    assert.equal(entry.revision, base);
    assert.deepEqual(entry.revisions, [base, extra]);
    assert.deepEqual(entry.sources.map((s: any) => s.path), ['base', 'extra']);
  });
});
