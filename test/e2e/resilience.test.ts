// What must hold when things go wrong: the hub away (the agent keeps healing from its stored state,
// and status is current again once the hub is back), the agent killed mid-sync (it converges with
// no orphans or duplicates), a broken commit (nothing pruned), and application deletion.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFleet, configMapYaml, deploymentYaml, isNotFound, type Fleet } from '../support/fleet.ts';
import { eventually } from '../support/hub.ts';

const manyConfigMaps = (prefix: string, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`bulk/${prefix}-${i}.yaml`, configMapYaml(`${prefix}-${i}`, String(i))]));

describe('resilience on a real cluster', () => {
  let f: Fleet;
  before(async () => {
    f = await startFleet(['solo'], { 'web/deployment.yaml': deploymentYaml('web', 2), 'web/config.yaml': configMapYaml('web-config', 'v1'), 'bulk/.keep': '' });
    await f.createApp('web', 'web', 'solo', 'web', { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] });
    await eventually('web Synced and Healthy', async () => {
      const a = await f.app('web');
      return a.status.sync.status === 'Synced' && a.status.health.status === 'Healthy';
    }, 60_000);
  });
  after(() => f?.stop());

  const tracked = async (namespace: string) => (await f.kube(0).core.listNamespacedConfigMap({ namespace, labelSelector: 'app.flotilla.dev/instance' })).items;

  it('keeps reverting drift while the hub is killed, and reports again once it is back', async () => {
    const before = await f.app('web');
    await f.hub.kill();
    f.kubectl(0, 'scale', 'deployment/web', '-n', 'web', '--replicas=4');
    const apps = f.kube(0).apps;
    await eventually('reverted without the hub', async () => (await apps.readNamespacedDeployment({ name: 'web', namespace: 'web' })).spec?.replicas === 2, 20_000, 50);
    await f.hub.restart();
    await f.waitConnected();
    const events = await eventually('the revert reported after the restart', async () => {
      const list = (await f.hub.api('GET', '/api/v1/applications/web/events')).body.items;
      return list.filter((e: any) => e.event.reason === 'DriftReverted' && Date.parse(e.event.at) > Date.parse(before.status.reconciledAt)).length ? list : undefined;
    }, 30_000);
    assert.ok(events.length > 0);
    const after = await f.app('web');
    assert.equal(after.status.sync.status, 'Synced');
    assert.equal(after.status.health.status, 'Healthy');
  });

  it('converges after the agent is killed mid-sync, with no orphaned or duplicated objects', async () => {
    await f.createApp('bulk', 'bulk', 'solo', 'bulk', { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] });
    await eventually('bulk synced (empty)', async () => (await f.app('bulk')).status.sync.status === 'Synced', 30_000);
    await f.push(manyConfigMaps('item', 150), '150 config maps');
    await eventually('the sync under way', async () => (await tracked('bulk').catch(() => [])).length > 0, 30_000, 10);
    await f.agents[0]!.stop('SIGKILL');
    const partial = (await tracked('bulk')).length;
    f.agents[0]!.start();
    await eventually('150 objects after the restart', async () => (await tracked('bulk')).length === 150 && (await f.app('bulk')).status.sync.status === 'Synced', 60_000);
    const names = (await tracked('bulk')).map((c) => c.metadata!.name!);
    assert.equal(new Set(names).size, 150);
    assert.ok(partial <= 150);
    // Its inventory survived the kill: removing objects from Git prunes exactly those.
    const removals = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`bulk/item-${i}.yaml`, null]));
    await f.push(removals, 'drop 100');
    await eventually('50 left', async () => (await tracked('bulk')).length === 50, 60_000);
    assert.deepEqual((await tracked('bulk')).map((c) => c.metadata!.name).sort(), Array.from({ length: 50 }, (_, i) => `item-${i + 100}`).sort());
  });

  it('keeps live resources and prunes nothing when a commit does not render', async () => {
    await f.push({ 'web/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  value: "v2\n  broken: [\n' }, 'broken yaml');
    const app = await eventually('a ComparisonError', async () => {
      const a = await f.app('web');
      return a.status.conditions.some((c: any) => c.type === 'ComparisonError') ? a : undefined;
    }, 30_000);
    assert.match(app.status.conditions.find((c: any) => c.type === 'ComparisonError').message, /web\/config\.yaml/);
    await new Promise((r) => setTimeout(r, 2000));
    const core = f.kube(0).core;
    assert.equal((await core.readNamespacedConfigMap({ name: 'web-config', namespace: 'web' })).data?.value, 'v1');
    assert.equal((await f.kube(0).apps.readNamespacedDeployment({ name: 'web', namespace: 'web' })).spec?.replicas, 2);
    await f.push({ 'web/config.yaml': configMapYaml('web-config', 'v3') }, 'fixed');
    await eventually('v3 applied', async () => (await core.readNamespacedConfigMap({ name: 'web-config', namespace: 'web' })).data?.value === 'v3', 30_000);
  });

  it('deletes an application: cascade removes its resources, without cascade they stay', async () => {
    const res = await f.hub.api('DELETE', '/api/v1/applications/bulk?cascade=false');
    assert.equal(res.status, 200);
    assert.equal((await f.hub.api('GET', '/api/v1/applications/bulk')).status, 404);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await tracked('bulk')).length, 50, 'non-cascade deletion leaves the resources');

    const cascade = await f.hub.api('DELETE', '/api/v1/applications/web');
    assert.equal(cascade.body.state, 'deleting');
    const core = f.kube(0).core;
    await eventually('web resources gone', async () => {
      const cm = await core.readNamespacedConfigMap({ name: 'web-config', namespace: 'web' }).then(() => false, isNotFound);
      const dep = await f.kube(0).apps.readNamespacedDeployment({ name: 'web', namespace: 'web' }).then(() => false, isNotFound);
      return cm && dep;
    }, 60_000);
    await eventually('the application gone from the hub', async () => (await f.hub.api('GET', '/api/v1/applications/web')).status === 404, 30_000);
  });
});
