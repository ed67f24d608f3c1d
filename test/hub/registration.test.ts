// Cluster registration and agent identity: a bootstrap token works once, an expired or used one
// and a revoked credential are refused, and one cluster's credential never reads another's state.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode } from '@flotilla/shared';
import { eventually, startTestHub, type TestHub } from '../support/hub.ts';
import { connectAgent } from '../support/test-agent.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const fixture = new URL('../fixtures/guestbook/', import.meta.url).pathname;

describe('cluster registration', () => {
  let t: TestHub;
  let git: GitServer;
  before(async () => {
    t = await startTestHub();
    git = await startGitServer();
    git.createRepo('apps', fixture);
    git.createRepo('other', { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: only-b\ndata:\n  a: "1"\n' });
  });
  after(async () => {
    await t.stop(true);
    await git.close();
  });

  async function addCluster(name: string, labels?: Record<string, string>) {
    const res = await t.api('POST', '/api/v1/clusters', { name, labels });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { bootstrapToken: string; installCommand: string; cluster: { name: string } };
  }

  async function register(name: string) {
    const { bootstrapToken } = await addCluster(name);
    const agent = await connectAgent(t.hub.url, bootstrapToken);
    agent.hello(0);
    const registered = await agent.next('registered');
    await agent.next('welcome');
    await agent.next('snapshot');
    // The agent acknowledged its credential: the hub spends the bootstrap token.
    await eventually('bootstrap token spent', async () => (await t.hub.ctx.pool.query(
      `SELECT 1 FROM cluster_tokens k JOIN clusters c ON c.id = k.cluster_id WHERE c.name = $1 AND k.kind = 'bootstrap' AND k.used_at IS NOT NULL`, [name])).rowCount === 1);
    return { agent, credential: registered.credential, bootstrapToken };
  }

  it('prints an install command with the one-time token, and stores only hashes', async () => {
    const added = await addCluster('alpha', { env: 'dev' });
    assert.match(added.bootstrapToken, /^flt_b_/);
    assert.ok(added.installCommand.includes(`--token ${added.bootstrapToken}`));
    assert.ok(added.installCommand.includes(`--hub ${t.hub.url}`));
    const stored = await t.hub.ctx.pool.query('SELECT token_hash FROM cluster_tokens');
    assert.ok(stored.rows.every((r: { token_hash: string }) => !r.token_hash.includes(added.bootstrapToken)));
    const listed = await t.api('GET', '/api/v1/clusters/alpha');
    assert.deepEqual(listed.body.labels, { env: 'dev' });
    assert.equal(listed.body.info.connectionState.status, 'Unknown');
    assert.equal(JSON.stringify(listed.body).includes('flt_'), false);
  });

  it('exchanges a bootstrap token once for a credential; the second use is refused', async () => {
    const { agent, credential, bootstrapToken } = await register('bravo');
    assert.match(credential, /^flt_c_/);
    await assert.rejects(connectAgent(t.hub.url, bootstrapToken), (e: { status?: number }) => e.status === 401);
    agent.close();
    // The credential works for a new connection, without another `registered`.
    const again = await connectAgent(t.hub.url, credential);
    again.hello(0);
    const welcome = await again.next('welcome');
    assert.equal(welcome.cluster, 'bravo');
    assert.equal(again.received.some((m) => m.type === 'registered'), false);
    const cluster = await t.api('GET', '/api/v1/clusters/bravo');
    assert.equal(cluster.body.info.connectionState.status, 'Successful');
    again.close();
  });

  it('refuses an expired bootstrap token, a made-up one and none at all', async () => {
    const { bootstrapToken } = await addCluster('charlie');
    await t.hub.ctx.pool.query(`UPDATE cluster_tokens SET expires_at = now() - interval '1 second' WHERE kind = 'bootstrap' AND used_at IS NULL`);
    await assert.rejects(connectAgent(t.hub.url, bootstrapToken), (e: { status?: number }) => e.status === 401);
    await assert.rejects(connectAgent(t.hub.url, 'flt_c_not-a-real-credential'), (e: { status?: number }) => e.status === 401);
    await assert.rejects(connectAgent(t.hub.url, undefined), (e: { status?: number }) => e.status === 401);
    // A fresh token for the same cluster works.
    const fresh = await t.api('POST', '/api/v1/clusters/charlie/bootstrap-token');
    const agent = await connectAgent(t.hub.url, fresh.body.bootstrapToken);
    agent.hello(0);
    await agent.next('registered');
    agent.close();
  });

  it('revoking a cluster closes its live session and refuses its credential afterwards', async () => {
    const { agent, credential } = await register('delta');
    const revoked = await t.api('POST', '/api/v1/clusters/delta/revoke');
    assert.equal(revoked.status, 200);
    const closed = await agent.closed;
    assert.equal(closed.code, CloseCode.revoked);
    await assert.rejects(connectAgent(t.hub.url, credential), (e: { status?: number }) => e.status === 401);
    const bundle = await fetch(`${t.hub.url}/api/v1/agent/bundles/sha256:${'0'.repeat(64)}`, { headers: { authorization: `Bearer ${credential}` } });
    assert.equal(bundle.status, 401);
  });

  it("one cluster's credential sees only its own assignments and bundles", async () => {
    const a = await register('east');
    const b = await register('west');
    const create = (name: string, repo: string, cluster: string) => t.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name },
      spec: { project: 'default', source: { repoURL: `${git.url}/${repo}.git`, path: '.', targetRevision: 'HEAD' }, destination: { name: cluster, namespace: 'demo' } },
    });
    assert.equal((await create('guestbook-east', 'apps', 'east')).status, 201);
    assert.equal((await create('config-west', 'other', 'west')).status, 201);
    const bundleOf = async (name: string) => {
      for (let i = 0; i < 100; i++) {
        const app = await t.api('GET', `/api/v1/applications/${name}`);
        if (app.body.status.bundle) return app.body.status.bundle as string;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${name} never rendered`);
    };
    const eastBundle = await bundleOf('guestbook-east');
    const westBundle = await bundleOf('config-west');

    // Each agent's deltas name only its own application.
    const seen = (agent: typeof a.agent) => agent.received.flatMap((m) => (m.type === 'delta' ? m.changes.map((c) => c.app) : m.type === 'snapshot' ? m.assignments.map((x) => x.app) : []));
    await a.agent.next('delta');
    await b.agent.next('delta');
    assert.ok(seen(a.agent).every((app) => app === 'guestbook-east'));
    assert.ok(seen(b.agent).every((app) => app === 'config-west'));

    // A fresh snapshot of east lists only east's application.
    const fresh = await connectAgent(t.hub.url, a.credential);
    fresh.hello(0);
    const snapshot = await fresh.next('snapshot');
    assert.deepEqual(snapshot.assignments.map((x) => x.app), ['guestbook-east']);

    const get = (credential: string, key: string) => fetch(`${t.hub.url}/api/v1/agent/bundles/${key}`, { headers: { authorization: `Bearer ${credential}` } });
    const own = await get(a.credential, eastBundle);
    assert.equal(own.status, 200);
    const body = (await own.json()) as { key: string; manifests: { kind: string }[] };
    assert.equal(body.key, eastBundle);
    assert.deepEqual(body.manifests.map((m) => m.kind).sort(), ['Deployment', 'Service']);
    assert.equal((await get(a.credential, westBundle)).status, 404);
    assert.equal((await get(b.credential, eastBundle)).status, 404);
    // A user's session token is not an agent credential.
    assert.equal((await get(t.token, eastBundle)).status, 401);
    for (const agent of [a.agent, b.agent, fresh]) agent.close();
  });

  it('a newer connection of the same cluster replaces the older one', async () => {
    const { agent, credential } = await register('foxtrot');
    const second = await connectAgent(t.hub.url, credential);
    second.hello(0);
    await second.next('welcome');
    assert.equal((await agent.closed).code, CloseCode.replaced);
    second.close();
  });
});
