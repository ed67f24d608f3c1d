// A commit in a monorepo that touches one app's path (issue 14): the bundle is named by its
// manifests alone, so the other app keeps its bundle and only its revision moves. On a real
// cluster, with an in-process hub and agent: the untouched app reports the new revision without
// downloading a bundle and without one apply request to Kubernetes (dry-run or not, counted by the
// kube-apiserver's own apiserver_request_total), while the touched app downloads its new bundle
// and applies it (so the counters are seen to move when something is applied).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClusters, type ClusterSet } from '../cluster/index.ts';
import { kubeRequest } from '../cluster/kube-http.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { startAgent, type Agent } from '../../agent/src/agent.ts';
import { loadKubeconfig } from '../../agent/src/engine/kubeconfig.ts';
import { testLogger } from '../support/secret-ledger.ts';

const NS = 'mono';
const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;
const secret = (name: string, value: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\nstringData:\n  value: "${value}"\n`;

describe('same bundle, new revision', () => {
  let clusters: ClusterSet;
  let git: GitServer;
  let t: TestHub;
  let agent: Agent;
  const bundleGets: string[] = [];

  /** Server-side apply requests (verb APPLY, dry-run or not) the apiserver served for a resource. */
  const applies = async (resource: string) => {
    const res = await kubeRequest(clusters.clusters[0]!, 'GET', '/metrics');
    assert.equal(res.status, 200);
    let total = 0;
    for (const line of res.text.split('\n')) {
      if (line.startsWith('apiserver_request_total{') && line.includes('verb="APPLY"') && line.includes(`resource="${resource}"`)) total += Number(line.split(' ').at(-1));
    }
    return total;
  };
  /** What the agent last reported for an app (stored by the hub as it came). */
  const reported = async (app: string) => (await t.hub.ctx.pool.query('SELECT status FROM application_status WHERE app_name = $1', [app])).rows[0]?.status;
  const configMapVersion = async () => ((await kubeRequest(clusters.clusters[0]!, 'GET', `/api/v1/namespaces/${NS}/configmaps/web`)).body as any).metadata.resourceVersion as string;

  before(async () => {
    [clusters, git] = await Promise.all([startClusters({ count: 1 }), startGitServer()]);
    git.createRepo('mono', { 'web/config.yaml': configMap('web', 'v1'), 'api/secret.yaml': secret('api', 'v1') });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    // Every bundle download the hub serves, seen on its own HTTP server.
    t.hub.api.server.on('request', (req: { url?: string }) => {
      if (req.url?.startsWith('/api/v1/agent/bundles/')) bundleGets.push(req.url.slice('/api/v1/agent/bundles/'.length));
    });
    const added = await t.api('POST', '/api/v1/clusters', { name: 'edge' });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    agent = await startAgent({
      hubUrl: t.hub.url, token: added.body.bootstrapToken, cluster: loadKubeconfig(clusters.clusters[0]!.kubeconfigPath),
      state: { dir: mkdtempSync(join(tmpdir(), 'flotilla-agent-')) }, log: testLogger('agent-test'),
    });
    for (const name of ['web', 'api']) {
      const created = await t.api('POST', '/api/v1/applications', {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
        spec: {
          project: 'default', source: { repoURL: `${git.url}/mono.git`, path: name, targetRevision: 'main' }, destination: { name: 'edge', namespace: NS },
          syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
  });
  after(async () => {
    await agent?.stop();
    await t?.stop(true);
    await git?.close();
    await clusters?.stop();
  });

  it('moves the untouched app to the new revision with no bundle fetch and no apply', async () => {
    const first = git.revParse('mono', 'main');
    for (const app of ['web', 'api']) {
      await eventually(`${app} synced at the first commit`, async () => {
        const s = await reported(app);
        return s?.sync.status === 'Synced' && s.sync.revision === first && s.health.status === 'Healthy';
      }, 60_000);
    }
    const webBundle = (await t.api('GET', '/api/v1/applications/web')).body.status.bundle as string;
    const apiBundle = (await t.api('GET', '/api/v1/applications/api')).body.status.bundle as string;
    assert.deepEqual([...bundleGets].sort(), [webBundle, apiBundle].sort(), 'each bundle downloaded once');
    const [configMapApplies, secretApplies, webVersion] = [await applies('configmaps'), await applies('secrets'), await configMapVersion()];
    assert.ok(configMapApplies > 0 && secretApplies > 0, 'the counters see the first sync');
    bundleGets.length = 0;

    const second = git.commit('mono', { 'api/secret.yaml': secret('api', 'v2') }, 'touch api only');
    for (const app of ['web', 'api']) assert.equal((await t.api('POST', `/api/v1/applications/${app}/refresh`)).status, 200);
    const web = await eventually('web reports the second commit', async () => {
      const s = await reported('web');
      return s?.sync.revision === second ? s : undefined;
    }, 30_000);
    await eventually('api synced at the second commit', async () => {
      const s = await reported('api');
      return s?.sync.status === 'Synced' && s.sync.revision === second;
    }, 30_000);

    const webApp = (await t.api('GET', '/api/v1/applications/web')).body;
    assert.equal(webApp.status.bundle, webBundle, 'the same manifests name the same bundle');
    assert.equal(webApp.status.sync.revision, second);
    assert.equal(web.sync.bundle, webBundle);
    assert.equal(web.sync.status, 'Synced');
    const newApiBundle = (await t.api('GET', '/api/v1/applications/api')).body.status.bundle as string;
    assert.notEqual(newApiBundle, apiBundle);
    assert.deepEqual(bundleGets, [newApiBundle], 'only the touched app downloaded a bundle');
    assert.equal(await applies('configmaps'), configMapApplies, 'no apply request (nor dry-run) for the untouched app');
    assert.ok(await applies('secrets') > secretApplies, 'the touched app was applied');
    assert.equal(await configMapVersion(), webVersion);
  });
});
