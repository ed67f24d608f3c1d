// An agent partitioned from the hub (a silent partition: a loopback TCP proxy that keeps sockets
// open and drops every byte) for longer than the heartbeat timeout, on a real cluster: the hub
// shows the cluster Unknown, the agent keeps reverting drift on its own, and once the partition
// heals a sync operation created meanwhile runs exactly once and the status converges.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import pg from 'pg';
import { startClusters, type ClusterSet } from '../cluster/index.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { eventually } from '../support/hub.ts';
import { deploymentYaml } from '../support/manifests.ts';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { startAgentProcess, startHubProcess, type AgentProcess, type HubProcess } from '../support/processes.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

/** The hub's heartbeat: the cluster is Unknown after 3 missed ones (1.5 s). */
const HEARTBEAT_S = 0.5;
const PARTITION_MIN_MS = 6000;

describe('an agent partitioned from the hub', { timeout: 90_000 }, () => {
  let clusters: ClusterSet;
  let git: GitServer;
  let database: PostgresServer;
  let hub: HubProcess;
  let proxy: TcpProxy;
  let agent: AgentProcess;
  let apps: k8s.AppsV1Api;
  let passed = false;

  const cluster = async () => (await hub.api('GET', '/api/v1/clusters/edge')).body;
  const app = async () => (await hub.api('GET', '/api/v1/applications/web')).body;
  const replicas = async () => (await apps.readNamespacedDeployment({ name: 'web', namespace: 'web' })).spec?.replicas;

  before(async () => {
    [clusters, git, database] = await Promise.all([startClusters({ count: 1, names: ['edge'] }), startGitServer(), startPostgresServer()]);
    git.createRepo('apps', { 'web/deployment.yaml': deploymentYaml('web', 2) });
    hub = await startHubProcess({ env: { DATABASE_URL: database.url }, args: ['--heartbeat-interval', String(HEARTBEAT_S)] });
    const added = await hub.api('POST', '/api/v1/clusters', { name: 'edge' });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(hub.url).port) });
    const kubeconfig = clusters.clusters[0]!.kubeconfigPath;
    agent = startAgentProcess(`http://${proxy.host}:${proxy.port}`, added.body.bootstrapToken, kubeconfig);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    const created = await hub.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'web' },
      spec: { project: 'default', source: { repoURL: `${git.url}/apps.git`, path: 'web', targetRevision: 'main' }, destination: { name: 'edge', namespace: 'web' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await eventually('web Synced and Healthy', async () => {
      const a = await app();
      return a.status.sync.status === 'Synced' && a.status.health.status === 'Healthy';
    }, 45_000, 200);
  });
  after(async () => {
    await agent?.stop().catch(() => {});
    await hub?.stop().catch(() => {});
    await proxy?.close();
    await git?.close();
    await clusters?.stop();
    await database?.remove();
    // Logs stay when the test failed.
    if (passed) for (const dir of [hub.dataDir, agent.stateDir]) rmSync(dir, { recursive: true, force: true });
    else console.log(`# logs: ${hub?.proc.logFile} ${agent?.logFile}`);
  });

  it('shows the cluster Unknown, keeps self-healing, and runs an operation created meanwhile exactly once', async () => {
    assert.equal((await cluster()).info.connectionState.status, 'Successful');

    // The partition: every byte dropped, no socket closed.
    proxy.setMode('blackhole');
    const partitioned = Date.now();
    await eventually('the cluster Unknown in the API', async () => (await cluster()).info.connectionState.status === 'Unknown', 15_000, 100);
    const unknownAfterMs = Date.now() - partitioned;
    const shown = await app();
    assert.equal(shown.status.cluster.connectionState.status, 'Unknown', 'the application shows its cluster Unknown too');

    // kubectl-style drift is reverted by the agent alone.
    await apps.replaceNamespacedDeploymentScale({ name: 'web', namespace: 'web', body: { metadata: { name: 'web', namespace: 'web' }, spec: { replicas: 5 } } });
    const drifted = Date.now();
    await eventually('the scale reverted without the hub', async () => (await replicas()) === 2, 20_000, 100);
    const revertedMs = Date.now() - drifted;

    // An operation asked for while the cluster is away waits for it.
    const sync = await hub.api('POST', '/api/v1/applications/web/sync', {});
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    const opId: string = sync.body.operation.id;
    await new Promise((r) => setTimeout(r, Math.max(0, PARTITION_MIN_MS - (Date.now() - partitioned))));
    assert.equal((await app()).operation?.id, opId, 'the operation is still pending during the partition');
    assert.equal((await cluster()).info.connectionState.status, 'Unknown');

    // Heal: the agent reconnects, the operation runs once, everything converges.
    proxy.setMode('forward');
    const healed = Date.now();
    await eventually('the cluster Successful again', async () => (await cluster()).info.connectionState.status === 'Successful', 30_000, 100);
    const reconnectedMs = Date.now() - healed;
    const settled = await eventually('the operation settled', async () => {
      const a = await app();
      return !a.operation && a.status.operationState?.id === opId ? a : undefined;
    }, 30_000, 100);
    const settledMs = Date.now() - healed;
    assert.equal(settled.status.operationState.phase, 'Succeeded', JSON.stringify(settled.status.operationState));
    await eventually('web Synced and Healthy after the partition', async () => {
      const a = await app();
      return a.status.sync.status === 'Synced' && a.status.health.status === 'Healthy';
    }, 20_000, 200);
    assert.equal(await replicas(), 2);

    // Exactly once, as the hub recorded it and as the agent ran it (replays would show here).
    await new Promise((r) => setTimeout(r, 2000));
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      const history = (await db.query('SELECT id FROM sync_history WHERE operation_id = $1', [opId])).rows;
      assert.equal(history.length, 1, 'one history entry for the operation');
      const op = (await db.query<{ phase: string; finished_at: Date | null }>('SELECT phase, finished_at FROM operations WHERE id = $1', [opId])).rows;
      assert.equal(op.length, 1);
      assert.equal(op[0]!.phase, 'Succeeded');
      assert.ok(op[0]!.finished_at);
    } finally {
      await db.end();
    }
    const runs = readFileSync(agent.logFile, 'utf8').split('\n').filter((line) => line.includes('"msg":"syncing"') && line.includes(opId));
    assert.equal(runs.length, 1, `the agent ran the operation ${runs.length} times`);
    passed = true;
    console.log(`# cluster Unknown ${unknownAfterMs} ms after the partition; drift reverted in ${revertedMs} ms without the hub; after healing: connected in ${reconnectedMs} ms, operation settled in ${settledMs} ms`);
  });
});
