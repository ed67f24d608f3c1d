// A sync window that begins while a sync runs, on a real cluster (issue 16, Argo CD's syncOverrun):
// an automated sync waits on a PreSync Job (its Pod cannot be scheduled until the test labels the
// node); a deny window whose schedule fires after the sync started is added to the project. The
// Job then completes, yet the sync is held before its Sync phase ("Sync operation blocked by sync
// window", the ConfigMap of that phase not created) because the window has no syncOverrun; setting
// syncOverrun: true on the same window lets the sync that started before it run on to the end.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFleet, isNotFound, type Fleet } from '../support/fleet.ts';
import { eventually } from '../support/hub.ts';

const presync = `apiVersion: batch/v1
kind: Job
metadata:
  name: gate
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      nodeSelector: {e2e.flotilla.dev/overrun: open}
      containers:
        - name: run
          image: busybox:1.36
          command: ["true"]
`;
const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after-gate\ndata:\n  value: "v1"\n';

describe('a sync window that begins mid-sync holds it unless syncOverrun', () => {
  let f: Fleet;
  let spec: Record<string, unknown>;
  before(async () => {
    f = await startFleet(['solo'], { 'overrun/gate.yaml': presync, 'overrun/config.yaml': configMap });
    spec = (await f.hub.api('GET', '/api/v1/projects/default')).body.spec;
  });
  after(async () => {
    await f?.stop();
  });

  const readConfigMap = () => f.kube(0).core.readNamespacedConfigMap({ name: 'after-gate', namespace: 'overrun' });
  const setWindows = async (syncWindows: object[]) => {
    const res = await f.hub.api('PUT', '/api/v1/projects/default', { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'default' }, spec: { ...spec, syncWindows } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };

  it('holds the running sync at its next step, then lets it run on once the window has syncOverrun', async () => {
    await f.createApp('overrun', 'overrun', 'solo', 'overrun', { automated: {}, syncOptions: ['CreateNamespace=true'] });
    const running = await eventually('the automated sync waits on its PreSync Job', async () => {
      const a = await f.app('overrun');
      return a.status?.operationState?.phase === 'Running' && /gate/.test(a.status.operationState.message ?? '') ? a : undefined;
    }, 60_000, 200);
    const startedAt = Date.parse(running.status.operationState.startedAt);
    // A daily window that fires in a minute after the sync started: inactive at its start, active now.
    await eventually('a minute after the sync started', async () => Math.floor(Date.now() / 60_000) > Math.floor(startedAt / 60_000), 65_000, 250);
    const fired = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const window = { kind: 'deny', schedule: `${fired.getUTCMinutes()} ${fired.getUTCHours()} * * *`, duration: '1h', applications: ['overrun'], description: 'change freeze' };
    await setWindows([window]);

    f.kubectl(0, 'label', 'node', 'kwok-node-0', 'e2e.flotilla.dev/overrun=open');
    const held = await eventually('the sync is held by the window', async () => {
      const a = await f.app('overrun');
      return /^Sync operation blocked by sync window: deny window 0 .*change freeze\) is active \(syncOverrun is not set\)$/.test(a.status?.operationState?.message ?? '') ? a : undefined;
    }, 30_000, 200);
    assert.equal(held.status.operationState.phase, 'Running', 'a held sync stays Running');
    assert.equal(Date.parse(held.status.operationState.startedAt), startedAt, 'the same run');
    await eventually('the PreSync Job completed', async () => /Complete/.test(f.kubectl(0, 'get', 'job', 'gate', '-n', 'overrun', '-o', 'jsonpath={.status.conditions[*].type}')), 30_000, 250);
    await sleep(6000); // over a window recheck: nothing more is applied
    await assert.rejects(readConfigMap(), (e) => isNotFound(e), 'the Sync phase did not run');
    assert.match((await f.app('overrun')).status.operationState.message, /blocked by sync window/);

    await setWindows([{ ...window, syncOverrun: true }]);
    await eventually('the sync ran on to the end', async () => {
      const a = await f.app('overrun');
      return a.status?.operationState?.phase === 'Succeeded' && Date.parse(a.status.operationState.startedAt) === startedAt;
    }, 30_000, 200);
    assert.equal((await readConfigMap()).data?.value, 'v1', 'the Sync phase applied its ConfigMap');
  });
});
