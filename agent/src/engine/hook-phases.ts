// When hooks run relative to resources, as Argo CD runs them (gitops-engine/pkg/sync/doc.go and
// sync_tasks.go): first the PreSync hooks, wave by wave; then the Sync phase, where each wave holds the
// resources and the Sync hooks of that wave together; then the PostSync hooks, wave by wave, only once
// every Sync task succeeded and every resource is Healthy. SyncFail hooks run only when the operation
// failed; PostDelete hooks run after an application's resources are deleted (argo-cd controller/hook.go).
// operation.ts's advance keeps that order; this module turns hooks into the tasks of one operation: each instance named for that operation
// (hooks.ts hookInstanceName), stamped with the operation and phase that created it, sorted as plan.ts's
// compareTasks sorts (phase, wave, kind rank, name). Argo CD's hook finalizer is not added: the agent does
// not need it, and hookProgress reads a hook being deleted as if it were not.
import { hookDeletions, hookInstanceName, type Hook, type HookObject } from './hooks.ts';
import { parseApiVersion, parseTrackingId, refKey, refOf, trackingId, TRACKING_ANNOTATION, type KubeObject } from './objects.ts';
import { kindRank } from './plan.ts';

/** The phases a hook can run in, in order. */
export type HookPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail' | 'PostDelete';
/** The phases of a sync operation (PostDelete belongs to deleting an application). */
export type SyncHookPhase = Exclude<HookPhase, 'PostDelete'>;

/** Hook phases in the order they run (sync_tasks.go's syncPhaseOrder, then PostDelete). */
export const HOOK_PHASE_ORDER: readonly HookPhase[] = ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'PostDelete'];
/** Annotation on a hook instance: `<operation id>/<phase>` that created it, so a restarted run finds its own. */
export const HOOK_OPERATION_ANNOTATION = 'flotilla.dev/hook-operation';

/**
 * One hook to run: its phase and wave, the instance's refKey and name, the object to create, and `source`:
 * the hook as the bundle names it (group/kind/namespace/name, or generateName followed by '*'), the same
 * for every operation, so an application's deletion that runs its hooks again knows which ones finished.
 */
export type HookTask<P extends HookPhase = SyncHookPhase> = { phase: P; wave: number; key: string; name: string; source: string; object: KubeObject; hook: Hook };

/** What to do for a hook task about to start, given what the cluster has under its name. */
export type HookCreation = 'create' | 'observe' | 'recreate' | 'apply';

const PHASE_RANK = new Map(HOOK_PHASE_ORDER.map((phase, index) => [phase, index]));
const SYNC_PHASES: readonly SyncHookPhase[] = ['PreSync', 'Sync', 'PostSync', 'SyncFail'];

/** Plain string order (code units), as Go compares strings. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The task order: phase, wave, kind rank, name, then namespace and group (plan.ts's compareTasks for applies). */
export function compareHookTasks(a: HookTask<HookPhase>, b: HookTask<HookPhase>): number {
  const refA = refOf(a.object);
  const refB = refOf(b.object);
  return (PHASE_RANK.get(a.phase) ?? 0) - (PHASE_RANK.get(b.phase) ?? 0)
    || a.wave - b.wave
    || kindRank(refA.kind) - kindRank(refB.kind)
    || compareText(refA.name, refB.name)
    || compareText(refA.namespace ?? '', refB.namespace ?? '')
    || compareText(refA.group, refB.group);
}

/** The object to create: named, generateName gone, stamped with the operation, its tracking id naming the instance. */
function instanceObject(source: KubeObject, name: string, stamp: string): KubeObject {
  const object = structuredClone(source);
  delete object.metadata['generateName'];
  object.metadata.name = name;
  const annotations: Record<string, string> = { ...object.metadata.annotations, [HOOK_OPERATION_ANNOTATION]: stamp };
  const current = annotations[TRACKING_ANNOTATION];
  const tracked = current === undefined ? undefined : parseTrackingId(current);
  // prepareDesired wrote the tracking id before the instance had a name; isTrackedBy checks it names the object.
  if (tracked) annotations[TRACKING_ANNOTATION] = trackingId(tracked.app, refOf(object));
  object.metadata.annotations = annotations;
  return object;
}

/** Tasks for the hooks that run in these phases, in run order. */
function tasksFor<P extends HookPhase>(hooks: readonly HookObject[], operationId: string, phases: readonly P[]): HookTask<P>[] {
  const tasks: HookTask<P>[] = [];
  const seen = new Map<string, number>();
  for (const { object, hook, wave } of hooks) {
    for (const phase of phases) {
      if (!hook.types.includes(phase)) continue;
      // Hooks of one phase sharing kind, namespace and generateName get distinct names.
      const identity = JSON.stringify([phase, parseApiVersion(object.apiVersion).group, object.kind, object.metadata.namespace ?? '', object.metadata['generateName'] ?? '', object.metadata.name ?? '']);
      const occurrence = seen.get(identity) ?? 0;
      seen.set(identity, occurrence + 1);
      const name = hookInstanceName(object, operationId, phase, occurrence);
      // splitHooks only lets through hooks that can be named, so this is a caller's mistake, not a user's.
      if (!name.ok) throw new Error(`hookTasks: ${name.error} (pass hooks from splitHooks)`);
      const instance = instanceObject(object, name.value, `${operationId}/${phase}`);
      const named = object.metadata.name ? object.metadata.name : `${String(object.metadata['generateName'] ?? '')}*`;
      const source = `${parseApiVersion(object.apiVersion).group}/${object.kind}/${object.metadata.namespace ?? ''}/${named}${occurrence ? `#${occurrence}` : ''}`;
      tasks.push({ phase, wave, key: refKey(refOf(instance)), name: name.value, source, object: instance, hook });
    }
  }
  return tasks.sort(compareHookTasks);
}

/** The hook tasks of one sync operation (PreSync, Sync, PostSync, SyncFail), sorted as they run. */
export function hookTasks(hooks: readonly HookObject[], operationId: string): HookTask[] {
  return tasksFor(hooks, operationId, SYNC_PHASES);
}

/** The PostDelete hook tasks of deleting an application (post-delete.ts runs them), sorted by phase, wave, kind and name. */
export function postDeleteTasks(hooks: readonly HookObject[], operationId: string): HookTask<'PostDelete'>[] {
  return tasksFor(hooks, operationId, ['PostDelete'] as const);
}

/**
 * What to do as a hook task starts: nothing there → create; this operation's phase already created it (a
 * restart after the create) → observe it, never create it twice; BeforeHookCreation → delete it, then
 * create; otherwise apply over it, as Argo CD does (an existing named hook keeps the result it has).
 */
export function hookCreation(task: HookTask<HookPhase>, live: KubeObject | undefined): HookCreation {
  if (!live) return 'create';
  const stamp = task.object.metadata.annotations?.[HOOK_OPERATION_ANNOTATION];
  if (stamp !== undefined && live.metadata.annotations?.[HOOK_OPERATION_ANNOTATION] === stamp) return 'observe';
  return hookDeletions(task.hook, 'before-create') ? 'recreate' : 'apply';
}
