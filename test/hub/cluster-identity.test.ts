// Who an agent is and what it may claim (issue 13, points 7, 10, 11, 14): an agent's reported API
// URL never routes another cluster's work to it; a revocation missed while the hub's LISTEN
// connection was down still closes the session; a flaky first connection does not burn the
// bootstrap token, and a new registration retires the old credential; a hub whose store was
// restored answers agents from another epoch with a snapshot.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode } from '@flotilla/shared';
import { eventually, startTestHub, type TestHub } from '../support/hub.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const configMap = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  value: "${value}"\n`;

describe('cluster identity', () => {
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

  const addCluster = async (name: string, server?: string): Promise<string> => {
    const res = await t.api('POST', '/api/v1/clusters', { name, ...(server ? { server } : {}) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.bootstrapToken as string;
  };
  const register = async (token: string, hello: { serverUrl?: string } = {}): Promise<{ agent: TestAgent; credential: string }> => {
    const agent = await connectAgent(t.hub.url, token);
    agent.hello(0, hello);
    const { credential } = await agent.next('registered');
    await agent.next('snapshot');
    return { agent, credential };
  };
  const app = (name: string, destination: Record<string, string>) => ({
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
    spec: { source: { repoURL: `${git.url}/apps.git`, path: 'settings' }, destination: { namespace: 'demo', ...destination } },
  });
  // A cluster at revision 0 is answered with snapshots, later ones with deltas: either names the app.
  const receives = (agent: TestAgent, name: string) => agent.received.some((m) => (m.type === 'delta' && m.changes.some((c) => c.app === name)) || (m.type === 'snapshot' && m.assignments.some((a) => a.app === name)));
  const tokenSpent = async (cluster: string) => (await t.hub.ctx.pool.query(
    `SELECT 1 FROM cluster_tokens k JOIN clusters c ON c.id = k.cluster_id WHERE c.name = $1 AND k.kind = 'bootstrap' AND k.used_at IS NOT NULL`, [cluster])).rowCount === 1;

  it("never routes a cluster's applications to an agent whose hello claims its URL", async () => {
    const victimUrl = 'https://victim.example:6443';
    // The claimant registers first (the lower id used to win `ORDER BY id LIMIT 1`).
    const claimant = await register(await addCluster('claimant'), { serverUrl: victimUrl });
    const victim = await register(await addCluster('victim', victimUrl), { serverUrl: victimUrl });

    const shown = (await t.api('GET', '/api/v1/clusters/claimant')).body;
    assert.equal(shown.server, null);
    assert.equal(shown.info.reportedServer, victimUrl);
    assert.equal((await t.api('GET', '/api/v1/clusters/victim')).body.server, victimUrl);

    const created = await t.api('POST', '/api/v1/applications', app('victim-app', { server: victimUrl }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.spec.destination.server, victimUrl);
    await eventually('the victim receives its app', async () => receives(victim.agent, 'victim-app'));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(receives(claimant.agent, 'victim-app'), false);

    // The claimant cannot confirm, set or register that URL: a URL routes to one cluster only.
    const confirm = await t.api('PATCH', '/api/v1/clusters/claimant', { confirmServer: true });
    assert.equal(confirm.status, 409, JSON.stringify(confirm.body));
    assert.match(confirm.body.error.message, /already belongs to cluster "victim"/);
    assert.equal((await t.api('PATCH', '/api/v1/clusters/claimant', { server: `${victimUrl}/` })).status, 409);
    assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'third', server: victimUrl })).status, 409);
    claimant.agent.close();
    victim.agent.close();
  });

  it('routes by a reported URL only once an admin confirmed it', async () => {
    const reported = 'https://edge.example:6443';
    const edge = await register(await addCluster('edge'), { serverUrl: reported });
    const before = await t.api('POST', '/api/v1/applications', app('edge-app', { server: reported }));
    assert.equal(before.status, 400, JSON.stringify(before.body));
    const confirmed = await t.api('PATCH', '/api/v1/clusters/edge', { confirmServer: true });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal(confirmed.body.server, reported);
    assert.equal((await t.api('POST', '/api/v1/applications', app('edge-app', { server: reported }))).status, 201);
    await eventually('the edge receives its app', async () => receives(edge.agent, 'edge-app'));
    edge.agent.close();
  });

  it('closes a session whose credential was revoked while the LISTEN connection was down', async () => {
    const { agent } = await register(await addCluster('listener-gap'));
    const listeners = await t.hub.ctx.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()`);
    assert.equal(listeners.rowCount, 1);
    await t.hub.ctx.pool.query('SELECT pg_terminate_backend($1)', [listeners.rows[0]!.pid]);
    // Revoked while nobody listens: the NOTIFY is lost.
    assert.equal((await t.api('POST', '/api/v1/clusters/listener-gap/revoke')).status, 200);
    const closed = await Promise.race([agent.closed, new Promise<undefined>((r) => setTimeout(() => r(undefined), 8000))]);
    assert.equal(closed?.code, CloseCode.revoked);
  });

  it('keeps a bootstrap token usable when the first connection drops before the agent stored its credential', async () => {
    const token = await addCluster('flaky');
    const lost = await connectAgent(t.hub.url, token, { ackRegistration: false });
    lost.hello(0);
    await lost.next('registered');
    lost.close(); // the connection dropped before the agent could store and acknowledge it
    await lost.closed;
    assert.equal(await tokenSpent('flaky'), false);

    const { agent } = await register(token); // the same token again: it works
    await eventually('token spent after registered.ack', () => tokenSpent('flaky'));
    agent.close();
    await assert.rejects(connectAgent(t.hub.url, token), (e: { status?: number }) => e.status === 401);
  });

  it('spends the token when the agent stored the credential but its acknowledgement was lost', async () => {
    const token = await addCluster('ack-lost');
    const first = await connectAgent(t.hub.url, token, { ackRegistration: false });
    first.hello(0);
    const { credential } = await first.next('registered');
    first.close();
    await first.closed;
    const again = await connectAgent(t.hub.url, credential); // the agent did store it
    again.hello(0);
    await again.next('welcome');
    assert.equal(await tokenSpent('ack-lost'), true);
    await assert.rejects(connectAgent(t.hub.url, token), (e: { status?: number }) => e.status === 401);
    again.close();
  });

  it('retires the old credential when the cluster registers again with a new bootstrap token', async () => {
    const old = await register(await addCluster('reinstalled'));
    const fresh = (await t.api('POST', '/api/v1/clusters/reinstalled/bootstrap-token')).body.bootstrapToken as string;
    const replacement = await register(fresh);
    // Replaced by the new session first; either way the old credential is revoked.
    assert.ok([CloseCode.replaced, CloseCode.revoked].includes((await old.agent.closed).code as 4409));
    await eventually('the old credential refused', () => connectAgent(t.hub.url, old.credential).then((a) => {
      a.close();
      return false;
    }, (e: { status?: number }) => e.status === 401));
    replacement.agent.send({ type: 'heartbeat' });
    assert.equal(replacement.agent.received.some((m) => m.type === 'error'), false);
    replacement.agent.close();
  });
});

describe('hub epoch', () => {
  it('answers an agent that resumes across a restored store with a snapshot, and across a restart with a delta', async () => {
    const git = await startGitServer();
    git.createRepo('apps', { 'settings/cm.yaml': configMap('v1') });
    let t = await startTestHub({ pollIntervalMs: 3_600_000 });
    try {
      const token = (await t.api('POST', '/api/v1/clusters', { name: 'restored' })).body.bootstrapToken;
      const application = (name: string) => ({
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
        spec: { source: { repoURL: `${git.url}/apps.git`, path: 'settings' }, destination: { name: 'restored', namespace: name } },
      });
      assert.equal((await t.api('POST', '/api/v1/applications', application('first'))).status, 201);
      const agent = await connectAgent(t.hub.url, token);
      agent.hello(0);
      const { credential } = await agent.next('registered');
      const { epoch } = await agent.next('welcome');
      assert.ok(epoch.length >= 8);
      const snapshot = await agent.next('snapshot');
      assert.ok(snapshot.revision > 0);
      agent.send({ type: 'ack', revision: snapshot.revision });
      agent.close();
      await agent.closed;

      // A plain restart keeps the epoch: the agent resumes with a delta.
      await t.stop();
      t = await startTestHub({ dataDir: t.dataDir, pollIntervalMs: 3_600_000 });
      assert.equal((await t.api('POST', '/api/v1/applications', application('second'))).status, 201);
      const resumed = await connectAgent(t.hub.url, credential);
      resumed.hello(snapshot.revision, { epoch });
      assert.equal((await resumed.next('welcome')).epoch, epoch);
      assert.equal((await resumed.next('delta')).fromRevision, snapshot.revision);
      resumed.close();
      await resumed.closed;

      // The store comes back from elsewhere (its identity changed, as a restored backup's does).
      await t.hub.ctx.pool.query(`UPDATE hub_identity SET store_id = 'another-store'`);
      await t.stop();
      t = await startTestHub({ dataDir: t.dataDir, pollIntervalMs: 3_600_000 });
      const after = await connectAgent(t.hub.url, credential);
      after.hello(snapshot.revision, { epoch });
      const welcome = await after.next('welcome');
      assert.notEqual(welcome.epoch, epoch);
      const fresh = await after.next('snapshot');
      assert.deepEqual(fresh.assignments.map((a) => a.app).sort(), ['first', 'second']);
      assert.equal(after.received.some((m) => m.type === 'delta'), false);
      after.close();
    } finally {
      await t.stop(true);
      await git.close();
    }
  });
});
