// An agent keeping its state in Secrets (as it does in a cluster): the credential, assignments,
// inventories and bundles live in its namespace, so a new agent process with an empty disk, started
// while the hub is down, still knows its applications and reverts drift.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFleet, configMapYaml, deploymentYaml, type Fleet } from '../support/fleet.ts';
import { eventually } from '../support/hub.ts';
import { readFileSync } from 'node:fs';
import { AGENT_V8_FLAGS } from '../../agent/src/runtime/v8-flags.ts';

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

  it('drops the bundles of earlier commits from its Secrets', async () => {
    const bundleKeys = async () => (await f.kube(0).core.listNamespacedSecret({ namespace: 'flotilla-system', labelSelector: 'app.kubernetes.io/managed-by=flotilla-agent' })).items
      .map((s) => s.metadata?.annotations?.['flotilla.dev/state-key'] ?? '')
      .filter((k) => k.startsWith('bundle-'));
    const before = await bundleKeys();
    assert.equal(before.length, 1, JSON.stringify(before));
    const commit = await f.push({ 'app/config.yaml': configMapYaml('keeper', 'v2') }, 'config v2');
    await eventually('keeper Synced to the new commit', async () => {
      const app = await f.app('keeper');
      return app.status.sync.status === 'Synced' && app.status.sync.revision === commit;
    }, 60_000);
    let now: string[] = [];
    await eventually('only the new bundle is kept', async () => {
      now = await bundleKeys();
      return now.length === 1 && now[0] !== before[0];
    }, 30_000, 500).catch((error: unknown) => assert.fail(`${(error as Error).message}: ${JSON.stringify({ before, now })}`));
  });

  it('runs with its V8 flags, re-executed in place from the plain bin', () => {
    const argv = readFileSync(`/proc/${f.agents[0]!.proc.pid}/cmdline`, 'utf8').split('\0');
    for (const flag of AGENT_V8_FLAGS) assert.ok(argv.includes(flag), `${flag} missing from ${JSON.stringify(argv)}`);
    assert.ok(argv.some((a) => a.endsWith('agent/bin/flotilla-agent.js')), JSON.stringify(argv));
  });
});
