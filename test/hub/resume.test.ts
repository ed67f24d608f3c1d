// The store survives a hub restart, and an agent resumes from its acked revision with exactly the
// changes it missed (no gaps, no snapshot); status is latest-wins by sequence and events are
// stored once however often they are resent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { connectAgent } from '../support/test-agent.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const configMap = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  value: "${value}"\n`;
const status = (health: string) => ({ sync: { status: 'Synced' }, health: { status: health }, resources: [], reconciledAt: new Date().toISOString() });

describe('hub restart and resume', () => {
  let t: TestHub;
  let git: GitServer;
  before(async () => {
    git = await startGitServer();
    git.createRepo('apps', { 'settings/cm.yaml': configMap('v1') });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
  });
  after(async () => {
    await t.stop(true);
    await git.close();
  });

  it('keeps its state across a restart and the agent resumes from its cursor without gaps', async () => {
    const added = await t.api('POST', '/api/v1/clusters', { name: 'resumer', labels: { tier: 'edge' } });
    const agent = await connectAgent(t.hub.url, added.body.bootstrapToken);
    agent.hello(0);
    const credential = (await agent.next('registered')).credential;
    const { epoch } = await agent.next('welcome');
    await agent.next('snapshot');
    await t.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'settings' },
      spec: { source: { repoURL: `${git.url}/apps.git`, path: 'settings' }, destination: { name: 'resumer', namespace: 'demo' } },
    });
    let acked = 0;
    await eventually('rendered assignment', async () => {
      const d = await agent.next('delta');
      acked = d.revision;
      return d.changes.some((c) => c.assignment?.bundle);
    });
    agent.send({ type: 'ack', revision: acked });
    agent.send({ type: 'status', app: 'settings', seq: 1, status: status('Healthy') });
    await agent.next('status.ack');
    agent.close();
    await agent.closed;

    // Changes while the agent is away: a sync operation and a new commit.
    assert.equal((await t.api('POST', '/api/v1/applications/settings/sync', { prune: true })).status, 200);
    const commit = git.commit('apps', { 'settings/cm.yaml': configMap('v2') });
    assert.equal((await t.api('POST', '/api/v1/applications/settings/refresh')).body.status.sync.revision, commit);
    const before = (await t.api('GET', '/api/v1/clusters/resumer')).body;
    assert.equal(before.info.ackedRevision, acked);
    assert.ok(before.info.revision >= acked + 2);

    await t.stop();
    t = await startTestHub({ dataDir: t.dataDir, pollIntervalMs: 3_600_000 });

    const cluster = (await t.api('GET', '/api/v1/clusters/resumer')).body;
    assert.deepEqual(cluster.labels, { tier: 'edge' });
    assert.equal(cluster.info.revision, before.info.revision);
    const app = (await t.api('GET', '/api/v1/applications/settings')).body;
    assert.equal(app.status.sync.revision, commit);
    assert.equal(app.status.health.status, 'Healthy');
    assert.equal(app.operation.kind, 'sync');

    const resumed = await connectAgent(t.hub.url, credential);
    resumed.hello(acked, { epoch });
    const delta = await resumed.next('delta');
    assert.equal(delta.fromRevision, acked);
    assert.equal(delta.revision, before.info.revision);
    assert.deepEqual(delta.changes.map((c) => c.revision), Array.from({ length: delta.revision - acked }, (_, i) => acked + i + 1));
    const last = delta.changes.at(-1)!.assignment!;
    assert.equal(last.revision, commit);
    assert.equal(last.operation?.kind, 'sync');
    assert.equal(last.operation?.prune, true);
    assert.equal(resumed.received.some((m) => m.type === 'snapshot'), false);
    resumed.send({ type: 'ack', revision: delta.revision });
    await eventually('ack recorded', async () => (await t.api('GET', '/api/v1/clusters/resumer')).body.info.ackedRevision === delta.revision);
    resumed.close();

    // An agent that names a revision the hub never issued gets a snapshot.
    const confused = await connectAgent(t.hub.url, credential);
    confused.hello(delta.revision + 1000, { epoch });
    const snapshot = await confused.next('snapshot');
    assert.equal(snapshot.revision, delta.revision);
    assert.deepEqual(snapshot.assignments.map((a) => a.app), ['settings']);
    confused.close();
  });

  it('stores status latest-wins by sequence, events once, and settles the operation it reports', async () => {
    const credentialAgent = await connectAgent(t.hub.url, (await t.api('POST', '/api/v1/clusters/resumer/bootstrap-token')).body.bootstrapToken);
    credentialAgent.hello(0);
    await credentialAgent.next('snapshot');
    const op = (await t.api('GET', '/api/v1/applications/settings')).body.operation;
    credentialAgent.send({ type: 'status', app: 'settings', seq: 10, status: { ...status('Progressing'), operationState: { id: op.id, phase: 'Running' } } });
    assert.equal((await credentialAgent.next('status.ack')).seq, 10);
    credentialAgent.send({ type: 'status', app: 'settings', seq: 9, status: status('Degraded') }); // older: acked, not stored
    assert.equal((await credentialAgent.next('status.ack')).seq, 9);
    assert.equal((await t.api('GET', '/api/v1/applications/settings')).body.status.health.status, 'Progressing');
    credentialAgent.send({ type: 'status', app: 'settings', seq: 11, status: { ...status('Healthy'), operationState: { id: op.id, phase: 'Succeeded', message: 'synced' } } });
    await credentialAgent.next('status.ack');
    const settled = (await t.api('GET', '/api/v1/applications/settings')).body;
    assert.equal(settled.status.health.status, 'Healthy');
    assert.equal(settled.operation, undefined);
    const ops = await t.hub.ctx.pool.query('SELECT phase, finished_at FROM operations WHERE id = $1', [op.id]);
    assert.equal(ops.rows[0].phase, 'Succeeded');
    assert.ok(ops.rows[0].finished_at);
    const history = await t.hub.ctx.pool.query('SELECT count(*)::int AS n FROM sync_history WHERE app_name = $1', ['settings']);
    assert.equal(history.rows[0].n, 1);
    // The settled operation leaves the assignment: a delta without it.
    const delta = await credentialAgent.next('delta');
    assert.equal(delta.changes.at(-1)?.assignment?.operation, undefined);

    // A status for an application on another cluster is acked and ignored.
    credentialAgent.send({ type: 'status', app: 'not-mine', seq: 1, status: status('Healthy') });
    assert.equal((await credentialAgent.next('status.ack')).app, 'not-mine');

    const event = { type: 'event' as const, seq: 1, app: 'settings', event: { reason: 'Synced', message: 'applied 1 object', at: new Date().toISOString() } };
    credentialAgent.send(event);
    credentialAgent.send(event);
    await credentialAgent.next('event.ack');
    await credentialAgent.next('event.ack');
    const events = await t.api('GET', '/api/v1/applications/settings/events');
    assert.equal(events.body.items.length, 1);
    assert.equal(events.body.items[0].event.reason, 'Synced');
    credentialAgent.close();
  });
});
