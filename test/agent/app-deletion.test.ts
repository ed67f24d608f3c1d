// An application's deletion (agent/src/engine/app-deletion.ts) on a real cluster, through the engine's
// ports held in memory, for what the fleet-level e2e test (test/e2e/post-delete-hooks.test.ts) cannot
// reach: an agent restarted after it reported the application deleted, but before the hub dropped
// the assignment, answers again without running the hook a second time; a PostDelete hook outside
// the project's limits is refused (a DeletionError, nothing created); and a deletion without
// cascade deletes nothing, runs the PostDelete hook, then lets the app go.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { AppStatus, Assignment, EventMessage } from '@flotilla/shared';
import { startClusters, type ClusterSet } from '../cluster/index.ts';
import { kubeRequest, waitFor } from '../cluster/kube-http.ts';
import { Kube } from '../../agent/src/engine/kube.ts';
import { loadKubeconfig } from '../../agent/src/engine/kubeconfig.ts';
import { AppDeletion } from '../../agent/src/engine/app-deletion.ts';
import type { EngineState } from '../../agent/src/engine/ports.ts';
import type { ObjectRef } from '../../agent/src/engine/objects.ts';
import type { DeletionRun } from '../../agent/src/engine/post-delete.ts';

const NS = 'bye';

/** The engine state an agent keeps, in memory (what engine-state.ts keeps in the state store). */
class MemoryState implements EngineState {
  inventories = new Map<string, ObjectRef[]>();
  deletions = new Map<string, DeletionRun>();
  inventory(app: string) { return this.inventories.get(app) ?? []; }
  async setInventory(app: string, refs: ObjectRef[] | undefined) { if (refs) this.inventories.set(app, refs); else this.inventories.delete(app); }
  run() { return undefined; }
  async saveRun() {}
  isFinished() { return false; }
  lastFinished() { return undefined; }
  async finish() {}
  deletion(app: string) { return structuredClone(this.deletions.get(app)); }
  async saveDeletion(app: string, run: DeletionRun | undefined) { if (run) this.deletions.set(app, structuredClone(run)); else this.deletions.delete(app); }
}

/** What the hub would hear. */
class Heard {
  statuses: { app: string; status: AppStatus }[] = [];
  events: EventMessage['event'][] = [];
  conditions: { type: string; message: string }[][] = [];
}

const job = (name: string, namespace?: string) => ({
  apiVersion: 'batch/v1', kind: 'Job',
  metadata: { name, ...(namespace ? { namespace } : {}), annotations: { 'argocd.argoproj.io/hook': 'PostDelete' } },
  spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'busybox:1.36', command: ['true'] }] } } },
});

describe('application deletion with PostDelete hooks, through the engine ports', () => {
  let set: ClusterSet;
  let kube: Kube;
  const bundles = new Map<string, { manifests: object[] }>();
  const assignment = (app: string, bundle: string, extra: Partial<Assignment> = {}): Assignment => ({
    app, project: 'default', generation: 1, namespace: NS, bundle, revision: 'c1',
    source: { repoURL: 'https://git.example/a.git', path: app, targetRevision: 'main' }, deletion: { cascade: true }, ...extra,
  });
  const deletionOf = (state: MemoryState, heard: Heard, requeued: number[] = []) => new AppDeletion({
    kube, state, clock: { now: () => Date.now() }, log: pino({ level: 'silent' }),
    desired: { assignment: () => undefined, apps: () => [], bundle: async (key) => bundles.get(key)! },
    sink: { reportStatus: (app, status) => heard.statuses.push({ app, status }), reportEvent: (event) => heard.events.push(event) },
    watch: async () => undefined,
    requeue: (_app, afterMs) => requeued.push(afterMs),
    report: async (_a, conditions) => { heard.conditions.push(conditions); },
  });
  const jobUid = async (name: string) => {
    const res = await kubeRequest(set.clusters[0]!, 'GET', `/apis/batch/v1/namespaces/${NS}/jobs/${name}`);
    return res.status === 200 ? (JSON.parse(res.text) as { metadata: { uid: string } }).metadata.uid : undefined;
  };
  /** Passes until the deletion reports the app deleted (or gives up). */
  const untilDeleted = async (deletion: AppDeletion, a: Assignment, heard: Heard) => {
    await waitFor(`${a.app} deleted`, async () => {
      await deletion.delete(a);
      return heard.statuses.some((s) => s.app === a.app && s.status.deleted);
    }, 30_000, 200);
  };

  before(async () => {
    set = await startClusters({ count: 1 });
    const res = await kubeRequest(set.clusters[0]!, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    assert.equal(res.status, 201, res.text);
    kube = new Kube(loadKubeconfig(set.clusters[0]!.kubeconfigPath), 'flotilla-agent');
    bundles.set('sha256:once', { manifests: [job('once')] });
    bundles.set('sha256:outside', { manifests: [job('escape', 'kube-system')] });
    bundles.set('sha256:kept', { manifests: [job('goodbye')] });
  });
  after(() => set?.stop());

  it('a restart after the deletion was reported, before the hub let the app go, runs the hook no second time', async () => {
    const state = new MemoryState();
    const heard = new Heard();
    const a = assignment('once', 'sha256:once');
    await untilDeleted(deletionOf(state, heard), a, heard);
    const uid = await jobUid('once');
    assert.ok(uid, 'the PostDelete Job ran');
    assert.equal(state.deletion('once')?.phase, 'Deleted', 'the run is kept until the hub drops the assignment');
    // The hook's default policy (BeforeHookCreation) would replace it if it ran again: the same uid says it did not.
    const again = new Heard();
    const restarted = deletionOf(state, again);
    await restarted.delete(a);
    assert.ok(again.statuses.some((s) => s.status.deleted), 'deleted is reported again');
    assert.equal(await jobUid('once'), uid);
    await restarted.forget('once');
    assert.equal(state.deletion('once'), undefined);
  });

  it('a PostDelete hook outside the project\'s destinations is refused, and nothing is created', async () => {
    const state = new MemoryState();
    const heard = new Heard();
    const requeued: number[] = [];
    const a = assignment('outside', 'sha256:outside', {
      project: 'team', projectLimits: { cluster: { name: 'solo', server: '' }, destinations: [{ name: 'solo', namespace: NS }] },
    });
    await deletionOf(state, heard, requeued).delete(a);
    const condition = heard.conditions.at(-1)?.[0];
    assert.equal(condition?.type, 'DeletionError');
    assert.match(condition?.message ?? '', /PostDelete hooks cannot run: refused by the agent: the bundle breaks project "team"/);
    assert.match(condition?.message ?? '', /kube-system/);
    assert.ok(!heard.statuses.some((s) => s.status.deleted), 'the app is not let go');
    assert.ok(requeued.length > 0, 'looked at again later');
    const res = await kubeRequest(set.clusters[0]!, 'GET', '/apis/batch/v1/namespaces/kube-system/jobs/escape');
    assert.equal(res.status, 404);
  });

  it('a deletion without cascade deletes nothing, runs the PostDelete hook, then lets the app go', async () => {
    const state = new MemoryState();
    const heard = new Heard();
    const cm = await kubeRequest(set.clusters[0]!, 'POST', `/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stays', labels: { 'app.flotilla.dev/instance': 'kept' }, annotations: { 'flotilla.dev/tracking-id': 'kept:/ConfigMap:bye/stays' } } });
    assert.equal(cm.status, 201, cm.text);
    await state.setInventory('kept', [{ group: '', version: 'v1', kind: 'ConfigMap', namespace: NS, name: 'stays' }]);
    await untilDeleted(deletionOf(state, heard), assignment('kept', 'sha256:kept', { deletion: { cascade: false } }), heard);
    assert.deepEqual(state.inventory('kept'), [], 'the app no longer tracks its resources');
    assert.equal((await kubeRequest(set.clusters[0]!, 'GET', `/api/v1/namespaces/${NS}/configmaps/stays`)).status, 200, 'the resource stays');
    assert.ok(await jobUid('goodbye'), 'the PostDelete hook ran');
    const run = state.deletion('kept');
    assert.deepEqual([run?.phase, run?.cascade, run?.message], ['Deleted', false, 'deleted without cascade; its resources are left in place; 1 PostDelete hook(s) succeeded']);
    assert.ok(!heard.events.some((e) => e.reason === 'ResourcesDeleted'), JSON.stringify(heard.events));
  });
});
