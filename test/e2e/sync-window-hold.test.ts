// A deny sync window holds an automated sync on a real cluster (issue 16): the hold is the agent's
// decision (agent/src/engine/project-guard.ts automatedSyncAllowed, from the windows the assignment
// carries). An application synced at v1 gets a deny window `* * * * *` for 1h (manual syncs
// allowed); a v2 commit is rendered and assigned by the hub, yet the live object stays v1 while the
// application shows the window holding it (status.syncWindow, `app get`); removing the window lets
// the automated sync apply v2.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as k8s from '@kubernetes/client-node';
import { startClusters, type ClusterSet } from '../cluster/index.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { eventually, startTestHub, type TestHub } from '../support/hub.ts';
import { startAgentProcess, type AgentProcess } from '../support/processes.ts';
import { configMapYaml } from '../support/manifests.ts';
import { runCli } from '../support/cli.ts';

describe('a deny sync window holds an automated sync on a real cluster', () => {
  let clusters: ClusterSet;
  let git: GitServer;
  let t: TestHub;
  let agent: AgentProcess;
  let core: k8s.CoreV1Api;
  let dir: string;
  const project = (syncWindows: object[]) => ({
    apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'team-a' },
    spec: { sourceRepos: ['*'], destinations: [{ name: 'edge', namespace: 'team-a' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }], syncWindows },
  });
  const deny = { kind: 'deny', schedule: '* * * * *', duration: '1h', applications: ['*'], manualSync: true, description: 'freeze' };
  const value = async () => (await core.readNamespacedConfigMap({ name: 'web', namespace: 'team-a' })).data?.value;
  const get = async () => (await t.api('GET', '/api/v1/applications/web')).body;
  const assignedBundle = async () => (await t.hub.ctx.pool.query<{ assignment: { bundle: string | null } }>("SELECT assignment FROM assignment_log WHERE app_name = 'web' ORDER BY revision DESC LIMIT 1")).rows[0]?.assignment.bundle;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-window-hold-'));
    [clusters, git] = await Promise.all([startClusters({ count: 1, names: ['edge'] }), startGitServer()]);
    git.createRepo('apps', { 'web/cm.yaml': configMapYaml('web', 'v1') });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(clusters.clusters[0]!.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'team-a' } } });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    const added = await t.api('POST', '/api/v1/clusters', { name: 'edge' });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const created = await t.api('POST', '/api/v1/projects', project([]));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    agent = startAgentProcess(t.hub.url, added.body.bootstrapToken, clusters.clusters[0]!.kubeconfigPath);
    const app = await t.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'web' },
      spec: { project: 'team-a', source: { repoURL: `${git.url}/apps.git`, path: 'web', targetRevision: 'main' }, destination: { name: 'edge', namespace: 'team-a' }, syncPolicy: { automated: { prune: true, selfHeal: true } } },
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    await eventually('web Synced at v1', async () => (await get()).status?.sync?.status === 'Synced' && (await value().catch(() => undefined)) === 'v1', 90_000, 200);
  });
  after(async () => {
    await agent?.stop().catch(() => {});
    await t?.stop(true).catch(() => {});
    await git?.close();
    await clusters?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('does not apply a new commit while the deny window is active, and shows the window holding it', async () => {
    assert.equal((await t.api('PUT', '/api/v1/projects/team-a', project([deny]))).status, 200);
    const before = await assignedBundle();
    git.commit('apps', { 'web/cm.yaml': configMapYaml('web', 'v2') }, 'v2');
    assert.equal((await t.api('POST', '/api/v1/applications/web/refresh')).status, 200);
    await eventually('the hub assigned the v2 bundle', async () => {
      const bundle = await assignedBundle();
      return bundle && bundle !== before ? bundle : undefined;
    }, 30_000, 200);
    const logged = await t.hub.ctx.pool.query<{ assignment: any }>("SELECT assignment FROM assignment_log WHERE app_name = 'web' ORDER BY revision DESC LIMIT 1");
    assert.equal(logged.rows[0]!.assignment.projectLimits.syncWindows[0].kind, 'deny', 'the window travels in the assignment');
    await eventually('web OutOfSync (the agent compared v2)', async () => (await get()).status?.sync?.status === 'OutOfSync', 30_000, 200);
    // Give an agent that would sync time to do so (automated sync is on).
    await sleep(4000);
    assert.equal(await value(), 'v1', 'the live object is unchanged');
    const got = await get();
    assert.equal(got.status.sync.status, 'OutOfSync');
    assert.equal(got.status.operationState?.phase === 'Running', false, 'no sync started');
    assert.equal(got.status.syncWindow.syncAllowed, false);
    assert.equal(got.status.syncWindow.manualSyncAllowed, true);
    assert.match(got.status.syncWindow.message, /deny window 0 .*is active/);
    const shown = await runCli(join(dir, 'config.json'), ['--server', t.hub.url, '--auth-token', t.token, 'app', 'get', 'web']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^Sync Window:\s+Sync Denied \(manual syncs allowed\): deny window 0 \(schedule "\* \* \* \* \*", duration 1h, UTC: freeze\) is active$/m);
  });

  it('syncs the held commit once the window is removed', async () => {
    assert.equal((await t.api('PUT', '/api/v1/projects/team-a', project([]))).status, 200);
    await eventually('web v2 on the cluster', async () => (await value()) === 'v2', 30_000, 200);
    await eventually('web Synced', async () => (await get()).status?.sync?.status === 'Synced', 30_000, 200);
    assert.equal((await get()).status.syncWindow, undefined, 'no windows, nothing shown');
  });
});
