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
import { describeObject, isImmutable, isNotFound, type Kube, type KubeObject as LiveObject } from './kube.ts';
import { maskSecretValues } from './mask-secrets.ts';
import { refKey, refOf, type KubeObject } from './objects.ts';
import { advance, recordOutcome, type Observation, type OperationRun, type RunAction, type Step } from './operation.ts';
import type { PlannedObject } from './run-plan.ts';
import { waitEstablished } from './crd-established.ts';
import { fieldValidationOf, runSyncOptions, mayRecreate, namespaceObject, sharedResourceFailure, takesOverManagers, taskOptions, writeMethodOf, type ApplyPolicy } from './apply-options.ts';
import { keepIgnoredFields } from './ignored-fields.ts';
import { needsTakeover, takenOverManagers, takeoverPatch, TAKEN_OVER } from './field-takeover.ts';

/** What the executor reads and writes with. */
export interface RunIO {
  kube: Pick<Kube, 'apply' | 'delete' | 'get' | 'replace' | 'patchJson' | 'resource' | 'fieldManager'>;
  /** The watch cache's copy of an object (for health), or undefined. */
  live(obj: KubeObject): Promise<KubeObject | undefined>;
  /** Stores the run durably (before the hub hears of it). */
  save(run: OperationRun): Promise<void>;
  now(): string;
  log: Logger;
  /**
   * refKeys of objects compared Synced: not written again, recorded as unchanged. This is what
   * ApplyOutOfSyncOnly=true asks; Flotilla does it always (an apply of a Synced object, which
   * the server-side dry run found equal to live, changes nothing).
   */
  synced: ReadonlySet<string>;
  /** Deletion propagation for prunes (PrunePropagationPolicy; Argo CD's default: foreground). */
  prunePropagation?: 'Foreground' | 'Background' | 'Orphan';
  /** The application's sync options, ignoreDifferences and managed namespace metadata (absent: the run's syncOptions alone). */
  policy?: ApplyPolicy;
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
    const outcomes = await perform(current, step.actions, objects, io, created);
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
async function perform(run: OperationRun, actions: RunAction[], objects: ReadonlyMap<string, PlannedObject>, io: RunIO, created: Set<string>): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const isFoundation = (a: RunAction) => {
    const planned = objects.get(a.task);
    return planned?.kind === 'namespace' || (a.do === 'apply' && (planned?.target?.kind === 'Namespace' || planned?.target?.kind === 'CustomResourceDefinition'));
  };
  for (const batch of [actions.filter(isFoundation), actions.filter((a) => !isFoundation(a))]) {
    await runAll(batch, async (action) => {
      const planned = objects.get(action.task);
      try {
        const outcome = await act(run, action, planned, io, created);
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

async function act(run: OperationRun, action: RunAction, planned: PlannedObject | undefined, io: RunIO, created: Set<string>): Promise<Outcome | undefined> {
  if (!planned) return action.do === 'delete-hook' ? undefined : { ok: false, message: 'the object of this task is no longer in the bundle' };
  switch (action.do) {
    case 'apply': {
      const policy = io.policy ?? { options: runOptions(run), ignoreDifferences: [] };
      if (planned.kind === 'namespace') {
        await io.kube.apply(namespaceObject(planned.target!, policy.managedNamespaceMetadata) as LiveObject);
        return { ok: true, result: 'created' };
      }
      return applyResource(run, planned, policy, io);
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

/**
 * Writes one resource by its options: FailOnSharedResource, Synced objects left as they are,
 * ServerSideApply=false refused, a kind not served yet waited for (SkipDryRunOnMissingResource)
 * or refused, ignored fields kept (RespectIgnoreDifferences), kubectl's and Argo CD's field
 * managers taken over (adoption), then a server-side apply or a replace (Replace=true) with
 * Validate=false's field validation, and on an immutable-field error, with Force=true, a delete and
 * a create.
 */
async function applyResource(run: OperationRun, planned: PlannedObject, policy: ApplyPolicy, io: RunIO): Promise<Outcome> {
  const options = taskOptions(policy.options, planned.target, planned.live);
  const shared = sharedResourceFailure(options, planned.live, run.app);
  if (shared) return { ok: false, message: shared };
  if (io.synced.has(keyOf(planned.target!))) return { ok: true, result: 'unchanged' };
  const method = writeMethodOf(options);
  if (method.method === 'refused') return { ok: false, message: `${describeObject(planned.target as LiveObject)}: ${method.message}` };
  const target = (options.respectIgnoreDifferences ? keepIgnoredFields(planned.target!, planned.live, policy.ignoreDifferences) : planned.target!) as LiveObject;
  if (!(await io.kube.resource(target.apiVersion, target.kind).catch(() => undefined))) {
    if (!options.skipDryRunOnMissingResource) {
      return { ok: false, message: `${target.kind} (${target.apiVersion}) is not served by the cluster: ensure CRDs are installed first, or set SkipDryRunOnMissingResource=true to wait for it` };
    }
    await waitServed(io, target);
  }
  let adopted: string[] = [];
  if (planned.live && takesOverManagers(options)) adopted = await takeOver(io, target);
  const fieldValidation = fieldValidationOf(options);
  const write = () => (method.method === 'replace' ? io.kube.replace(target, fieldValidation ? { fieldValidation } : {}) : io.kube.apply(target, fieldValidation ? { fieldValidation } : {}));
  const note = adopted.length ? { message: `took over the fields of ${adopted.join(', ')}` } : {};
  try {
    await write();
  } catch (error) {
    if (!planned.live || !isImmutable(error) || !mayRecreate(options)) throw error;
    // Force=true: the object cannot be changed in place; delete it and create it afresh.
    io.log.info({ object: describeObject(target) }, 'immutable field changed: deleting and recreating (Force=true)');
    await deleteAndWait(io, target);
    await write();
    return { ok: true, result: 'recreated', message: 'an immutable field changed: deleted and created again (Force=true)' };
  }
  if (target.kind === 'CustomResourceDefinition') await waitEstablished(io.kube as Kube, target);
  return { ok: true, result: planned.live ? 'configured' : 'created', ...note };
}

/** Adoption (field-takeover.ts): moves kubectl's and Argo CD's managedFields entries to ours before the first apply; answers the managers taken over. */
async function takeOver(io: RunIO, target: KubeObject): Promise<string[]> {
  // The watch cache keeps other managers' entries but drops the annotation and our own entry: read the object whole.
  const cachedLive = await io.live(target);
  const entries = (cachedLive?.metadata['managedFields'] ?? []) as { manager?: string; operation?: string; subresource?: string }[];
  const candidate = entries.some((e) => !e.subresource && TAKEN_OVER.some((m) => (e.manager ?? '').startsWith(m.prefix) && e.operation === m.operation));
  if (!candidate) return [];
  const live = await io.kube.get(refArgs(target)) as KubeObject | undefined;
  if (!live || !needsTakeover(live, io.kube.fieldManager)) return [];
  const patch = takeoverPatch(live, io.kube.fieldManager);
  if (!patch) return [];
  await io.kube.patchJson(live as LiveObject, patch);
  return takenOverManagers(live);
}

/** SkipDryRunOnMissingResource: waits (up to 30 s) for the cluster to serve a kind (an operator installing its CRD). */
async function waitServed(io: RunIO, obj: KubeObject): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    if (await io.kube.resource(obj.apiVersion, obj.kind).catch(() => undefined)) return;
  }
  throw new Error(`${obj.kind} (${obj.apiVersion}) is still not served after 30 s (SkipDryRunOnMissingResource=true): ensure CRDs are installed first`);
}

/** The run's own options, when the caller gives no policy. */
function runOptions(run: OperationRun): ApplyPolicy['options'] {
  return runSyncOptions([], run.syncOptions).options;
}

/** Deletes an object (a hook left by an earlier sync, or a Force=true recreate) and waits until it is gone. */
async function deleteAndWait(io: RunIO, obj: KubeObject): Promise<void> {
  await io.kube.delete(obj as LiveObject, 'Foreground').catch((error: unknown) => {
    if (!isNotFound(error)) throw error;
  });
  const deadline = Date.now() + HOOK_GONE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!(await io.kube.get(refArgs(obj)))) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${obj.kind} ${obj.metadata.name} was not deleted within 30 s`);
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

