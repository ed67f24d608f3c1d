// The whole loop on real clusters: a Git commit reaches the right cluster through the hub and an
// agent, changes and removals follow (pruned only with automated prune), drift is reverted with
// selfHeal and only reported without it, and prune never touches what the app did not create.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFleet, configMapYaml, deploymentYaml, isNotFound, type Fleet } from '../support/fleet.ts';
import { eventually } from '../support/hub.ts';

describe('GitOps loop on real clusters', () => {
  let f: Fleet;
  before(async () => {
    f = await startFleet(['east', 'west'], {
      'guestbook/deployment.yaml': deploymentYaml('guestbook', 1),
      'guestbook/config.yaml': configMapYaml('guestbook-config', 'v1'),
      'manual/config.yaml': configMapYaml('manual-config', 'v1'),
      'manual/extra.yaml': configMapYaml('manual-extra', 'v1'),
    });
  });
  after(() => f?.stop());

  it('applies a commit to the destination cluster only, and reports Synced and Healthy', async () => {
    await f.createApp('guestbook', 'guestbook', 'east', 'web', { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] });
    const east = f.kube(0);
    await eventually('guestbook Available on east', async () => (await east.apps.readNamespacedDeployment({ name: 'guestbook', namespace: 'web' })).status?.availableReplicas === 1, 60_000);
    const cm = await east.core.readNamespacedConfigMap({ name: 'guestbook-config', namespace: 'web' });
    assert.equal(cm.data?.value, 'v1');
    assert.equal(cm.metadata?.labels?.['app.flotilla.dev/instance'], 'guestbook');
    await assert.rejects(f.kube(1).core.readNamespace({ name: 'web' }), isNotFound);
    const status = await eventually('Synced and Healthy', async () => {
      const a = await f.app('guestbook');
      return a.status.sync.status === 'Synced' && a.status.health.status === 'Healthy' ? a.status : undefined;
    }, 60_000);
    assert.equal(status.sync.revision, f.git.revParse('apps', 'main'));
    assert.ok(status.resources.some((r: any) => r.kind === 'Deployment' && r.health?.status === 'Healthy'));
    assert.ok(status.resources.some((r: any) => r.kind === 'Pod' && r.parentRefs?.[0]?.kind === 'ReplicaSet'), 'the tree reaches the Pods');
    // Events of the first rollout reach the hub too, though they happen before the agent reports the Deployment's uid.
    await eventually('the first rollout\'s ScalingReplicaSet event at the hub', async () => {
      const events = (await f.hub.api('GET', '/api/v1/applications/guestbook/events')).body.items;
      return events.some((e: any) => e.event.reason === 'ScalingReplicaSet' && e.event.object === 'Deployment/web/guestbook' && /from 0 to 1/.test(e.event.message));
    }, 20_000);
  });

  it('applies a commit that changes replicas, and prunes a file removed from Git', async () => {
    const east = f.kube(0);
    await east.core.createNamespacedConfigMap({ namespace: 'web', body: { metadata: { name: 'not-from-git' }, data: { keep: 'me' } } });
    await f.push({ 'guestbook/deployment.yaml': deploymentYaml('guestbook', 3), 'guestbook/config.yaml': null }, 'scale to 3, drop config');
    await eventually('3 replicas available', async () => (await east.apps.readNamespacedDeployment({ name: 'guestbook', namespace: 'web' })).status?.availableReplicas === 3, 60_000);
    await eventually('guestbook-config pruned', () => east.core.readNamespacedConfigMap({ name: 'guestbook-config', namespace: 'web' }).then(() => false, isNotFound), 30_000);
    // What the app never created stays.
    assert.equal((await east.core.readNamespacedConfigMap({ name: 'not-from-git', namespace: 'web' })).data?.keep, 'me');
    // Kubernetes events about the app's objects reach the hub (the rollout scaled a ReplicaSet).
    await eventually('a ScalingReplicaSet event at the hub', async () => {
      const events = (await f.hub.api('GET', '/api/v1/applications/guestbook/events')).body.items;
      return events.some((e: any) => e.event.reason === 'ScalingReplicaSet' && e.event.object === 'Deployment/web/guestbook');
    }, 20_000);
  });

  it('reverts a kubectl scale at once with selfHeal', async () => {
    f.kubectl(0, 'scale', 'deployment/guestbook', '-n', 'web', '--replicas=5');
    const east = f.kube(0);
    await eventually('replicas back to 3', async () => (await east.apps.readNamespacedDeployment({ name: 'guestbook', namespace: 'web' })).spec?.replicas === 3, 20_000, 50);
    // The event travels after the revert (sequenced, acked): it may reach the hub a moment later.
    await eventually('a DriftReverted event at the hub', async () => {
      const events = await f.hub.api('GET', '/api/v1/applications/guestbook/events');
      return events.body.items.some((e: any) => e.event.reason === 'DriftReverted');
    }, 10_000);
  });

  it('without automation: drift is reported OutOfSync, a removed file is left alone, and a sync applies', async () => {
    await f.createApp('manual', 'manual', 'west', 'manual', { syncOptions: ['CreateNamespace=true'] });
    await eventually('manual OutOfSync (never synced)', async () => (await f.app('manual')).status.sync.status === 'OutOfSync', 30_000);
    const west = f.kube(1);
    await assert.rejects(west.core.readNamespace({ name: 'manual' }), isNotFound);
    const sync = await f.hub.api('POST', '/api/v1/applications/manual/sync', {});
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    await eventually('manual synced', async () => {
      const a = await f.app('manual');
      return a.status.sync.status === 'Synced' && a.status.operationState?.phase === 'Succeeded' && !a.operation;
    }, 30_000);
    assert.equal((await west.core.readNamespacedConfigMap({ name: 'manual-config', namespace: 'manual' })).data?.value, 'v1');

    f.kubectl(1, 'patch', 'configmap/manual-config', '-n', 'manual', '--type=merge', '-p', '{"data":{"value":"hand-edited"}}');
    const drifted = await eventually('manual OutOfSync after the edit', async () => {
      const a = await f.app('manual');
      return a.status.sync.status === 'OutOfSync' ? a : undefined;
    }, 20_000);
    const resource = drifted.status.resources.find((r: any) => r.name === 'manual-config');
    assert.match(resource.diff, /hand-edited/);
    assert.equal((await west.core.readNamespacedConfigMap({ name: 'manual-config', namespace: 'manual' })).data?.value, 'hand-edited');

    await f.push({ 'manual/extra.yaml': null }, 'drop extra');
    await eventually('extra requires pruning', async () => (await f.app('manual')).status.resources.some((r: any) => r.name === 'manual-extra' && r.requiresPruning), 20_000);
    assert.equal((await west.core.readNamespacedConfigMap({ name: 'manual-extra', namespace: 'manual' })).data?.value, 'v1');
  });

  it('an automated sync with prune does not wipe out every resource when the source renders nothing (allowEmpty off)', async () => {
    await f.push({ 'guestbook/deployment.yaml': null, 'guestbook/README.md': 'moved elsewhere\n' }, 'the path renders nothing now');
    const refused = await eventually('the wipe-out refused with a SyncError', async () => {
      const a = await f.app('guestbook');
      return (a.status.conditions ?? []).find((c: any) => c.type === 'SyncError' && /auto-sync will wipe out all resources/.test(c.message));
    }, 30_000);
    assert.match(refused.message, /^Skipping sync attempt to [0-9a-f]{40}: auto-sync will wipe out all resources$/);
    const east = f.kube(0);
    assert.equal((await east.apps.readNamespacedDeployment({ name: 'guestbook', namespace: 'web' })).spec?.replicas, 3, 'the Deployment stays');
  });
});
