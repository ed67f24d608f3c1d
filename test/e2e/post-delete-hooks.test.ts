// PostDelete hooks on a real cluster (issue 15): deleting an application with cascade deletes its
// resources, then runs its PostDelete hooks (argocd.argoproj.io/hook: PostDelete and Helm's
// post-delete), deletes them as their policy says, and only then is the application gone from the
// hub. A failing PostDelete hook keeps the application in deletion with a DeletionError condition
// naming it, and runs again with backoff until it succeeds; an agent killed while a hook runs
// carries on without running a hook twice; a deletion without cascade runs the PostDelete hooks too
// (as Argo CD, whose post-delete finalizer stays) and leaves the resources as they are. kwok's default
// Pod stages complete a Job's Pods about 1 s after they run; a Job fails here through
// `activeDeadlineSeconds` while its Pod cannot be scheduled (a nodeSelector the test sets later).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startFleet, isNotFound, type Fleet } from '../support/fleet.ts';
import { eventually } from '../support/hub.ts';

const HOOK = 'argocd.argoproj.io/hook';
const DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
const HELM_HOOK = 'helm.sh/hook';

type Annotations = Record<string, string>;
const meta = (name: string, annotations: Annotations = {}) => `metadata:\n  name: ${name}\n${Object.keys(annotations).length ? `  annotations:\n${Object.entries(annotations).map(([k, v]) => `    ${k}: "${v}"`).join('\n')}\n` : ''}`;

/** A Job; `gate`: its Pod waits until the node has that label; `deadline`: it fails after that many seconds if still not done. */
const job = (name: string, annotations: Annotations, how: { gate?: string; deadline?: number } = {}) => `apiVersion: batch/v1
kind: Job
${meta(name, annotations)}spec:
  backoffLimit: 0
${how.deadline ? `  activeDeadlineSeconds: ${how.deadline}\n` : ''}  template:
    spec:
      restartPolicy: Never
${how.gate ? `      nodeSelector: {e2e.flotilla.dev/${how.gate}: open}\n` : ''}      containers:
        - name: run
          image: busybox:1.36
          command: ["true"]
`;
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\n${meta(name)}data:\n  value: "v1"\n`;
const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
${meta(name)}spec:
  replicas: 1
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

/** What the API server announced in a namespace (ConfigMaps, Deployments, Jobs), with the local time and the etcd revision. */
class EventLog {
  readonly events: { type: string; kind: string; name: string; at: number; rv: number }[] = [];
  private aborts: AbortController[] = [];
  static async start(kc: k8s.KubeConfig, namespace: string): Promise<EventLog> {
    const log = new EventLog();
    const watch = new k8s.Watch(kc);
    for (const [kind, path] of [['ConfigMap', `/api/v1/namespaces/${namespace}/configmaps`], ['Deployment', `/apis/apps/v1/namespaces/${namespace}/deployments`], ['Job', `/apis/batch/v1/namespaces/${namespace}/jobs`]] as const) {
      log.aborts.push(await watch.watch(path, {}, (type: string, obj: any) => {
        log.events.push({ type, kind, name: obj.metadata.name, at: Date.now(), rv: Number(obj.metadata.resourceVersion) });
      }, () => {}));
    }
    return log;
  }
  /** The first event of this type for that object. */
  first(type: string, kind: string, name: string) {
    return this.events.find((e) => e.type === type && e.kind === kind && e.name === name);
  }
  /** How many times a Job was created. */
  created(name: string): number {
    return this.events.filter((e) => e.type === 'ADDED' && e.kind === 'Job' && e.name === name).length;
  }
  stop(): void {
    for (const a of this.aborts) a.abort();
  }
}

describe('PostDelete hooks on a real cluster', () => {
  let f: Fleet;
  let kc: k8s.KubeConfig;
  let batch: k8s.BatchV1Api;
  const logs: EventLog[] = [];

  before(async () => {
    f = await startFleet(['solo'], {
      'cleanup/config.yaml': configMap('settings'),
      'cleanup/deployment.yaml': deployment('web'),
      'cleanup/farewell.yaml': job('farewell', { [HOOK]: 'PostDelete', [DELETE_POLICY]: 'HookSucceeded' }),
      'cleanup/helm-farewell.yaml': job('helm-farewell', { [HELM_HOOK]: 'post-delete' }),

      'failing/config.yaml': configMap('doomed'),
      'failing/flaky.yaml': job('flaky', { [HOOK]: 'PostDelete' }, { gate: 'flaky', deadline: 3 }),

      'restart/config.yaml': configMap('kept-state'),
      'restart/quick.yaml': job('quick', { [HOOK]: 'PostDelete' }),
      'restart/slow.yaml': job('slow', { [HOOK]: 'PostDelete' }, { gate: 'slow' }),

      'orphan/config.yaml': configMap('left-behind'),
      'orphan/goodbye.yaml': job('goodbye', { [HOOK]: 'PostDelete' }),
    });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(f.clusters.clusters[0]!.kubeconfigPath);
    batch = kc.makeApiClient(k8s.BatchV1Api);
  });
  after(async () => {
    for (const log of logs) log.stop();
    await f?.stop();
  });

  const eventLog = async (namespace: string) => {
    const log = await EventLog.start(kc, namespace);
    logs.push(log);
    return log;
  };
  const readJob = (name: string, namespace: string) => batch.readNamespacedJob({ name, namespace });
  const absent = (read: Promise<unknown>) => read.then(() => false, (e) => isNotFound(e));
  const complete = (j: k8s.V1Job) => j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ?? false;
  const gone = async (app: string) => (await f.hub.api('GET', `/api/v1/applications/${app}`)).status === 404;
  /** Creates an automated app and waits until it is Synced (a PostDelete hook does not hold up, nor is run by, a sync). */
  const deployed = async (app: string) => {
    await f.createApp(app, app, 'solo', app, { automated: {}, syncOptions: ['CreateNamespace=true'] });
    return eventually(`${app} Synced`, async () => {
      const a = await f.app(app);
      return a.status?.sync?.status === 'Synced' && a.status.operationState?.phase === 'Succeeded' ? a : undefined;
    }, 60_000, 100);
  };
  const remove = async (app: string, query = '') => {
    const res = await f.hub.api('DELETE', `/api/v1/applications/${app}${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.state as string;
  };

  it('deletes the resources, then runs the PostDelete Jobs, deletes them by policy, and only then lets the app go', async () => {
    const synced = await deployed('cleanup');
    assert.ok(!synced.status.conditions?.length, JSON.stringify(synced.status.conditions));
    assert.ok(await absent(readJob('farewell', 'cleanup')), 'a sync does not run a PostDelete hook');
    assert.ok(!synced.status.resources.some((r: any) => r.kind === 'Job'), 'a PostDelete hook is not part of the app');
    const log = await eventLog('cleanup');
    const deletedAt = Date.now();
    assert.equal(await remove('cleanup'), 'deleting');
    await eventually('cleanup gone from the hub', () => gone('cleanup'), 60_000, 100);
    const goneAt = Date.now();

    assert.ok(await absent(f.kube(0).core.readNamespacedConfigMap({ name: 'settings', namespace: 'cleanup' })), 'the ConfigMap is deleted');
    assert.ok(await absent(f.kube(0).apps.readNamespacedDeployment({ name: 'web', namespace: 'cleanup' })), 'the Deployment is deleted');
    const configDeleted = log.first('DELETED', 'ConfigMap', 'settings');
    const webDeleted = log.first('DELETED', 'Deployment', 'web');
    const farewellAdded = log.first('ADDED', 'Job', 'farewell');
    const helmAdded = log.first('ADDED', 'Job', 'helm-farewell');
    assert.ok(configDeleted && webDeleted && farewellAdded && helmAdded, JSON.stringify(log.events));
    for (const added of [farewellAdded, helmAdded]) {
      // The etcd revision orders them exactly; the local times say the same, to the millisecond.
      assert.ok(added.rv > configDeleted.rv && added.rv > webDeleted.rv, `${added.name} created after the resources were deleted: ${JSON.stringify(log.events)}`);
      assert.ok(added.at >= configDeleted.at && added.at >= webDeleted.at, JSON.stringify(log.events));
    }
    // HookSucceeded: deleted once it completed, before the app was let go; the Helm hook keeps the default
    // BeforeHookCreation and stays, completed (as the PostDelete Pod of Argo CD's own e2e test does).
    assert.ok(log.events.some((e) => e.type === 'MODIFIED' && e.name === 'farewell'), 'farewell ran');
    const farewellDeleted = log.first('DELETED', 'Job', 'farewell');
    assert.ok(farewellDeleted && farewellDeleted.at <= goneAt, 'the HookSucceeded Job was deleted before the app was gone');
    assert.ok(complete(await readJob('helm-farewell', 'cleanup')), 'the Helm post-delete Job completed and stays');
    assert.equal(log.created('farewell'), 1);
    assert.equal(log.created('helm-farewell'), 1);
    console.log(`cleanup: resources deleted ${Math.max(configDeleted.at, webDeleted.at) - deletedAt} ms after the request, hooks created ${farewellAdded.at - Math.max(configDeleted.at, webDeleted.at)} ms later, app gone ${goneAt - deletedAt} ms after the request`);
  });

  it('a failing PostDelete Job keeps the app in deletion with a DeletionError naming it, and runs again until it succeeds', async () => {
    await deployed('failing');
    const log = await eventLog('failing');
    assert.equal(await remove('failing'), 'deleting');
    const condition = await eventually('a DeletionError', async () => {
      const a = await f.app('failing');
      return a.status?.conditions?.find((c: any) => c.type === 'DeletionError');
    }, 60_000, 100);
    console.log(`failing: ${condition.message}`);
    assert.match(condition.message, /PostDelete hook\(s\) failed: batch\/Job\/failing\/flaky/);
    assert.match(condition.message, /running again in \d+ s/);
    assert.ok(await absent(f.kube(0).core.readNamespacedConfigMap({ name: 'doomed', namespace: 'failing' })), 'the resources are deleted meanwhile');
    const held = await f.app('failing');
    assert.ok(held.metadata?.name === 'failing' || held.name === 'failing', 'the application stays while its PostDelete hook fails');
    // The backoff passes and the hook is created afresh (the failed instance deleted first).
    await eventually('flaky created again', async () => log.created('flaky') >= 2, 30_000, 100);
    assert.ok(!(await gone('failing')), 'still there while the hook has not succeeded');
    // Let the Job's Pod be scheduled: the attempt running now (or the next) succeeds and the deletion ends.
    f.kubectl(0, 'label', 'node', 'kwok-node-0', 'e2e.flotilla.dev/flaky=open');
    await eventually('failing gone from the hub', () => gone('failing'), 90_000, 200);
    assert.ok(complete(await readJob('flaky', 'failing')), 'the last instance completed');
    console.log(`failing: flaky created ${log.created('flaky')} times before it succeeded`);
  });

  it('an agent killed while a PostDelete Job runs carries on, and runs no hook twice', async () => {
    await deployed('restart');
    const log = await eventLog('restart');
    assert.equal(await remove('restart'), 'deleting');
    await eventually('quick complete and slow created', async () => {
      const quick = await readJob('quick', 'restart').catch(() => undefined);
      const slow = await readJob('slow', 'restart').catch(() => undefined);
      return quick && complete(quick) && slow;
    }, 60_000, 100);
    await f.agents[0]!.stop('SIGKILL');
    const uids = { quick: (await readJob('quick', 'restart')).metadata!.uid, slow: (await readJob('slow', 'restart')).metadata!.uid };
    f.agents[0]!.start();
    await f.waitConnected();
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(!(await gone('restart')), 'waits for the slow hook after the restart');
    f.kubectl(0, 'label', 'node', 'kwok-node-0', 'e2e.flotilla.dev/slow=open');
    await eventually('restart gone from the hub', () => gone('restart'), 60_000, 100);
    assert.equal((await readJob('quick', 'restart')).metadata!.uid, uids.quick);
    assert.equal((await readJob('slow', 'restart')).metadata!.uid, uids.slow);
    assert.equal(log.created('quick'), 1, 'the hook that finished before the kill is not run again');
    assert.equal(log.created('slow'), 1, 'the running hook is observed, not created again');
  });

  it('a deletion without cascade runs the PostDelete hooks and leaves the resources as they are', async () => {
    await deployed('orphan');
    const log = await eventLog('orphan');
    const deletedAt = Date.now();
    assert.equal(await remove('orphan', '?cascade=false'), 'deleting', 'the agent names the feature: the hooks run first');
    await eventually('orphan gone from the hub', () => gone('orphan'), 60_000, 100);
    const goneAt = Date.now();
    assert.equal(log.created('goodbye'), 1, 'the PostDelete hook ran once');
    assert.ok(complete(await readJob('goodbye', 'orphan')), 'it completed, and stays (BeforeHookCreation)');
    const completed = log.events.find((e) => e.type === 'MODIFIED' && e.kind === 'Job' && e.name === 'goodbye');
    assert.ok(completed && completed.at <= goneAt, 'the hook ran (its status moved) before the app was let go');
    // Nothing of the app is deleted, then or later (the agent no longer tracks it).
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await f.kube(0).core.readNamespacedConfigMap({ name: 'left-behind', namespace: 'orphan' })).data?.value, 'v1', 'the resources stay');
    assert.ok(!log.events.some((e) => e.type === 'DELETED' && e.kind === 'ConfigMap'), JSON.stringify(log.events));
    console.log(`orphan: hook created ${log.first('ADDED', 'Job', 'goodbye')!.at - deletedAt} ms after the request, app gone ${goneAt - deletedAt} ms after it`);
  });
});
