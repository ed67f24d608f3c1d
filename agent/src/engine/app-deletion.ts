// Deleting an application on its cluster: the I/O of post-delete.ts's steps, one pass per call,
// re-entrant (the reconciler calls it again on a timer or a watch event, and after a restart):
//   1. DeletingResources: deletion.ts deletes the inventory's resources; until they are all gone the
//      status says DeletionInProgress with what is left.
//   2. PostDelete: the PostDelete hooks of the assignment's bundle are planned (the run stored first),
//      created, watched and deleted by their delete policy; a failed one is a DeletionError condition
//      naming it, and runs again after the backoff.
//   3. Cleanup: the hooks their policy deletes are waited for until gone.
//   4. Deleted: the hub is told (status `deleted`); it then drops the assignment, and forget() drops the run.
// A deletion without cascade (the hub sends one only when the bundle holds PostDelete hooks and this
// agent names NON_CASCADE_HOOKS_FEATURE; else it drops the assignment at once) skips step 1: the
// resources are left as they are and no longer tracked, then the hooks run as above.
import type { Logger } from 'pino';
import { namesPostDeleteHook, type Assignment } from '@flotilla/shared';
import { isNotFound, type Kube, type KubeObject as LiveObject } from './kube.ts';
import type { Clock, DesiredSource, EngineState, StatusSink } from './ports.ts';
import { deleteApplicationResources } from './deletion.ts';
import { hookDeletions, hookProgress, splitHooks, type HookProgress } from './hooks.ts';
import { postDeleteTasks, type HookTask } from './hook-phases.ts';
import { maskSecretValues } from './mask-secrets.ts';
import { parseApiVersion, prepareDesired, type KubeObject } from './objects.ts';
import {
  advanceDeletion, deletionHookCreation, finishDeletion, hookOperationOf, isRetryDue, nextAttempt, planPostDelete, recordCreation, startDeletion,
  type DeletionRun,
} from './post-delete.ts';

/** What a deletion needs: the engine's ports, the cluster, and the reconciler's status report. */
export interface AppDeletionDeps {
  kube: Kube;
  desired: DesiredSource;
  state: EngineState;
  sink: StatusSink;
  clock: Clock;
  log: Logger;
  /** Starts watching a hook's kind, so its completion brings the next pass at once. */
  watch(obj: KubeObject): Promise<unknown>;
  requeue(app: string, afterMs: number): void;
  /** Reports the app's status with these conditions (the reconciler's report). */
  report(a: Assignment, conditions: { type: string; message: string }[]): Promise<void>;
  events?: { own(app: string, uids: string[]): void };
}

/** A condition of a deletion. */
type Condition = { type: string; message: string };

const RECHECK_MS = 2000;
const MAX_ROUNDS = 16;
const GONE_TIMEOUT_MS = 30_000;

/** Runs applications' deletions, one pass per call (the queue guarantees one call per app at once). */
export class AppDeletion {
  private readonly deps: AppDeletionDeps;

  constructor(deps: AppDeletionDeps) {
    this.deps = deps;
  }

  /** One pass over an application being deleted. */
  async delete(a: Assignment): Promise<void> {
    let run = this.deps.state.deletion(a.app);
    if (!run) {
      run = startDeletion(a.app, this.iso(), a.deletion?.cascade !== false);
      await this.deps.state.saveDeletion(a.app, run);
    }
    if (run.phase === 'DeletingResources') {
      // The cascade the deletion started with holds to its end (the hub keeps it too).
      const left = run.cascade === false ? await this.leaveResources(a) : await this.deleteResources(a);
      if (left) return this.wait(a, [left], 1000);
      const planned = await this.plan(a, run);
      if ('problem' in planned) return this.wait(a, [{ type: 'DeletionError', message: planned.problem }], 5000);
      run = planned;
    }
    if (run.phase === 'PostDelete') {
      const step = await this.runHooks(a, run);
      if ('conditions' in step) return this.wait(a, step.conditions, step.afterMs);
      run = step.run;
    }
    if (run.phase === 'Cleanup') {
      const left = await this.cleanUp(a, run);
      if (left) return this.wait(a, [left], 1000);
      run = finishDeletion(run, this.iso());
      await this.deps.state.saveDeletion(a.app, run);
      this.deps.log.info({ app: a.app, deletion: run.id, message: run.message }, 'application deleted');
      this.deps.sink.reportEvent({ reason: 'ApplicationDeleted', message: `${a.app}: ${run.message}`, at: this.iso() }, a.app);
    }
    this.reportDeleted(a.app);
  }

  /** The hub let the app go: its deletion run is no longer needed. */
  async forget(app: string): Promise<void> {
    if (this.deps.state.deletion(app)) await this.deps.state.saveDeletion(app, undefined);
  }

  /** Deletes what is left of the resources; answers the condition to report while some remain. */
  private async deleteResources(a: Assignment): Promise<Condition | undefined> {
    const inventory = this.deps.state.inventory(a.app);
    const { remaining, waiting } = await deleteApplicationResources(this.deps.kube, a.app, inventory, a.deletion?.propagationPolicy === 'background' ? 'Background' : 'Foreground', a.deletion?.confirmed === true);
    if (remaining.length) return { type: 'DeletionInProgress', message: `waiting for ${remaining.length} resource(s) to be deleted${waiting.length ? `: ${waiting.join('; ')}` : ''}` };
    if (inventory.length) {
      await this.deps.state.setInventory(a.app, undefined);
      this.deps.sink.reportEvent({ reason: 'ResourcesDeleted', message: `deleted ${inventory.length} resource(s) of ${a.app}`, at: this.iso() }, a.app);
      this.deps.events?.own(a.app, []);
    }
    return undefined;
  }

  /** A deletion without cascade: the resources stay as they are, no longer tracked by the app. */
  private async leaveResources(a: Assignment): Promise<undefined> {
    const inventory = this.deps.state.inventory(a.app);
    if (inventory.length) {
      await this.deps.state.setInventory(a.app, undefined);
      this.deps.log.info({ app: a.app, resources: inventory.length }, 'deletion without cascade: resources left in place');
      this.deps.events?.own(a.app, []);
    }
    return undefined;
  }

  /** The run with the hooks of its attempt planned from the assignment's bundle, stored before any is created. */
  private async plan(a: Assignment, run: DeletionRun): Promise<DeletionRun | { problem: string }> {
    const hooks = await this.hooksOf(a, a.bundle);
    if ('problem' in hooks) return hooks;
    const planned = planPostDelete(run, a.bundle, postDeleteTasks(hooks.hooks, hookOperationOf(run)));
    await this.deps.state.saveDeletion(a.app, planned);
    if (planned.tasks.length) this.deps.log.info({ app: a.app, deletion: run.id, attempt: run.attempt, hooks: planned.tasks.map((t) => t.key) }, 'running PostDelete hooks');
    return planned;
  }

  /** Advances the hooks as far as they go now; answers the run when they all succeeded, else what to report and when to look again. */
  private async runHooks(a: Assignment, stored: DeletionRun): Promise<{ run: DeletionRun } | { conditions: Condition[]; afterMs: number }> {
    let run = stored;
    if (isRetryDue(run, this.deps.clock.now())) {
      const planned = await this.plan(a, nextAttempt(run));
      if ('problem' in planned) return { conditions: [{ type: 'DeletionError', message: planned.problem }], afterMs: 5000 };
      run = planned;
      if (run.phase !== 'PostDelete') return { run };
    }
    if (run.retryAt) return { conditions: [{ type: 'DeletionError', message: run.message }], afterMs: Math.max(0, Date.parse(run.retryAt) - this.deps.clock.now()) };
    const instances = await this.instancesOf(a, run);
    if ('problem' in instances) return { conditions: [{ type: 'DeletionError', message: instances.problem }], afterMs: 5000 };
    const created = new Set<string>();
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const observed = await this.observe(run, instances, created);
      const step = advanceDeletion(run, observed, this.iso());
      run = step.run;
      for (const action of step.actions) {
        const task = instances.get(action.task);
        if (!task) continue;
        if (action.do === 'delete-hook') await this.deleteByPolicy(task, action.outcome);
        else run = recordCreation(run, action.task, await this.create(task, run, created), this.iso());
      }
      await this.deps.state.saveDeletion(a.app, run);
      if (step.waiting) {
        await Promise.all(run.tasks.filter((t) => t.status === 'Running').map((t) => instances.get(t.id)?.object).map((o) => (o ? this.deps.watch(o).catch(() => undefined) : undefined)));
        return { conditions: [{ type: 'DeletionInProgress', message: step.waiting }], afterMs: RECHECK_MS };
      }
      if (run.phase !== 'PostDelete') return { run };
      if (run.retryAt) {
        this.deps.log.warn({ app: a.app, deletion: run.id, attempt: run.attempt, message: run.message }, 'PostDelete hooks failed');
        this.deps.sink.reportEvent({ reason: 'PostDeleteHookFailed', message: run.message, eventType: 'Warning', at: this.iso() }, a.app);
        return { conditions: [{ type: 'DeletionError', message: run.message }], afterMs: Math.max(0, Date.parse(run.retryAt) - this.deps.clock.now()) };
      }
    }
    return { conditions: [{ type: 'DeletionInProgress', message: run.message }], afterMs: 0 };
  }

  /** Each task's hook instance, of the attempt that made it (a hook that succeeded earlier is named by its attempt). */
  private async instancesOf(a: Assignment, run: DeletionRun): Promise<Map<string, HookTask<'PostDelete'>> | { problem: string }> {
    const hooks = await this.hooksOf(a, run.bundle);
    if ('problem' in hooks) return hooks;
    const instances = new Map<string, HookTask<'PostDelete'>>();
    for (const attempt of new Set(run.tasks.map((t) => t.attempt))) {
      const byId = new Map(postDeleteTasks(hooks.hooks, hookOperationOf({ ...run, attempt })).map((h) => [h.source, h]));
      for (const task of run.tasks.filter((t) => t.attempt === attempt)) {
        const hook = byId.get(task.id);
        if (hook) instances.set(task.id, hook);
      }
    }
    return instances;
  }

  /** How far each Running hook got, from a GET. */
  private async observe(run: DeletionRun, instances: ReadonlyMap<string, HookTask<'PostDelete'>>, created: ReadonlySet<string>): Promise<Record<string, HookProgress>> {
    const observed: Record<string, HookProgress> = {};
    await Promise.all(run.tasks.filter((t) => t.status === 'Running').map(async (task) => {
      const hook = instances.get(task.id);
      if (!hook) {
        observed[task.id] = { progress: 'Failed', message: 'the hook is no longer in the bundle' };
        return;
      }
      observed[task.id] = hookProgress(await this.get(hook.object), created.has(task.id));
    }));
    return observed;
  }

  /** Creates a hook's instance (or finds the one this attempt made); answers the outcome. */
  private async create(task: HookTask<'PostDelete'>, run: DeletionRun, created: Set<string>): Promise<{ ok: true } | { ok: false; message: string }> {
    try {
      const how = deletionHookCreation(task, await this.get(task.object), run);
      if (how === 'observe') return { ok: true };
      if (how === 'recreate') await this.deleteAndWait(task.object);
      await this.deps.kube.apply(task.object as LiveObject);
      created.add(task.source);
      return { ok: true };
    } catch (error) {
      // An API error may quote the object it refused: a Secret's values never leave in it (issue 13).
      const message = maskSecretValues((error as Error).message, [task.object]);
      this.deps.log.warn({ app: run.app, hook: task.key, err: message }, 'cannot create a PostDelete hook');
      return { ok: false, message };
    }
  }

  /** Deletes a hook that ended, when its policy says so (HookSucceeded, HookFailed). */
  private async deleteByPolicy(task: HookTask<'PostDelete'>, outcome: 'Succeeded' | 'Failed'): Promise<void> {
    if (!hookDeletions(task.hook, outcome)) return;
    await this.deps.kube.delete(task.object as LiveObject, 'Background').catch((error: unknown) => {
      if (!isNotFound(error)) this.deps.log.warn({ hook: task.key, err: (error as Error).message }, 'cannot delete a PostDelete hook');
    });
  }

  /** Waits for the hooks HookSucceeded deletes (deleting them again if need be); answers the condition while some remain. */
  private async cleanUp(a: Assignment, run: DeletionRun): Promise<Condition | undefined> {
    if (!run.tasks.length) return undefined;
    const instances = await this.instancesOf(a, run);
    if ('problem' in instances) return { type: 'DeletionError', message: instances.problem };
    const left: string[] = [];
    for (const hook of instances.values()) {
      if (!hookDeletions(hook.hook, 'Succeeded')) continue;
      const live = await this.get(hook.object);
      if (!live) continue;
      left.push(hook.key);
      if (!live.metadata['deletionTimestamp']) await this.deleteByPolicy(hook, 'Succeeded');
    }
    return left.length ? { type: 'DeletionInProgress', message: `waiting for ${left.length} PostDelete hook(s) to be deleted (HookSucceeded): ${left.slice(0, 5).join(', ')}` } : undefined;
  }

  /**
   * The PostDelete hooks of a bundle, prepared for this cluster. Only objects that name PostDelete (or
   * Helm's post-delete) are read: a bundle broken elsewhere does not hold up its deletion, a broken
   * hook, or one the project's limits refuse, does (as Argo CD, whose deletion waits on the manifests
   * it renders).
   */
  private async hooksOf(a: Assignment, bundle: string | null): Promise<{ hooks: ReturnType<typeof splitHooks>['hooks'] } | { problem: string }> {
    if (!bundle) return { hooks: [] };
    let manifests: KubeObject[];
    try {
      manifests = (await this.deps.desired.bundle(bundle)).manifests as KubeObject[];
    } catch (error) {
      return { problem: `cannot load the PostDelete hooks: ${(error as Error).message}` };
    }
    const candidates = manifests.filter((m) => namesPostDeleteHook(m));
    const scopes = new Map<string, boolean>();
    for (const m of candidates) {
      const id = `${parseApiVersion(m.apiVersion).group}/${m.kind}`;
      if (scopes.has(id)) continue;
      const info = await this.deps.kube.resource(m.apiVersion, m.kind).catch(() => undefined);
      if (info) scopes.set(id, info.namespaced);
    }
    const prepared = prepareDesired(candidates, a.app, a.namespace, (group, kind) => scopes.get(`${group}/${kind}`));
    const split = splitHooks(prepared.objects);
    const errors = [...prepared.errors, ...split.errors];
    if (errors.length) return { problem: `the PostDelete hooks cannot run: ${errors.map((e) => e.message).join('; ')}` };
    const hooks = split.hooks.filter((h) => h.hook.types.includes('PostDelete'));
    // The project's limits hold for what a deletion creates too (defence in depth, as for a sync's resources).
    const guard = a.projectLimits && hooks.length ? await import('./project-guard.ts') : undefined;
    const refused = guard?.projectProblem(a, hooks.map((h) => h.object));
    if (refused) return { problem: `the PostDelete hooks cannot run: ${refused}` };
    return { hooks };
  }

  private reportDeleted(app: string): void {
    this.deps.sink.reportStatus(app, { sync: { status: 'Unknown' }, health: { status: 'Missing' }, resources: [], reconciledAt: this.iso(), deleted: true });
  }

  private async wait(a: Assignment, conditions: Condition[], afterMs: number): Promise<void> {
    await this.deps.report(a, conditions);
    this.deps.requeue(a.app, afterMs);
  }

  private async get(obj: KubeObject): Promise<KubeObject | undefined> {
    return await this.deps.kube.get({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) }) as KubeObject | undefined;
  }

  /** Deletes an instance an earlier attempt (or sync) left, and waits until it is gone, before creating the hook afresh. */
  private async deleteAndWait(obj: KubeObject): Promise<void> {
    await this.deps.kube.delete(obj as LiveObject, 'Foreground').catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
    const deadline = Date.now() + GONE_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!(await this.get(obj))) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${obj.kind} ${obj.metadata.name} was not deleted within 30 s`);
  }

  private iso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}
