// App of apps against a real hub, the Git server and protocol-level agents: a parent application
// whose destination is the hub renders child Application (and AppProject) objects; the hub creates,
// updates and prunes them as Argo CD does, assigns each child to its cluster (never the parent),
// turns clashes and unsupported objects into conditions on the parent, and rolls the children's
// sync and health up into the parent's status. A manual parent waits for `sync`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import type { TestAgent } from '../support/test-agent.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

import { childYaml, configMap, latest, parent, registerAgent, report } from '../support/app-of-apps.ts';

describe('app of apps', () => {
  let t: TestHub;
  let git: GitServer;
  let repoURL: string;
  let east: TestAgent;
  let west: TestAgent;
  const app = async (name: string) => (await t.api('GET', `/api/v1/applications/${name}`)).body;
  const refresh = async (name: string) => {
    const res = await t.api('POST', `/api/v1/applications/${name}/refresh`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };

  before(async () => {
    git = await startGitServer();
    repoURL = `${git.url}/apps.git`;
    git.createRepo('apps', {
      'apps/guestbook.yaml': childYaml(repoURL, 'guestbook', 'east', { finalizer: true }),
      'apps/redis.yaml': childYaml(repoURL, 'redis', 'west'),
      'apps/metrics.yaml': childYaml(repoURL, 'metrics', 'east'),
      'workloads/guestbook/cm.yaml': configMap('guestbook'),
      'workloads/redis/cm.yaml': configMap('redis'),
      'workloads/metrics/cm.yaml': configMap('metrics'),
    });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    east = await registerAgent(t, 'east');
    west = await registerAgent(t, 'west');
  });
  after(async () => {
    east?.close();
    west?.close();
    await t?.stop(true);
    await git?.close();
  });

  it('a parent whose path holds three child Applications creates them, owned, each assigned to its cluster', async () => {
    const created = await t.api('POST', '/api/v1/applications', parent('root', repoURL, 'apps', { automated: { prune: true } }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.status.cluster.name, 'hub');
    const children = await eventually('three children rendered and assigned', async () => {
      const [g, r, m] = [latest(east, 'guestbook'), latest(west, 'redis'), latest(east, 'metrics')];
      return g?.bundle && r?.bundle && m?.bundle ? { g, r, m } : undefined;
    });
    assert.equal(children.g.namespace, 'guestbook');
    assert.equal(children.r.namespace, 'redis');
    assert.equal(latest(west, 'guestbook'), undefined, 'guestbook is not sent to west');
    assert.equal(latest(east, 'redis'), undefined, 'redis is not sent to east');
    const guestbook = await app('guestbook');
    assert.equal(guestbook.metadata.annotations['argocd.argoproj.io/tracking-id'], 'root:argoproj.io/Application:argocd/guestbook');
    assert.deepEqual(guestbook.metadata.finalizers, ['resources-finalizer.argocd.argoproj.io']);
    // The parent itself never reaches an agent.
    const logged = await t.hub.ctx.pool.query("SELECT count(*)::int AS n FROM assignment_log WHERE app_name = 'root'");
    assert.equal(logged.rows[0].n, 0);
    assert.equal(latest(east, 'root'), undefined);
    const audit = await t.api('GET', '/api/v1/audit?resource=applications&object=redis');
    assert.ok(audit.body.items.some((e: any) => e.actor === 'application/root' && e.action === 'create'), JSON.stringify(audit.body));
  });

  it("the parent's status rolls up its children's sync and health", async () => {
    report(east, 'guestbook', 'Healthy');
    report(west, 'redis', 'Healthy');
    report(east, 'metrics', 'Degraded');
    const root = await eventually('parent Degraded', async () => {
      const a = await app('root');
      return a.status.health.status === 'Degraded' ? a : undefined;
    });
    assert.equal(root.status.sync.status, 'Synced');
    assert.match(root.status.health.message, /Application "metrics" is Degraded/);
    assert.deepEqual(root.status.resources.map((r: any) => `${r.kind}/${r.name} ${r.status} ${r.health.status}`), ['Application/guestbook Synced Healthy', 'Application/metrics Synced Degraded', 'Application/redis Synced Healthy']);
    report(east, 'metrics', 'Healthy');
    await eventually('parent Healthy', async () => (await app('root')).status.health.status === 'Healthy');
    const listed = (await t.api('GET', '/api/v1/applications')).body.items.find((a: any) => a.metadata.name === 'root');
    assert.equal(listed.status.health.status, 'Healthy');
    // /metrics counts the parent as the API shows it, not as Unknown (no agent reports a hub app).
    const metrics = await (await fetch(`${t.hub.url}/metrics`)).text();
    const line = (sync: string, health: string) => new RegExp(`^flotilla_applications\\{sync_status="${sync}",health_status="${health}"\\} (\\d+)$`, 'm').exec(metrics)?.[1];
    assert.equal(line('Unknown', 'Unknown'), undefined, metrics);
    assert.ok(Number(line('Synced', 'Healthy')) >= 1, metrics);
  });

  it('a child changed in Git is updated and its agent gets the new assignment', async () => {
    git.commit('apps', { 'apps/redis.yaml': childYaml(repoURL, 'redis', 'west', { namespace: 'cache' }) }, 'redis moves namespace');
    await refresh('root');
    await eventually('redis reassigned with namespace cache', async () => latest(west, 'redis')?.namespace === 'cache');
    assert.equal((await app('redis')).spec.destination.namespace, 'cache');
    assert.equal((await app('root')).status.sync.status, 'Synced');
  });

  it('a child removed from Git is pruned: with the finalizer its agent gets a cascade deletion, without it the app just goes', async () => {
    git.commit('apps', { 'apps/guestbook.yaml': null, 'apps/metrics.yaml': null }, 'remove guestbook and metrics');
    await refresh('root');
    // guestbook has the resources finalizer: a cascade deletion its agent carries out, then reports.
    const deletion = await eventually('guestbook deletion sent', async () => latest(east, 'guestbook')?.deletion);
    assert.deepEqual(deletion, { cascade: true, propagationPolicy: 'foreground' });
    assert.equal((await t.api('GET', '/api/v1/applications/guestbook')).status, 200, 'kept until its agent deleted its resources');
    report(east, 'guestbook', 'Healthy', { deleted: true });
    await eventually('guestbook gone', async () => (await t.api('GET', '/api/v1/applications/guestbook')).status === 404);
    // metrics has no finalizer: deleted without cascade, its agent lets go of it (resources stay).
    assert.equal((await t.api('GET', '/api/v1/applications/metrics')).status, 404);
    await eventually('metrics left east', async () => latest(east, 'metrics') === null);
    const root = await app('root');
    assert.deepEqual(root.status.resources.map((r: any) => r.name), ['redis']);
    const audit = await t.api('GET', '/api/v1/audit?resource=applications&object=metrics');
    assert.ok(audit.body.items.some((e: any) => e.actor === 'application/root' && e.action === 'delete' && e.detail.cascade === false), JSON.stringify(audit.body));
  });

  it('a name clash with an API-created app is a condition on the parent; the API app is not taken over', async () => {
    const own = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'mine' }, spec: { source: { repoURL, path: 'workloads/redis', targetRevision: 'main' }, destination: { name: 'west', namespace: 'mine' } } };
    assert.equal((await t.api('POST', '/api/v1/applications', own)).status, 201);
    git.commit('apps', { 'apps/mine.yaml': childYaml(repoURL, 'mine', 'east', { namespace: 'stolen' }) }, 'clash');
    const root = await refresh('root');
    const condition = root.status.conditions.find((c: any) => c.type === 'SharedResourceWarning');
    assert.ok(condition, JSON.stringify(root.status.conditions));
    assert.match(condition.message, /Application "mine" already exists and was not created by an application/);
    assert.equal(root.status.sync.status, 'OutOfSync');
    const mine = await app('mine');
    assert.equal(mine.spec.destination.namespace, 'mine');
    assert.equal(mine.metadata.annotations?.['argocd.argoproj.io/tracking-id'], undefined);
    // Removing the clash from Git clears the condition.
    git.commit('apps', { 'apps/mine.yaml': null }, 'no clash');
    const cleared = await refresh('root');
    assert.equal(cleared.status.conditions.some((c: any) => c.type === 'SharedResourceWarning'), false);
    assert.equal((await t.api('GET', '/api/v1/applications/mine')).status, 200, 'the API app is never pruned');
  });

  it('an ApplicationSet child, an invalid child and an unknown cluster are conditions, and the rest applies', async () => {
    git.commit('apps', {
      'apps/set.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: fleet\nspec:\n  generators: []\n  template: {}\n',
      'apps/nowhere.yaml': childYaml(repoURL, 'nowhere', 'no-such-cluster'),
      'apps/broken.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: broken\nspec:\n  source:\n    repoURL: x\n    path: y\n',
      'apps/cache.yaml': childYaml(repoURL, 'cache', 'west'),
      'workloads/cache/cm.yaml': configMap('cache'),
    }, 'mixed');
    const root = await refresh('root');
    const messages = root.status.conditions.filter((c: any) => c.type === 'SyncError').map((c: any) => c.message).join('\n');
    assert.match(messages, /ApplicationSet "fleet" is not supported yet/);
    assert.match(messages, /Application "nowhere" cannot be applied: destination cluster "no-such-cluster" is not registered/);
    assert.match(messages, /Application "broken" is invalid: .*spec\.destination: required field is missing/);
    assert.equal((await t.api('GET', '/api/v1/applications/nowhere')).status, 404);
    await eventually('cache assigned to west', async () => latest(west, 'cache')?.bundle);
    git.commit('apps', { 'apps/set.yaml': null, 'apps/nowhere.yaml': null, 'apps/broken.yaml': null }, 'clean');
    assert.deepEqual((await refresh('root')).status.conditions, []);
  });

  it('a manual parent is OutOfSync until synced; sync prunes only with prune', async () => {
    git.commit('apps', {
      'manual/project.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: team\nspec:\n  sourceRepos: ["*"]\n  destinations: [{ name: "*", namespace: "*" }]\n',
      'manual/web.yaml': childYaml(repoURL, 'web', 'east', { project: 'team' }),
      'workloads/web/cm.yaml': configMap('web'),
    }, 'manual parent');
    assert.equal((await t.api('POST', '/api/v1/applications', parent('manual', repoURL, 'manual'))).status, 201);
    const waiting = await eventually('manual rendered', async () => {
      const a = await app('manual');
      return a.status.bundle ? a : undefined;
    });
    assert.equal(waiting.status.sync.status, 'OutOfSync');
    assert.deepEqual(waiting.status.resources.map((r: any) => `${r.kind}/${r.name} ${r.status}`), ['AppProject/team OutOfSync', 'Application/web OutOfSync']);
    assert.equal((await t.api('GET', '/api/v1/applications/web')).status, 404, 'nothing applied before a sync');

    const synced = await t.api('POST', '/api/v1/applications/manual/sync', {});
    assert.equal(synced.status, 200, JSON.stringify(synced.body));
    assert.equal(synced.body.application.status.operationState.phase, 'Succeeded');
    assert.equal(synced.body.application.status.sync.status, 'Synced');
    assert.equal((await t.api('GET', '/api/v1/projects/team')).status, 200);
    await eventually('web assigned to east', async () => latest(east, 'web')?.bundle);

    git.commit('apps', { 'manual/web.yaml': null }, 'drop web');
    await refresh('manual');
    const noPrune = await t.api('POST', '/api/v1/applications/manual/sync', {});
    assert.equal(noPrune.body.application.status.operationState.phase, 'Succeeded');
    assert.equal((await t.api('GET', '/api/v1/applications/web')).status, 200, 'not pruned without prune');
    assert.deepEqual(noPrune.body.application.status.resources.filter((r: any) => r.requiresPruning).map((r: any) => r.name), ['web']);
    const pruned = await t.api('POST', '/api/v1/applications/manual/sync', { prune: true });
    assert.equal(pruned.body.application.status.operationState.phase, 'Succeeded');
    assert.equal((await t.api('GET', '/api/v1/applications/web')).status, 404);
    await eventually('web left east', async () => latest(east, 'web') === null);
  });

  it('deleting a parent with cascade prunes its children by their finalizers', async () => {
    const res = await t.api('DELETE', '/api/v1/applications/root');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await t.api('GET', '/api/v1/applications/root')).status, 404);
    for (const child of ['redis', 'cache']) {
      assert.equal((await t.api('GET', `/api/v1/applications/${child}`)).status, 404, child);
      await eventually(`${child} left west`, async () => latest(west, child) === null);
    }
  });
});
