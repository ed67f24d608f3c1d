// An agent keeping its state in Secrets (as it does in a cluster): the credential, assignments,
// inventories and bundles live in its namespace, so a new agent process with an empty disk, started
// while the hub is down, still knows its applications and reverts drift.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFleet, configMapYaml, deploymentYaml, type Fleet } from '../support/fleet.ts';
import { eventually } from '../support/hub.ts';

describe('agent state in Secrets', () => {
  let f: Fleet;
  before(async () => {
    f = await startFleet(['stateful'], { 'app/deployment.yaml': deploymentYaml('keeper', 2), 'app/config.yaml': configMapYaml('keeper', 'v1') }, { agentArgs: ['--state-namespace', 'flotilla-system'] });
  });
  after(() => f?.stop());

  it('survives losing its process and disk while the hub is down', async () => {
    await f.createApp('keeper', 'app', 'stateful', 'keeper', { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] });
    await eventually('keeper Synced', async () => (await f.app('keeper')).status.sync.status === 'Synced', 60_000);
    const secrets = (await f.kube(0).core.listNamespacedSecret({ namespace: 'flotilla-system', labelSelector: 'app.kubernetes.io/managed-by=flotilla-agent' })).items;
    const keys = secrets.map((s) => s.metadata?.annotations?.['flotilla.dev/state-key']);
    assert.ok(keys.includes('state'), JSON.stringify(keys));
    assert.ok(keys.some((k) => k?.startsWith('bundle-sha256:')), JSON.stringify(keys));

    await f.agents[0]!.stop('SIGKILL');
    await f.hub.stop();
    f.agents[0]!.start(); // same arguments: its --state-dir is not used; everything comes from the Secrets
    f.kubectl(0, 'scale', 'deployment/keeper', '-n', 'keeper', '--replicas=6');
    const apps = f.kube(0).apps;
    await eventually('reverted by the new agent without the hub', async () => (await apps.readNamespacedDeployment({ name: 'keeper', namespace: 'keeper' })).spec?.replicas === 2, 30_000, 100);
    await f.hub.restart();
    await f.waitConnected();
    assert.equal((await f.app('keeper')).status.sync.status, 'Synced');
  });
});
