// Orphaned resources monitoring on a real cluster (issue 16, AppProject `orphanedResources`): two
// applications share a namespace that also holds a ConfigMap and a Deployment made by hand. With
// `orphanedResources: {warn: true}` each application's resource tree lists the hand-made objects
// (the Deployment with the ReplicaSet and Pods it owns) as orphaned, but neither application's own
// resources, nor what every namespace holds (ServiceAccount default, ConfigMap kube-root-ca.crt),
// nor the Endpoints Kubernetes makes for a Service; the OrphanedResourceWarning condition counts
// them. `warn: false` keeps the list and drops the condition; `ignore` leaves entries out; an
// orphan deleted by hand leaves the list at the next scan. Orphans are only reported: never changed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, configMapYaml, deploymentYaml, type Fleet } from '../support/fleet.ts';
import { serviceYaml } from '../support/manifests.ts';
import { eventually } from '../support/hub.ts';
import { runCli } from '../support/cli.ts';

describe('orphaned resources of an application namespace, on a real cluster', () => {
  let f: Fleet;
  let spec: Record<string, unknown>;
  let dir: string;
  let strayVersion: string | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-orphans-'));
    f = await startFleet(['solo'], {
      'web/config.yaml': configMapYaml('web-config', 'v1'),
      'web/service.yaml': serviceYaml('web'),
      'web/deployment.yaml': deploymentYaml('web', 1),
      'other/config.yaml': configMapYaml('other-config', 'v1'),
    });
    spec = (await f.hub.api('GET', '/api/v1/projects/default')).body.spec;
    const { core, apps } = f.kube(0);
    await core.createNamespace({ body: { metadata: { name: 'shared' } } });
    strayVersion = (await core.createNamespacedConfigMap({ namespace: 'shared', body: { metadata: { name: 'stray' }, data: { by: 'hand' } } })).metadata?.resourceVersion;
    await apps.createNamespacedDeployment({ namespace: 'shared', body: {
      metadata: { name: 'manual' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'manual' } }, template: { metadata: { labels: { app: 'manual' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } },
    } });
    await setOrphanedResources({ warn: true });
    await f.createApp('web', 'web', 'solo', 'shared', { automated: { prune: true, selfHeal: true } });
    await f.createApp('other', 'other', 'solo', 'shared', { automated: {} });
  });
  after(async () => {
    await f?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function setOrphanedResources(orphanedResources: object): Promise<void> {
    const res = await f.hub.api('PUT', '/api/v1/projects/default', { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'default' }, spec: { ...spec, orphanedResources } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  const tree = async (app: string) => {
    const res = await f.hub.api('GET', `/api/v1/applications/${app}/resource-tree`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { nodes: any[]; orphanedNodes: any[] };
  };
  const orphanNames = async (app: string) => (await tree(app)).orphanedNodes.map((n) => `${n.kind}/${n.name}`).sort();
  const warning = async (app: string) => (await f.app(app)).status.conditions.find((c: any) => c.type === 'OrphanedResourceWarning')?.message as string | undefined;

  it('lists the hand-made objects and what they own, and warns with their count', async () => {
    const found = await eventually('web reports the orphans of its namespace', async () => {
      const t = await tree('web');
      const kinds = t.orphanedNodes.map((n) => n.kind);
      return (await f.app('web')).status.sync.status === 'Synced' && kinds.includes('ConfigMap') && kinds.includes('Pod') ? t : undefined;
    }, 90_000, 500);
    const names = found.orphanedNodes.map((n) => `${n.kind}/${n.name}`);
    assert.deepEqual(found.orphanedNodes.map((n) => n.kind).sort(), ['ConfigMap', 'Deployment', 'Pod', 'ReplicaSet'], names.join(', '));
    assert.ok(names.includes('ConfigMap/stray'), names.join(', '));
    assert.ok(names.includes('Deployment/manual'), names.join(', '));
    const replicaSet = found.orphanedNodes.find((n) => n.kind === 'ReplicaSet');
    assert.equal(replicaSet?.parentRefs?.[0]?.name, 'manual', 'the ReplicaSet the Deployment owns, below it');
    assert.ok(found.orphanedNodes.some((n) => n.kind === 'Pod' && n.parentRefs?.[0]?.kind === 'ReplicaSet'), 'and its Pod');
    for (const managed of ['ConfigMap/web-config', 'Service/web', 'Deployment/web', 'ConfigMap/other-config', 'ServiceAccount/default', 'ConfigMap/kube-root-ca.crt', 'Endpoints/web']) {
      assert.ok(!names.includes(managed), `${managed} is not an orphan: ${names.join(', ')}`);
    }
    assert.ok(!names.some((n) => n.startsWith('ReplicaSet/web-') || n.startsWith('EndpointSlice/')), names.join(', '));
    assert.ok(found.orphanedNodes.every((n) => n.namespace === 'shared'));
    assert.equal(await warning('web'), `Application has ${found.orphanedNodes.length} orphaned resources`);
    // The other application of the namespace sees the same orphans, and not web's resources.
    await eventually('other reports the same orphans', async () => JSON.stringify(await orphanNames('other')) === JSON.stringify([...names].sort()), 60_000, 500);

    const shown = await runCli(join(dir, 'config.json'), ['--server', f.hub.url, '--auth-token', f.hub.token, 'app', 'resources', 'web', '--orphaned']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^\s+ConfigMap\s+shared\s+stray\s+Yes$/m);
    assert.doesNotMatch(shown.stdout, /web-config/);
    const all = await runCli(join(dir, 'config.json'), ['--server', f.hub.url, '--auth-token', f.hub.token, 'app', 'resources', 'web']);
    assert.match(all.stdout, /^\s+ConfigMap\s+shared\s+web-config\s+No$/m);
  });

  it('warn: false keeps the list and drops the condition', async () => {
    await setOrphanedResources({ warn: false });
    await eventually('no OrphanedResourceWarning', async () => (await warning('web')) === undefined, 30_000, 300);
    assert.ok((await orphanNames('web')).includes('ConfigMap/stray'));
  });

  it('ignore leaves entries out, and a deleted orphan leaves the list at the next scan', async () => {
    await setOrphanedResources({ warn: true, ignore: [{ group: 'apps', kind: 'Deployment', name: 'man*' }] });
    await eventually('only the ConfigMap is left', async () => JSON.stringify(await orphanNames('web')) === '["ConfigMap/stray"]', 30_000, 300);
    assert.equal(await warning('web'), 'Application has 1 orphaned resources');
    const { core } = f.kube(0);
    assert.equal((await core.readNamespacedConfigMap({ name: 'stray', namespace: 'shared' })).metadata?.resourceVersion, strayVersion, 'an orphan is reported, never changed');
    await core.deleteNamespacedConfigMap({ name: 'stray', namespace: 'shared' });
    await eventually('no orphans left', async () => (await orphanNames('web')).length === 0 && (await warning('web')) === undefined, 75_000, 500);
  });
});
