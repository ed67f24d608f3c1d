// Sync waves and hooks on a real cluster (issue 15): PreSync → wave 1 → wave 2 → PostSync in order,
// a failing PreSync hook stops the sync and runs SyncFail, delete policies, generateName hooks on two
// syncs, an agent killed mid-wave resumes without running a hook twice, retries (transient and
// permanent failures), and self-heal against a second writer. kwok's default Pod stages complete a
// Job's Pods about 1 s after they run; a Job fails here through `activeDeadlineSeconds` with a Pod that
// can never be scheduled, and a Job is held back by a nodeSelector until the test labels the node.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { parse } from 'yaml';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { startFleet, isNotFound, type Fleet } from '../support/fleet.ts';
import { eventually } from '../support/hub.ts';
import { kubeRequest } from '../cluster/kube-http.ts';

const HOOK = 'argocd.argoproj.io/hook';
const DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
const WAVE = 'argocd.argoproj.io/sync-wave';

type Annotations = Record<string, string>;
const meta = (name: string, annotations: Annotations) => `metadata:\n  ${name.endsWith('-') ? 'generateName' : 'name'}: ${name}\n${Object.keys(annotations).length ? `  annotations:\n${Object.entries(annotations).map(([k, v]) => `    ${k}: "${v}"`).join('\n')}\n` : ''}`;

/** A Job; `fail`: its Pod can never be scheduled and the Job fails after 2 s; `gate`: it waits until the node has that label. */
const job = (name: string, annotations: Annotations, how: { fail?: boolean; gate?: string } = {}) => `apiVersion: batch/v1
kind: Job
${meta(name, annotations)}spec:
  backoffLimit: 0
${how.fail ? '  activeDeadlineSeconds: 2\n' : ''}  template:
    spec:
      restartPolicy: Never
${how.fail ? '      nodeSelector: {e2e.flotilla.dev/never: "true"}\n' : how.gate ? `      nodeSelector: {e2e.flotilla.dev/${how.gate}: open}\n` : ''}      containers:
        - name: run
          image: busybox:1.36
          command: ["true"]
`;
const configMap = (name: string, annotations: Annotations = {}) => `apiVersion: v1\nkind: ConfigMap\n${meta(name, annotations)}data:\n  value: "v1"\n`;
const deployment = (name: string, replicas: number, annotations: Annotations = {}) => `apiVersion: apps/v1
kind: Deployment
${meta(name, annotations)}spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;
const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.e2e.flotilla.dev
spec:
  group: e2e.flotilla.dev
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
`;
const custom = (kind: string, name: string) => `apiVersion: e2e.flotilla.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n  size: 1\n`;

/** Every Job the API server announced in a namespace, by name, in order (a hook run twice shows twice). */
class JobLog {
  readonly added: { name: string; uid: string }[] = [];
  private abort: AbortController | undefined;
  static async start(kc: k8s.KubeConfig, namespace: string): Promise<JobLog> {
    const log = new JobLog();
    log.abort = await new k8s.Watch(kc).watch(`/apis/batch/v1/namespaces/${namespace}/jobs`, {}, (type: string, obj: any) => {
      if (type === 'ADDED') log.added.push({ name: obj.metadata.name, uid: obj.metadata.uid });
    }, () => {});
    return log;
  }
  created(name: string): number {
    return this.added.filter((a) => a.name === name).length;
  }
  stop(): void {
    this.abort?.abort();
  }
}

describe('sync waves and hooks on a real cluster', () => {
  let f: Fleet;
  let kc: k8s.KubeConfig;
  let batch: k8s.BatchV1Api;
  const logs: JobLog[] = [];

  before(async () => {
    f = await startFleet(['solo'], {
      'order/migrate.yaml': job('migrate', { [HOOK]: 'PreSync' }),
      'order/config.yaml': configMap('settings', { [WAVE]: '1' }),
      'order/deployment.yaml': deployment('web', 1, { [WAVE]: '2' }),
      'order/smoke.yaml': job('smoke', { [HOOK]: 'PostSync' }),

      'failing/migrate.yaml': job('broken', { [HOOK]: 'PreSync', [DELETE_POLICY]: 'HookFailed' }, { fail: true }),
      'failing/migrate-kept.yaml': job('broken-kept', { [HOOK]: 'PreSync', [DELETE_POLICY]: 'HookSucceeded' }, { fail: true }),
      'failing/cleanup.yaml': job('cleanup', { [HOOK]: 'SyncFail' }),
      'failing/config.yaml': configMap('never', { [WAVE]: '1' }),
      'failing/deployment.yaml': deployment('never', 1, { [WAVE]: '2' }),

      'policies/succeeded.yaml': job('on-success', { [HOOK]: 'PreSync', [DELETE_POLICY]: 'HookSucceeded' }),
      'policies/failed.yaml': job('on-failure', { [HOOK]: 'PreSync', [DELETE_POLICY]: 'HookFailed' }),
      'policies/before.yaml': job('before-creation', { [HOOK]: 'PreSync' }),
      'policies/config.yaml': configMap('plain'),

      'generated/smoke.yaml': job('smoke-', { [HOOK]: 'PostSync' }),
      'generated/config.yaml': configMap('plain'),

      'resume/pre.yaml': job('pre', { [HOOK]: 'PreSync' }),
      'resume/first.yaml': configMap('first'),
      'resume/gate.yaml': job('gate', { [HOOK]: 'Sync', [WAVE]: '1' }, { gate: 'resume' }),
      'resume/second.yaml': configMap('second', { [WAVE]: '2' }),
      'resume/post.yaml': job('post', { [HOOK]: 'PostSync' }),

      'transient/widget.yaml': custom('Widget', 'gadget'),
      'transient/prepare.yaml': job('prepare', { [HOOK]: 'PreSync', [DELETE_POLICY]: 'HookSucceeded' }),
      'permanent/invalid.yaml': deployment('invalid', -1),
      'missing-crd/widget.yaml': custom('Gizmo', 'ghost'),

      'fight/deployment.yaml': deployment('fought', 2),
    });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(f.clusters.clusters[0]!.kubeconfigPath);
    batch = kc.makeApiClient(k8s.BatchV1Api);
  });
  after(async () => {
    for (const log of logs) log.stop();
    await f?.stop();
  });

  const jobLog = async (namespace: string) => {
    const log = await JobLog.start(kc, namespace);
    logs.push(log);
    return log;
  };
  const readJob = (name: string, namespace: string) => batch.readNamespacedJob({ name, namespace });
  const absent = (read: Promise<unknown>) => read.then(() => false, (e) => isNotFound(e));
  const complete = (j: k8s.V1Job) => j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ?? false;
  /** Starts a sync of a manual app and waits for its operation to end; answers the app. */
  const sync = async (app: string, body: object = {}) => {
    const res = await f.hub.api('POST', `/api/v1/applications/${app}/sync`, body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const id = res.body.operation.id as string;
    return eventually(`${app}: operation ${id} finished`, async () => {
      const a = await f.app(app);
      const op = a.status?.operationState;
      return op?.id === id && op.phase !== 'Running' && !a.operation ? a : undefined;
    }, 60_000, 100);
  };

  it('runs the PreSync Job, then wave 1, then wave 2, then the PostSync Job', async () => {
    const log = await jobLog('order');
    await f.createApp('order', 'order', 'solo', 'order', { syncOptions: ['CreateNamespace=true'] });
    const done = await sync('order');
    assert.equal(done.status.operationState.phase, 'Succeeded', done.status.operationState.message);
    // The operation's per-wave timings, as `app get` shows them once it ended.
    const waves: { phase: string; wave: number; startedAt?: string; finishedAt?: string }[] = done.status.operationState.result?.waves ?? [];

    const migrate = await readJob('migrate', 'order');
    const smoke = await eventually('smoke complete', async () => {
      const j = await readJob('smoke', 'order');
      return complete(j) ? j : undefined;
    }, 30_000);
    const config = await f.kube(0).core.readNamespacedConfigMap({ name: 'settings', namespace: 'order' });
    const web = await f.kube(0).apps.readNamespacedDeployment({ name: 'web', namespace: 'order' });
    const t = (d: Date | string | undefined) => new Date(d!).getTime();
    const available = web.status?.conditions?.find((c) => c.type === 'Available' && c.status === 'True');
    // Kubernetes timestamps have a resolution of one second: they can only show the order up to that.
    assert.ok(complete(migrate));
    assert.ok(t(migrate.status!.completionTime) <= t(config.metadata!.creationTimestamp), 'the ConfigMap is created after the migration completed');
    assert.ok(t(config.metadata!.creationTimestamp) <= t(web.metadata!.creationTimestamp), 'the Deployment after the ConfigMap');
    assert.ok(available && t(available.lastTransitionTime) <= t(smoke.metadata!.creationTimestamp), 'the smoke Job after the Deployment is Available');
    assert.deepEqual(log.added.map((a) => a.name), ['migrate', 'smoke']);

    // The operation's own timings (milliseconds): each group starts once the one before has finished.
    assert.deepEqual(waves.map((w) => `${w.phase}/${w.wave}`), ['PreSync/0', 'Sync/1', 'Sync/2', 'PostSync/0'], JSON.stringify(waves));
    assert.ok(waves.every((w) => w.startedAt && w.finishedAt), JSON.stringify(waves));
    for (let i = 1; i < waves.length; i++) {
      assert.ok(t(waves[i - 1]!.finishedAt) <= t(waves[i]!.startedAt), `${waves[i]!.phase}/${waves[i]!.wave} starts after ${waves[i - 1]!.phase}/${waves[i - 1]!.wave} finished: ${JSON.stringify(waves)}`);
    }
    console.log(`order: ${waves.map((w) => `${w.phase}/${w.wave} ${(t(w.finishedAt) - t(w.startedAt))} ms`).join(', ')}; whole operation ${t(done.status.operationState.finishedAt) - t(done.status.operationState.startedAt)} ms`);
    // Hooks are not part of the app: not in its resources, not OutOfSync.
    const app = await eventually('order Synced', async () => {
      const a = await f.app('order');
      return a.status.sync.status === 'Synced' ? a : undefined;
    }, 20_000);
    assert.ok(!app.status.resources.some((r: any) => r.kind === 'Job'), JSON.stringify(app.status.resources));
  });

  it('a failing PreSync Job stops the sync and runs the SyncFail hook; HookFailed deletes only its own', async () => {
    const log = await jobLog('failing');
    await f.createApp('failing', 'failing', 'solo', 'failing', { syncOptions: ['CreateNamespace=true'] });
    const done = await sync('failing');
    const op = done.status.operationState;
    assert.equal(op.phase, 'Failed');
    assert.match(op.message, /broken/);
    assert.match(op.message, /SyncFail hooks: 1\/1 succeeded/);
    assert.ok(await absent(f.kube(0).core.readNamespacedConfigMap({ name: 'never', namespace: 'failing' })), 'wave 1 never created');
    assert.ok(await absent(f.kube(0).apps.readNamespacedDeployment({ name: 'never', namespace: 'failing' })), 'wave 2 never created');
    assert.ok(complete(await readJob('cleanup', 'failing')), 'the SyncFail hook ran to completion');
    // HookFailed: deleted after it failed; HookSucceeded on a failed hook: kept.
    await eventually('broken deleted', () => absent(readJob('broken', 'failing')), 20_000);
    const kept = await readJob('broken-kept', 'failing');
    assert.ok(kept.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True'));
    assert.equal(log.created('broken'), 1);
    assert.equal(log.created('cleanup'), 1);
  });

  it('delete policies: HookSucceeded deleted after success, HookFailed kept, BeforeHookCreation replaced on the next sync', async () => {
    const log = await jobLog('policies');
    await f.createApp('policies', 'policies', 'solo', 'policies', { syncOptions: ['CreateNamespace=true'] });
    assert.equal((await sync('policies')).status.operationState.phase, 'Succeeded');
    await eventually('on-success deleted', () => absent(readJob('on-success', 'policies')), 20_000);
    const failedPolicy = await readJob('on-failure', 'policies');
    const before1 = await readJob('before-creation', 'policies');
    assert.ok(complete(failedPolicy) && complete(before1));

    const second = await sync('policies');
    assert.equal(second.status.operationState.phase, 'Succeeded', second.status.operationState.message);
    const before2 = await readJob('before-creation', 'policies');
    assert.notEqual(before2.metadata!.uid, before1.metadata!.uid, 'BeforeHookCreation: deleted and created afresh');
    assert.ok(complete(before2));
    assert.equal((await readJob('on-failure', 'policies')).metadata!.uid, failedPolicy.metadata!.uid, 'HookFailed only: left as it was');
    await eventually('on-success deleted again', () => absent(readJob('on-success', 'policies')), 20_000);
    assert.equal(log.created('on-success'), 2);
    assert.equal(log.created('before-creation'), 2);
    assert.equal(log.created('on-failure'), 1);
  });

  it('a generateName hook runs on two syncs in a row as two Jobs, both completed', async () => {
    await f.createApp('generated', 'generated', 'solo', 'generated', { syncOptions: ['CreateNamespace=true'] });
    for (let i = 0; i < 2; i++) {
      const done = await sync('generated');
      assert.equal(done.status.operationState.phase, 'Succeeded', done.status.operationState.message);
    }
    const jobs = await eventually('two smoke Jobs complete', async () => {
      const list = (await batch.listNamespacedJob({ namespace: 'generated' })).items.filter((j) => j.metadata!.name!.startsWith('smoke-'));
      return list.length === 2 && list.every(complete) ? list : undefined;
    }, 30_000);
    assert.notEqual(jobs[0]!.metadata!.name, jobs[1]!.metadata!.name);
  });

  it('an agent killed while a later wave waits for a Job resumes, and runs no hook twice', async () => {
    const log = await jobLog('resume');
    await f.createApp('resume', 'resume', 'solo', 'resume', { automated: {}, syncOptions: ['CreateNamespace=true'] });
    await eventually('wave 1 waits for the gate Job', async () => (await readJob('gate', 'resume').catch(() => undefined)) !== undefined && complete(await readJob('pre', 'resume')), 60_000, 100);
    await f.agents[0]!.stop('SIGKILL');
    const uids = { pre: (await readJob('pre', 'resume')).metadata!.uid, gate: (await readJob('gate', 'resume')).metadata!.uid };
    assert.ok(await absent(f.kube(0).core.readNamespacedConfigMap({ name: 'second', namespace: 'resume' })), 'wave 2 not started before the kill');
    f.agents[0]!.start();
    await f.waitConnected();
    // Open the gate: the Job's Pod can be scheduled now, and kwok completes it.
    f.kubectl(0, 'label', 'node', 'kwok-node-0', 'e2e.flotilla.dev/resume=open');
    await eventually('the PostSync Job complete', async () => complete(await readJob('post', 'resume')), 60_000, 100);
    await eventually('second created', async () => (await f.kube(0).core.readNamespacedConfigMap({ name: 'second', namespace: 'resume' })) !== undefined, 10_000);
    assert.equal((await readJob('pre', 'resume')).metadata!.uid, uids.pre);
    assert.equal((await readJob('gate', 'resume')).metadata!.uid, uids.gate);
    await eventually('resume Synced', async () => (await f.app('resume')).status.sync.status === 'Synced', 20_000);
    assert.deepEqual(log.added.map((a) => a.name).sort(), ['gate', 'post', 'pre'], 'each hook created once');
  });

  it('retries a transient failure (a CR before its CRD) until it succeeds, without running its finished hook again', async () => {
    const log = await jobLog('transient');
    await f.createApp('transient', 'transient', 'solo', 'transient', { automated: {}, syncOptions: ['CreateNamespace=true'], retry: { limit: 10, backoff: { duration: '1s', factor: 1 } } });
    const waiting = await eventually('the first attempt failed and a retry is planned', async () => {
      const op = (await f.app('transient')).status?.operationState;
      return op && /retrying in/.test(op.message ?? '') ? op : undefined;
    }, 30_000, 100);
    assert.match(waiting.message, /waiting/);
    console.log(`transient: ${waiting.message}`);
    await kubeRequest(f.clusters.clusters[0]!, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', parse(crd));
    await eventually('transient Synced', async () => {
      const a = await f.app('transient');
      return a.status.sync.status === 'Synced' && a.status.operationState?.phase === 'Succeeded' ? a : undefined;
    }, 60_000);
    const got = await kubeRequest(f.clusters.clusters[0]!, 'GET', '/apis/e2e.flotilla.dev/v1/namespaces/transient/widgets/gadget');
    assert.equal(got.status, 200);
    assert.equal(log.created('prepare'), 1, 'the PreSync hook that succeeded in the first attempt is not run again');
  });

  it('does not retry a permanent failure (an invalid object), and stops a waiting one at the retry limit', async () => {
    const retry = { limit: 2, backoff: { duration: '1s', factor: 1 } };
    await f.createApp('permanent', 'permanent', 'solo', 'permanent', { automated: {}, syncOptions: ['CreateNamespace=true'], retry });
    const stalled = await eventually('permanent failed', async () => {
      const op = (await f.app('permanent')).status?.operationState;
      return op?.phase === 'Failed' ? op : undefined;
    }, 30_000, 100);
    assert.match(stalled.message, /replicas/);
    assert.match(stalled.message, /not retried: the manifests must change/);

    await f.createApp('missing-crd', 'missing-crd', 'solo', 'missing-crd', { automated: {}, syncOptions: ['CreateNamespace=true'], retry: { ...retry } });
    // No CRD ever serves kind Gizmo: each attempt waits for it, until the limit.
    const limited = await eventually('missing-crd gave up', async () => {
      const op = (await f.app('missing-crd')).status?.operationState;
      return op?.phase === 'Failed' ? op : undefined;
    }, 30_000, 100);
    assert.match(limited.message, /retry limit of 2 reached/);
    console.log(`permanent: ${stalled.message}\nmissing-crd: ${limited.message}`);
  });

  it('names a second writer that keeps patching spec.replicas, and bounds the reverts', async () => {
    await f.createApp('fight', 'fight', 'solo', 'fight', { automated: { selfHeal: true }, syncOptions: ['CreateNamespace=true'] });
    await eventually('fight Synced', async () => (await f.app('fight')).status.sync.status === 'Synced', 60_000);
    const cluster = f.clusters.clusters[0]!;
    const cpuBefore = cpuSeconds(f.agents[0]!.proc.child.pid!);
    const started = Date.now();
    let patches = 0;
    let found: { type: string; message: string } | undefined;
    let foundAfterMs = 0;
    while (patches < 50) {
      const res = await mergePatch(cluster, '/apis/apps/v1/namespaces/fight/deployments/fought?fieldManager=replica-writer', { spec: { replicas: 5 + (patches % 2) } });
      assert.equal(res.status, 200, res.text);
      patches++;
      if (!found) {
        found = (await f.app('fight')).status.conditions?.find((c: any) => c.type === 'SelfHealConflictWarning');
        if (found) foundAfterMs = Date.now() - started;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(found, 'a SelfHealConflictWarning condition');
    console.log(`fight: ${found.message}`);
    assert.match(found.message, /spec\.replicas/);
    assert.match(found.message, /replica-writer/);
    assert.ok(foundAfterMs <= 5000, `the condition came after ${foundAfterMs} ms`);
    const events = (await f.hub.api('GET', '/api/v1/applications/fight/events')).body.items.filter((e: any) => e.event.reason === 'DriftReverted' && Date.parse(e.event.at) >= started);
    const wall = (Date.now() - started) / 1000;
    const cpu = cpuSeconds(f.agents[0]!.proc.child.pid!) - cpuBefore;
    console.log(`fight: condition after ${foundAfterMs} ms; ${events.length} reverts for ${patches} patches in ${wall.toFixed(1)} s; agent CPU ${cpu.toFixed(2)} s (${(100 * cpu / wall).toFixed(0)}% of a core)`);
    assert.ok(cpu < wall * 0.5, `agent CPU bounded: ${cpu.toFixed(2)} s in ${wall.toFixed(1)} s`);
    // At most one revert a second while the fight goes on (and the first ones at once).
    assert.ok(events.length <= Math.ceil(wall) + 2, `reverts bounded: ${events.length} for ${patches} patches in ${wall.toFixed(1)} s`);
  });
});

/** A JSON merge patch (the second writer, with its own field manager). */
async function mergePatch(cluster: { server: string; ca: string; token: string }, path: string, body: object): Promise<{ status: number; text: string }> {
  const url = new URL(path, cluster.server);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PATCH', ca: cluster.ca, headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/merge-patch+json', accept: 'application/json' }, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** CPU time (user + system) a process used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
