// The executor's I/O: takes the actions `advance` (operation.ts) asks for (apply, prune, create a
// hook, delete a hook by its policy), records each outcome, stores the run, and asks again, until
// the run waits (a wave not Healthy yet, a hook still running) or ends. What a Running task waits
// on is observed here: an applied resource's health from the watch cache, a hook's progress from
// a GET. Inside one batch, Namespaces and CRDs go first (a CRD must be served before its objects).
// Every call may be the first after a restart: a hook this operation already created is observed,
// never created twice (hook-phases.ts hookCreation).
import type { Logger } from 'pino';
import { assessHealth, type KubeObject as HealthObject } from '../health/index.ts';
import { hookDeletions, hookProgress } from './hooks.ts';
import { hookCreation } from './hook-phases.ts';
import { isNotFound, type Kube, type KubeObject as LiveObject } from './kube.ts';
import { maskSecretValues } from './mask-secrets.ts';
import { refKey, refOf, type KubeObject } from './objects.ts';
import { advance, recordOutcome, type Observation, type OperationRun, type RunAction, type Step } from './operation.ts';
import type { PlannedObject } from './run-plan.ts';
import { waitEstablished } from './crd-established.ts';

/** What the executor reads and writes with. */
export interface RunIO {
  kube: Pick<Kube, 'apply' | 'delete' | 'get'>;
  /** The watch cache's copy of an object (for health), or undefined. */
  live(obj: KubeObject): Promise<KubeObject | undefined>;
  /** Stores the run durably (before the hub hears of it). */
  save(run: OperationRun): Promise<void>;
  now(): string;
  log: Logger;
  /** refKeys of objects compared Synced: their apply is a no-op, recorded as unchanged. */
  synced: ReadonlySet<string>;
  /** Deletion propagation for prunes (PrunePropagationPolicy; Argo CD's default: foreground). */
  prunePropagation?: 'Foreground' | 'Background' | 'Orphan';
}

const CONCURRENCY = 16;
const MAX_ROUNDS = 64;
const HOOK_GONE_TIMEOUT_MS = 30_000;

/** Runs a run as far as it goes now; answers the last step (its run is stored). */
export async function executeSync(run: OperationRun, objects: ReadonlyMap<string, PlannedObject>, io: RunIO): Promise<Step> {
  let current = run;
  const created = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const observed = await observe(current, objects, io, created);
    const step = advance(current, observed, io.now());
    current = step.run;
    if (!step.actions.length) {
      await io.save(current);
      return step;
    }
    const outcomes = await perform(step.actions, objects, io, created);
    for (const [taskId, outcome] of outcomes) current = recordOutcome(current, taskId, outcome, io.now());
    await io.save(current);
  }
  return { run: current, actions: [], waiting: 'the run takes more steps than one pass allows: carried on at the next' };
}

/** What each Running task waits on, as seen now. */
async function observe(run: OperationRun, objects: ReadonlyMap<string, PlannedObject>, io: RunIO, created: ReadonlySet<string>): Promise<Record<string, Observation>> {
  const observed: Record<string, Observation> = {};
  await Promise.all(run.tasks.filter((t) => t.status === 'Running').map(async (task) => {
    const planned = objects.get(task.id);
    if (!planned?.target) return;
    if (task.kind === 'hook') {
      const live = await io.kube.get(refArgs(planned.target)).catch(() => undefined);
      observed[task.id] = { hook: hookProgress(live as KubeObject | undefined, created.has(task.id)) };
    } else if (task.kind === 'apply') {
      const live = await io.live(planned.target);
      const health = live ? assessHealth(live as unknown as HealthObject) : { status: 'Progressing' as const, message: 'not seen by the watch yet' };
      observed[task.id] = health ? { health } : {};
    }
  }));
  return observed;
}

type Outcome = Parameters<typeof recordOutcome>[2];

/** Takes a step's actions, foundations first; answers each task's outcome (delete-hook actions answer none). */
async function perform(actions: RunAction[], objects: ReadonlyMap<string, PlannedObject>, io: RunIO, created: Set<string>): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const isFoundation = (a: RunAction) => {
    const planned = objects.get(a.task);
    return planned?.kind === 'namespace' || (a.do === 'apply' && (planned?.target?.kind === 'Namespace' || planned?.target?.kind === 'CustomResourceDefinition'));
  };
  for (const batch of [actions.filter(isFoundation), actions.filter((a) => !isFoundation(a))]) {
    await runAll(batch, async (action) => {
      const planned = objects.get(action.task);
      try {
        const outcome = await act(action, planned, io, created);
        if (outcome) outcomes.set(action.task, outcome);
      } catch (error) {
        // An API error may quote the object it refused: a Secret's values never leave in it (issue 13).
        const message = maskSecretValues((error as Error).message, [planned?.target, planned?.live]);
        io.log.warn({ task: action.task, err: message }, `${action.do} failed`);
        if (action.do !== 'delete-hook') outcomes.set(action.task, { ok: false, message });
      }
    });
  }
  return outcomes;
}

async function act(action: RunAction, planned: PlannedObject | undefined, io: RunIO, created: Set<string>): Promise<Outcome | undefined> {
  if (!planned) return action.do === 'delete-hook' ? undefined : { ok: false, message: 'the object of this task is no longer in the bundle' };
  switch (action.do) {
    case 'apply': {
      const target = planned.target!;
      if (planned.kind === 'apply' && io.synced.has(keyOf(target))) return { ok: true, result: 'unchanged' };
      await io.kube.apply(target as LiveObject);
      if (target.kind === 'CustomResourceDefinition') await waitEstablished(io.kube as Kube, target);
      return { ok: true, result: planned.kind === 'namespace' ? 'created' : planned.live ? 'configured' : 'created' };
    }
    case 'prune': {
      const ref = planned.live ?? planned.target;
      if (!ref) return { ok: true, result: 'pruned' };
      await io.kube.delete(ref as LiveObject, io.prunePropagation ?? 'Foreground').catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
      return { ok: true, result: 'pruned' };
    }
    case 'create-hook': {
      const hook = planned.hook!;
      const existing = await io.kube.get(refArgs(hook.object)) as KubeObject | undefined;
      const how = hookCreation(hook, existing);
      if (how === 'observe') return { ok: true, result: 'running' };
      if (how === 'recreate') await deleteAndWait(io, hook.object);
      await io.kube.apply(hook.object as LiveObject);
      created.add(action.task);
      return { ok: true, result: how === 'apply' ? 'configured' : 'created' };
    }
    case 'delete-hook': {
      const hook = planned.hook;
      if (hook && hookDeletions(hook.hook, action.outcome)) {
        await io.kube.delete(hook.object as LiveObject, 'Background').catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
      }
      return undefined;
    }
  }
}

/** Deletes a hook left by an earlier sync and waits until it is gone (BeforeHookCreation). */
async function deleteAndWait(io: RunIO, obj: KubeObject): Promise<void> {
  await io.kube.delete(obj as LiveObject, 'Foreground').catch((error: unknown) => {
    if (!isNotFound(error)) throw error;
  });
  const deadline = Date.now() + HOOK_GONE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!(await io.kube.get(refArgs(obj)))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${obj.kind} ${obj.metadata.name} from an earlier sync was not deleted within 30 s (BeforeHookCreation)`);
}

function refArgs(obj: KubeObject): { apiVersion: string; kind: string; name: string; namespace?: string } {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) };
}

function keyOf(obj: KubeObject): string {
  return refKey(refOf(obj));
}

async function runAll<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

