// The UI's streams (GET /api/v1/stream/applications and /clusters) on two hub replicas sharing one
// database: a status an agent reports to one replica reaches a stream held by the other, the event
// is the list's item, a stream resumes with Last-Event-ID (or is told to reset when the feed no
// longer reaches back), a tenant's stream never carries another project's applications, and a
// client that does not read is cut off instead of growing the hub's memory.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';
import { openSse, type SseStream } from '../support/sse.ts';
import { createSession } from '../../hub/src/store/accounts.ts';
import { insertProject } from '../../hub/src/store/projects.ts';
import { SseConnection } from '../../hub/src/api/stream/sse-connection.ts';

const POLICY = 'p, role:team-a-reader, applications, get, team-a/*, allow\np, role:team-a-reader, clusters, get, *, allow\ng, tenant, role:team-a-reader\n';

describe('application and cluster streams across replicas', () => {
  let a: TestHub;
  let b: TestHub;
  let agent: TestAgent;
  let tenant: string;
  let seq = 0;
  const streams: SseStream[] = [];
  const open = async (hub: TestHub, path: string, token = a.token, lastEventId?: string) => {
    const stream = await openSse(`${hub.hub.url}${path}`, token, lastEventId);
    streams.push(stream);
    assert.equal(stream.status, 200);
    return stream;
  };
  const application = (name: string, project: string) => ({
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
    spec: { project, source: { repoURL: 'http://127.0.0.1:9/none.git', path: 'x' }, destination: { name: 'east', namespace: project } },
  });
  /** Reports a status of `app` to replica A, as its agent, and waits for the ack. */
  const report = async (app: string, sync: string, health: string) => {
    seq += 1;
    agent.send({ type: 'status', app, seq, status: { sync: { status: sync }, health: { status: health }, resources: [], reconciledAt: new Date().toISOString() } });
    for (;;) if ((await agent.next('status.ack')).seq === seq) return;
  };
  const isApp = (name: string, sync?: string) => (e: { event: string; data: any }) => e.event === 'application' && e.data.metadata.name === name && (sync === undefined || e.data.status.sync.status === sync);

  before(async () => {
    a = await startTestHub({ pollIntervalMs: 3_600_000 });
    b = await startTestHub({ dataDir: a.dataDir, databaseUrl: a.hub.database.url, pollIntervalMs: 3_600_000 });
    b.token = a.token;
    const open = { sourceRepos: ['*'], destinations: [{ name: '*', namespace: '*', server: '*' }] };
    for (const name of ['team-a', 'team-b']) await insertProject(a.hub.ctx.pool, { name, metadata: {}, spec: open, owner: null });
    await a.hub.ctx.pool.query("INSERT INTO accounts (name, password_hash) VALUES ('tenant', 'unused')");
    tenant = (await createSession(a.hub.ctx.pool, 'tenant', 3600)).token;
    assert.equal((await a.api('PUT', '/api/v1/settings/rbac', POLICY, { contentType: 'text/csv' })).status, 200);
    const added = await a.api('POST', '/api/v1/clusters', { name: 'east' });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    agent = await connectAgent(a.hub.url, added.body.bootstrapToken);
    agent.hello(0);
    await agent.next('snapshot');
    for (const [name, project] of [['a1', 'team-a'], ['a2', 'team-a'], ['b1', 'team-b']] as const) {
      assert.equal((await a.api('POST', '/api/v1/applications', application(name, project))).status, 201);
    }
  });
  after(async () => {
    for (const s of streams) s.close();
    agent?.close();
    await b?.stop();
    await a?.stop(true);
  });

  it('a status reported to one replica reaches a stream on the other, as the list shows it', async () => {
    const stream = await open(b, '/api/v1/stream/applications');
    await report('a1', 'Synced', 'Healthy');
    const event = await stream.next(isApp('a1', 'Synced'));
    assert.match(event.id ?? '', /^\d+$/);
    assert.equal(event.data.status.health.status, 'Healthy');
    const listed = (await b.api('GET', '/api/v1/applications')).body.items.find((i: any) => i.metadata.name === 'a1');
    assert.deepEqual(event.data, listed, 'the event carries the list item');
  });

  it('a stream resumed with Last-Event-ID gets what changed while it was away', async () => {
    const first = await open(a, '/api/v1/stream/applications');
    await report('a2', 'Synced', 'Healthy');
    await first.next(isApp('a2', 'Synced'));
    const resumeFrom = first.lastId();
    assert.ok(resumeFrom);
    first.close();
    await report('a2', 'OutOfSync', 'Degraded');
    const resumed = await open(b, '/api/v1/stream/applications', a.token, resumeFrom);
    const missed = await resumed.next(isApp('a2', 'OutOfSync'));
    assert.equal(missed.data.status.health.status, 'Degraded');
  });

  it('a resume from further back than the feed keeps, or from a malformed id, is told to reset', async () => {
    const latest = Number((await a.hub.ctx.pool.query('SELECT max(id) AS id FROM change_feed')).rows[0].id);
    await a.hub.ctx.pool.query('UPDATE change_feed_horizon SET pruned_through = $1', [latest - 1]);
    try {
      const stale = await open(b, '/api/v1/stream/applications', a.token, '1');
      const reset = await stale.next((e) => e.event === 'reset');
      assert.match(reset.data.reason, /load the list again/);
      const garbage = await open(a, '/api/v1/stream/applications', a.token, 'not-an-id');
      await garbage.next((e) => e.event === 'reset');
      const future = await open(a, '/api/v1/stream/applications', a.token, String(latest + 1_000_000));
      await future.next((e) => e.event === 'reset');
    } finally {
      await a.hub.ctx.pool.query('UPDATE change_feed_horizon SET pruned_through = 0');
    }
  });

  it("a tenant's stream carries its project's applications and never another's", async () => {
    const own = await open(b, '/api/v1/stream/applications', tenant);
    const admin = await open(b, '/api/v1/stream/applications');
    await report('b1', 'OutOfSync', 'Missing');
    await report('a1', 'OutOfSync', 'Progressing');
    await own.next(isApp('a1', 'OutOfSync'));
    await admin.next(isApp('b1', 'OutOfSync'));
    // B's application deleted: the admin hears of it, the tenant does not.
    assert.equal((await a.api('DELETE', '/api/v1/applications/b1?cascade=false')).status, 200);
    await admin.next((e) => e.event === 'deleted' && e.data.name === 'b1');
    await report('a1', 'Synced', 'Healthy');
    await own.next(isApp('a1', 'Synced'));
    const leaked = own.events.filter((e) => JSON.stringify(e.data).includes('b1') || JSON.stringify(e.data).includes('team-b'));
    assert.deepEqual(leaked, [], 'no event names team-b or its application');
  });

  it("an application moved out of the tenant's project leaves the tenant's stream as deleted", async () => {
    const own = await open(b, '/api/v1/stream/applications', tenant);
    assert.equal((await a.api('POST', '/api/v1/applications', application('mover', 'team-a'))).status, 201);
    await own.next(isApp('mover'));
    const moved = application('mover', 'team-b');
    assert.equal((await a.api('PUT', '/api/v1/applications/mover', moved)).status, 200);
    await own.next((e) => e.event === 'deleted' && e.data.name === 'mover');
    await report('a2', 'Synced', 'Healthy');
    await own.next(isApp('a2', 'Synced'));
    assert.deepEqual(own.events.filter((e) => e.event === 'application' && JSON.stringify(e.data).includes('team-b')), [], 'nothing of it in team-b reaches the tenant');
  });

  it('the cluster stream carries cluster changes from either replica', async () => {
    const stream = await open(b, '/api/v1/stream/clusters');
    assert.equal((await a.api('PATCH', '/api/v1/clusters/east', { labels: { env: 'prod' } })).status, 200);
    const event = await stream.next((e) => e.event === 'cluster' && e.data.name === 'east' && e.data.labels.env === 'prod');
    assert.equal(event.data.info.connectionState.status, 'Successful');
  });

  it('an anonymous stream is refused', async () => {
    const res = await fetch(`${b.hub.url}/api/v1/stream/applications`);
    assert.equal(res.status, 401);
  });
});

describe('an SSE connection to a client that does not read', () => {
  let server: Server;
  after(() => server?.close());

  it('is cut once 1 MiB waits unsent, instead of buffering without bound', async () => {
    let connection: SseConnection | undefined;
    server = createServer((_req, res) => {
      connection = new SseConnection(res);
      connection.start();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    socket.pause(); // never reads
    while (!connection) await new Promise((r) => setTimeout(r, 10));
    const chunk = { pad: 'x'.repeat(64 * 1024) };
    let sent = 0;
    while (connection.send('application', chunk, sent)) {
      sent += 1;
      assert.ok(sent < 2_000, 'a connection that is never read must be cut before 128 MB');
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(connection.closed, true);
    socket.destroy();
  });
});
