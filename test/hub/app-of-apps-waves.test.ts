// Sync waves between app-of-apps children against a real hub, the Git server and protocol-level
// agents: a parent applies its children wave by wave (argocd.argoproj.io/sync-wave) and starts a
// wave only when every child of the earlier waves reports Synced and Healthy at the bundle it was
// given; a Degraded child holds the next wave; a manual sync stays Running while a wave waits,
// succeeds when the last wave is applied, and fails when the child it waits for is Degraded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import type { TestAgent } from '../support/test-agent.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { childYaml, configMap, latest, parent, registerAgent, report } from '../support/app-of-apps.ts';

describe('app of apps: sync waves', () => {
  let t: TestHub;
  let git: GitServer;
  let repoURL: string;
  let east: TestAgent;
  const exists = async (name: string) => (await t.api('GET', `/api/v1/applications/${name}`)).status === 200;
  const assigned = (name: string) => eventually(`${name} assigned with a bundle`, async () => latest(east, name)?.bundle as string | undefined);
  /** Reports `name` Synced with `health` at the bundle it was assigned (or at `bundle`). */
  const reportAt = async (name: string, health: string, bundle?: string) => report(east, name, health, { sync: { status: 'Synced', bundle: bundle ?? await assigned(name) } });
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  before(async () => {
    git = await startGitServer();
    repoURL = `${git.url}/apps.git`;
    git.createRepo('apps', {
      'auto/db.yaml': childYaml(repoURL, 'db', 'east', { wave: -1 }),
      'auto/api.yaml': childYaml(repoURL, 'api', 'east'),
      'auto/web.yaml': childYaml(repoURL, 'web', 'east', { wave: 1 }),
      'manual/queue.yaml': childYaml(repoURL, 'queue', 'east', { wave: 0 }),
      'manual/worker.yaml': childYaml(repoURL, 'worker', 'east', { wave: 5 }),
      ...Object.fromEntries(['db', 'api', 'web', 'queue', 'worker'].map((n) => [`workloads/${n}/cm.yaml`, configMap(n)])),
    });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    east = await registerAgent(t, 'east');
  });
  after(async () => {
    east?.close();
    await t?.stop(true);
    await git?.close();
  });

  it('an automated parent applies wave -1, then 0 once -1 is Synced and Healthy at its bundle, then 1', async () => {
    assert.equal((await t.api('POST', '/api/v1/applications', parent('auto', repoURL, 'auto', { automated: { prune: true } }))).status, 201);
    const dbBundle = await assigned('db');
    assert.equal(await exists('api'), false, 'wave 0 waits for wave -1');
    assert.equal(await exists('web'), false);

    // A report that is not about the bundle db was given does not count, nor does Progressing.
    report(east, 'db', 'Healthy', { sync: { status: 'Synced' } });
    await reportAt('db', 'Progressing');
    await pause(2500);
    assert.equal(await exists('api'), false, 'db is not Healthy at its bundle yet');
    const root = (await t.api('GET', '/api/v1/applications/auto')).body;
    assert.equal(root.status.sync.status, 'OutOfSync', 'children of later waves are still missing');

    await reportAt('db', 'Healthy', dbBundle);
    await assigned('api');
    assert.equal(await exists('web'), false, 'wave 1 waits for wave 0');

    // A Degraded child holds the next wave until it recovers.
    await reportAt('api', 'Degraded');
    await pause(2500);
    assert.equal(await exists('web'), false, 'api is Degraded');
    await reportAt('api', 'Healthy');
    await assigned('web');
    await reportAt('web', 'Healthy');
    const done = await eventually('auto Synced and Healthy', async () => {
      const a = (await t.api('GET', '/api/v1/applications/auto')).body;
      return a.status.sync.status === 'Synced' && a.status.health.status === 'Healthy' ? a : undefined;
    });
    assert.deepEqual(done.status.resources.map((r: any) => r.name), ['api', 'db', 'web']);
  });

  it('a manual sync stays Running while a later wave waits, then Succeeds; a Degraded child fails the next one', async () => {
    assert.equal((await t.api('POST', '/api/v1/applications', parent('manual', repoURL, 'manual'))).status, 201);
    await eventually('manual rendered', async () => (await t.api('GET', '/api/v1/applications/manual')).body.status.bundle);
    const first = await t.api('POST', '/api/v1/applications/manual/sync', {});
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const op = first.body.application.status.operationState;
    assert.equal(op.phase, 'Running');
    assert.match(op.message, /waiting for wave 0 before wave 5: "queue" \(being applied\)/);
    assert.equal(await exists('worker'), false);
    await reportAt('queue', 'Healthy');
    await assigned('worker');
    const finished = await eventually('the sync Succeeded', async () => {
      const s = (await t.api('GET', '/api/v1/applications/manual')).body.status.operationState;
      return s.phase === 'Succeeded' ? s : undefined;
    });
    assert.equal(finished.id, op.id);
    const history = (await t.api('GET', '/api/v1/applications/manual')).body.status.history ?? [];
    assert.equal(history.length, 1, JSON.stringify(history));
    assert.equal(history[0].initiatedBy.username, 'admin');

    // worker changes in Git; queue turns Degraded: the next sync stops at wave 0 and fails.
    git.commit('apps', { 'manual/worker.yaml': childYaml(repoURL, 'worker', 'east', { wave: 5, namespace: 'jobs' }) }, 'worker moves');
    await t.api('POST', '/api/v1/applications/manual/refresh');
    await reportAt('queue', 'Degraded');
    const second = await t.api('POST', '/api/v1/applications/manual/sync', {});
    const failed = second.body.application.status.operationState;
    assert.equal(failed.phase, 'Failed', JSON.stringify(failed));
    assert.match(failed.message, /wave 0 did not become healthy: "queue" is Synced, Degraded; wave 5 was not applied/);
    // Each outcome is in the audit log once, under the caller, as an agent-reported operation's is.
    const outcomes = (await t.api('GET', '/api/v1/audit?resource=applications&object=manual&action=operation')).body.items.map((e: { actor: string; result: string; detail: { operation: string; phase: string } }) => [e.actor, e.result, e.detail.operation, e.detail.phase]);
    assert.deepEqual(outcomes, [['admin', 'failure', failed.id, 'Failed'], ['admin', 'success', op.id, 'Succeeded']]);
    assert.equal((await t.api('GET', '/api/v1/applications/worker')).body.spec.destination.namespace, 'worker', 'worker is unchanged');
  });
});
