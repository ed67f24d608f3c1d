// PostgreSQL restarted under a hub process (a DATABASE_URL server: Debian's postgresql, started
// by the test) while agents keep reporting and a poll round waits on a slow Git remote (holding a
// pooled connection): the hub does not crash, reconnects by itself (readiness, writes, and its
// LISTEN connection for cluster notices), and no status or event is lost or stored twice.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { eventually } from '../support/hub.ts';
import { startHubProcess, type HubProcess } from '../support/processes.ts';
import { ReportingAgent } from '../support/test-agent.ts';

const CLUSTERS = ['east', 'west'];
const APPS_PER_CLUSTER = 2;
const OUTAGE_MS = 4000;

const application = (name: string, cluster: string, repoURL: string) => ({
  apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
  spec: { project: 'default', source: { repoURL, path: name, targetRevision: 'HEAD' }, destination: { name: cluster, namespace: name } },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL restarted while agents report', { timeout: 120_000 }, () => {
  let server: PostgresServer;
  let hub: HubProcess;
  let slowGit: Server;
  const agents = new Map<string, { agent: ReportingAgent; apps: string[] }>();
  let passed = false;
  const readyz = async () => (await fetch(`${hub.url}/readyz`).catch(() => undefined))?.status;

  before(async () => {
    server = await startPostgresServer();
    // A Git remote that takes 1.5 s to answer (then has nothing): each poll round holds its pooled
    // connection (the poll lock) while it waits, as a round on a slow remote does.
    slowGit = createServer((_req, res) => setTimeout(() => res.writeHead(404).end(), 1500));
    await new Promise<void>((r) => slowGit.listen(0, '127.0.0.1', r));
    const repoURL = `http://127.0.0.1:${(slowGit.address() as { port: number }).port}/apps.git`;
    hub = await startHubProcess({ env: { DATABASE_URL: server.url }, args: ['--poll-interval', '0.2', '--heartbeat-interval', '0.5'] });
    for (const cluster of CLUSTERS) {
      const added = await hub.api('POST', '/api/v1/clusters', { name: cluster });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      const apps = Array.from({ length: APPS_PER_CLUSTER }, (_, i) => `${cluster}-app-${i}`);
      for (const app of apps) assert.equal((await hub.api('POST', '/api/v1/applications', application(app, cluster, repoURL))).status, 201);
      agents.set(cluster, { agent: new ReportingAgent(hub.url, added.body.bootstrapToken, apps), apps });
    }
  });
  after(async () => {
    for (const { agent } of agents.values()) await agent.stop();
    await hub?.stop();
    // The hub's log stays when the test failed.
    if (hub && passed) rmSync(hub.dataDir, { recursive: true, force: true });
    else if (hub) console.log(`# hub log: ${hub.proc.logFile}`);
    slowGit?.closeAllConnections();
    slowGit?.close();
    await server?.remove();
  });

  it('reconnects by itself after a fast shutdown, and stores every status and event exactly once', async () => {
    for (const { agent } of agents.values()) agent.start();
    await eventually('every agent reporting', async () => [...agents.values()].every(({ agent }) => agent.connected && agent.ledger.eventsAcked.size > 5), 15_000);
    await sleep(500);

    // The outage: the agents keep producing reports; the hub must neither crash nor stall.
    const ackedBefore = new Map([...agents].map(([c, { agent }]) => [c, agent.ledger.eventsAcked.size]));
    await server.stop();
    const outageStarted = Date.now();
    await eventually('/readyz red during the outage', async () => (await readyz()) === 503, 5000);
    await sleep(OUTAGE_MS - (Date.now() - outageStarted));
    assert.equal(hub.proc.child.exitCode, null, `the hub process exited during the outage; see ${hub.proc.logFile}`);
    assert.equal(await fetch(`${hub.url}/healthz`).then((r) => r.status), 200, 'the hub process answers during the outage');
    await server.start();

    // The hub recovers with nobody restarting it.
    const recovered = Date.now();
    await eventually('/readyz green again', async () => (await readyz()) === 200, 20_000, 100);
    const readyAfterMs = Date.now() - recovered;
    await eventually('new reports acked after the restart', async () => [...agents].every(([c, { agent }]) => agent.connected && agent.ledger.eventsAcked.size > ackedBefore.get(c)! + 5), 20_000);
    const caughtUpMs = Date.now() - recovered;

    // Cluster notices flow again: a sync created now reaches the agent as a delta.
    const [cluster, { agent, apps }] = [...agents][0]!;
    const synced = await hub.api('POST', `/api/v1/applications/${apps[0]}/sync`, {});
    assert.equal(synced.status, 200, JSON.stringify(synced.body));
    const opId: string = synced.body.operation.id;
    await eventually(`the sync delivered to ${cluster} as a delta`, async () => agent.ledger.updates.some((u) => u.type === 'delta' && u.changes.some((c) => c.assignment?.operation?.id === opId)), 10_000);

    // Stop producing, let every pending report be acked, then read the store directly.
    for (const { agent } of agents.values()) agent.pause();
    await eventually('every report acked', async () => [...agents.values()].every(({ agent }) => agent.drained), 20_000);
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      for (const [name, { agent, apps }] of agents) {
        const id = (await db.query<{ id: string }>('SELECT id FROM clusters WHERE name = $1', [name])).rows[0]!.id;
        const rows = (await db.query<{ seq: string; n: string }>('SELECT seq, count(*) AS n FROM cluster_events WHERE cluster_id = $1 GROUP BY seq ORDER BY seq', [id])).rows;
        const stored = rows.map((r) => Number(r.seq));
        assert.deepEqual(stored, [...agent.ledger.eventsSent].sort((a, b) => a - b), `${name}: every event stored (none lost, none extra)`);
        assert.ok(rows.every((r) => r.n === '1'), `${name}: no event stored twice`);
        for (const app of apps) {
          const status = (await db.query<{ seq: string; status: { health: { message: string } } }>('SELECT seq, status FROM application_status WHERE app_name = $1', [app])).rows[0];
          const sent = agent.ledger.status.get(app)!.sent;
          assert.equal(Number(status?.seq), sent, `${app}: the latest status stored`);
          assert.equal(status?.status.health.message, `seq ${sent}`);
        }
        assert.ok(agent.ledger.sessions >= 2, `${name} reconnected (${agent.ledger.sessions} sessions)`);
        assert.ok(agent.ledger.eventsSent.size > 40, `${name} reported throughout (${agent.ledger.eventsSent.size} events)`);
      }
    } finally {
      await db.end();
    }
    // The API agrees with the store.
    const second = apps[1]!;
    const app = (await hub.api('GET', `/api/v1/applications/${second}`)).body;
    assert.equal(app.status.health.message, `seq ${agent.ledger.status.get(second)!.sent}`);
    assert.equal(hub.proc.child.exitCode, null, 'the hub process is still the one started');
    passed = true;
    console.log(`# outage ${OUTAGE_MS} ms; /readyz green ${readyAfterMs} ms after PostgreSQL restarted; agents caught up after ${caughtUpMs} ms`);
  });
});
