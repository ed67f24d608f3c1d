// Git → hub → agent: a pushed commit plus a webhook produces a new bundle and a delta for the
// cluster's agent; a render error becomes a condition and keeps the last good bundle; a bad
// webhook signature is refused; and without webhooks the poller picks commits up.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const SECRET = 'webhook-s3cret';
const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

function application(name: string, repoURL: string, cluster: string, path = 'config') {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: { project: 'default', source: { repoURL, path, targetRevision: 'main' }, destination: { name: cluster, namespace: 'demo' }, syncPolicy: { automated: { prune: true, selfHeal: true } } },
  };
}

async function registerAgent(t: TestHub, name: string): Promise<TestAgent> {
  const added = await t.api('POST', '/api/v1/clusters', { name });
  const agent = await connectAgent(t.hub.url, added.body.bootstrapToken);
  agent.hello(0);
  await agent.next('snapshot');
  return agent;
}

function githubPush(repoUrl: string, after: string, secret = SECRET) {
  const body = JSON.stringify({ ref: 'refs/heads/main', after, repository: { html_url: repoUrl.replace(/\.git$/, ''), clone_url: repoUrl }, commits: [] });
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return { body, headers: { 'x-github-event': 'push', 'x-hub-signature-256': signature } };
}

describe('git to agent', () => {
  let t: TestHub;
  let git: GitServer;
  let repoURL: string;
  before(async () => {
    git = await startGitServer();
    git.createRepo('fleet', { 'config/settings.yaml': configMap('settings', 'v1'), 'README.md': '# fleet\n' });
    repoURL = `${git.url}/fleet.git`;
    // Polling effectively off: only webhooks and explicit refreshes render here.
    t = await startTestHub({ webhookSecrets: { github: SECRET }, pollIntervalMs: 3_600_000 });
  });
  after(async () => {
    await t.stop(true);
    await git.close();
  });

  it('a pushed commit plus a webhook reaches the agent as a delta with the new bundle', async () => {
    const agent = await registerAgent(t, 'edge-1');
    assert.equal((await t.api('POST', '/api/v1/applications', application('settings', repoURL, 'edge-1'))).status, 201);
    const first = await eventually('first render', async () => {
      const d = await agent.next('delta');
      return d.changes.find((c) => c.assignment?.bundle)?.assignment ?? undefined;
    });
    assert.equal(first.revision, git.revParse('fleet', 'main'));
    assert.equal(first.namespace, 'demo');
    const bundle = await (await fetch(`${t.hub.url}/api/v1/agent/bundles/${first.bundle}`, { headers: { authorization: `Bearer ${await credentialOf(agent)}` } })).json() as any;
    assert.deepEqual(bundle.manifests.map((m: any) => m.data.value), ['v1']);

    const commit = git.commit('fleet', { 'config/settings.yaml': configMap('settings', 'v2') }, 'bump to v2');
    const push = githubPush(repoURL, commit);
    const res = await t.api('POST', '/api/webhook', push.body, { token: null, headers: push.headers });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.refreshed, ['settings']);
    const delta = await agent.next('delta');
    const change = delta.changes.find((c) => c.app === 'settings')!;
    assert.equal(change.assignment?.revision, commit);
    assert.notEqual(change.assignment?.bundle, first.bundle);
    assert.equal(delta.fromRevision + delta.changes.length, delta.revision);
    agent.close();
  });

  it('a render error becomes a condition with file and line, and the last good bundle stays', async () => {
    const before = await t.api('GET', '/api/v1/applications/settings');
    const goodBundle = before.body.status.bundle;
    const broken = git.commit('fleet', { 'config/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  key: value: nested\n  other: fine\n' }, 'broken yaml');
    const push = githubPush(repoURL, broken);
    assert.equal((await t.api('POST', '/api/webhook', push.body, { token: null, headers: push.headers })).status, 200);
    const app = await eventually('a ComparisonError condition', async () => {
      const a = await t.api('GET', '/api/v1/applications/settings');
      return a.body.status.conditions.some((c: any) => c.type === 'ComparisonError') ? a.body : undefined;
    });
    const condition = app.status.conditions.find((c: any) => c.type === 'ComparisonError');
    assert.match(condition.message, /config\/broken\.yaml:6:\d+: YAML syntax error/);
    assert.equal(app.status.bundle, goodBundle);
    assert.notEqual(app.status.sync.revision, broken);

    // Fixing it clears the condition and moves on.
    const fixed = git.commit('fleet', { 'config/broken.yaml': null }, 'remove broken');
    const refreshed = await t.api('POST', '/api/v1/applications/settings/refresh');
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.status.sync.revision, fixed);
    assert.deepEqual(refreshed.body.status.conditions, []);
  });

  it('refuses webhooks with a bad or missing signature and keeps serving', async () => {
    const push = githubPush(repoURL, 'f'.repeat(40), 'not-the-secret');
    const bad = await t.api('POST', '/api/webhook', push.body, { token: null, headers: push.headers });
    assert.equal(bad.status, 401);
    assert.match(bad.body.error.message, /signature/i);
    const unsigned = await t.api('POST', '/api/webhook', push.body, { token: null, headers: { 'x-github-event': 'push' } });
    assert.equal(unsigned.status, 401);
    const garbage = await t.api('POST', '/api/webhook', 'not json at all', { token: null, headers: { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'wrong' } });
    assert.ok(garbage.status === 400 || garbage.status === 401);
    assert.equal((await t.api('GET', '/readyz', undefined, { token: null })).status, 200);
  });

  it('renders a source shared by 50 applications on 50 clusters once', async () => {
    git.createRepo('shared', { 'base/cm.yaml': configMap('shared', 'same') });
    const url = `${git.url}/shared.git`;
    const rendersBefore = t.hub.ctx.repo.stats.renders;
    for (let i = 0; i < 50; i++) {
      assert.equal((await t.api('POST', '/api/v1/clusters', { name: `fleet-${i}` })).status, 201);
      assert.equal((await t.api('POST', '/api/v1/applications', application(`shared-${i}`, url, `fleet-${i}`, 'base'))).status, 201);
    }
    const bundles = await eventually('all 50 rendered', async () => {
      const list = await t.api('GET', '/api/v1/applications');
      const keys = list.body.items.filter((a: any) => a.metadata.name.startsWith('shared-')).map((a: any) => a.status.bundle);
      return keys.length === 50 && keys.every(Boolean) ? keys : undefined;
    }, 30_000);
    assert.equal(new Set(bundles).size, 1);
    assert.equal(t.hub.ctx.repo.stats.renders - rendersBefore, 1);
    const renders = await t.hub.ctx.pool.query('SELECT count(*)::int AS n FROM renders r JOIN bundles b ON b.key = r.bundle_key WHERE b.key = $1', [bundles[0]]);
    assert.equal(renders.rows[0].n, 1);
  });

  it('exposes Prometheus metrics: renders, cache hits, agents and applications', async () => {
    const res = await fetch(`${t.hub.url}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
    assert.equal(value('flotilla_renders_total'), t.hub.ctx.repo.stats.renders);
    assert.ok(value('flotilla_render_cache_hits_total') >= 1);
    assert.match(text, /^flotilla_agents_connected \d+$/m);
    assert.match(text, /^flotilla_applications\{sync_status="Unknown",health_status="Unknown"\} \d+$/m);
    assert.match(text, /^flotilla_hub_process_resident_memory_bytes \d+/m);
  });
});

describe('poller', () => {
  let t: TestHub;
  let git: GitServer;
  before(async () => {
    git = await startGitServer();
    git.createRepo('polled', { 'app/cm.yaml': configMap('polled', 'v1') });
    t = await startTestHub({ pollIntervalMs: 300 });
  });
  after(async () => {
    await t.stop(true);
    await git.close();
  });

  it('picks up a commit without a webhook', async () => {
    const agent = await registerAgent(t, 'polled-cluster');
    await t.api('POST', '/api/v1/applications', application('polled', `${git.url}/polled.git`, 'polled-cluster', 'app'));
    await eventually('first render', async () => (await t.api('GET', '/api/v1/applications/polled')).body.status.bundle);
    const commit = git.commit('polled', { 'app/cm.yaml': configMap('polled', 'v2') });
    const delta = await eventually('a delta with the new commit', async () => {
      const d = await agent.next('delta', 5000);
      return d.changes.some((c) => c.assignment?.revision === commit) ? d : undefined;
    });
    assert.ok(delta.revision > delta.fromRevision);
    agent.close();
  });
});

const credentials = new WeakMap<TestAgent, string>();
async function credentialOf(agent: TestAgent): Promise<string> {
  const cached = credentials.get(agent);
  if (cached) return cached;
  const registered = agent.received.find((m) => m.type === 'registered');
  if (!registered || registered.type !== 'registered') throw new Error('agent has no credential');
  credentials.set(agent, registered.credential);
  return registered.credential;
}
