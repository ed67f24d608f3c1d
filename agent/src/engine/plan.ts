// Sync planning: turns desired objects, live state and the last inventory into ordered tasks. Order (one
// comparator, as gitops-engine): phase (PreSync, Sync, PostSync); then applies before prunes; then, for applies,
// wave, kind rank (Argo/Helm kind order, unknown kinds last) and name ascending, and for prunes all three descending.
import { refKey, refOf, isTrackedBy, type KubeObject, type ObjectRef } from './objects.ts';
import { parseHook, parseSyncWave, resourceSyncOptions } from './sync-options.ts';
import { isHookObject } from './hooks.ts';

/** The phase a task runs in; hooks name theirs, everything else syncs in Sync. */
export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync';

/** What a task does: apply, prune (delete), report a prune skipped, or create the destination namespace. */
export type SyncAction = 'apply' | 'prune' | 'skip-prune' | 'create-namespace';

/** One step of a sync. */
export type SyncTask = {
  ref: ObjectRef;
  phase: SyncPhase;
  wave: number;
  action: SyncAction;
  target?: KubeObject;
  live?: KubeObject;
  reason?: string;
};

/** What planning needs; live holds, by refKey, what the cluster has (undefined: known to be absent). */
export type PlanInput = {
  desired: KubeObject[];
  live: Map<string, KubeObject | undefined>;
  inventory: ObjectRef[];
  prune: boolean;
  app: string;
  createNamespace?: string;
  /** The operation confirms the prunes of Prune=confirm resources. */
  pruneConfirmed?: boolean;
};

/** The plan: sorted tasks, objects left that need pruning when prune is off, and objects not planned. */
export type PlanResult = {
  tasks: SyncTask[];
  requiresPruning: ObjectRef[];
  skipped: { ref: ObjectRef; reason: string }[];
  errors: { ref: string; message: string }[];
};

const PHASE_RANK: Record<SyncPhase, number> = { PreSync: 0, Sync: 1, PostSync: 2 };

const KIND_ORDER = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList',
  'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController',
  'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress',
  'APIService',
];
const KIND_RANK = new Map(KIND_ORDER.map((kind, index) => [kind, index]));

/** A kind's place in the apply order (by kind alone, as Argo CD); unknown kinds share the last place. */
export function kindRank(kind: string): number {
  return KIND_RANK.get(kind) ?? KIND_ORDER.length;
}

/** Whether the task belongs to the pruning part of a phase. */
function isPruneTask(task: SyncTask): boolean {
  return task.action === 'prune' || task.action === 'skip-prune';
}

/** Plain string order (code units), as Go compares strings. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The one task order: phase, applies before prunes, then wave, kind rank, name (and namespace, group), reversed for prunes. */
export function compareTasks(a: SyncTask, b: SyncTask): number {
  const phase = PHASE_RANK[a.phase] - PHASE_RANK[b.phase];
  if (phase !== 0) return phase;
  const pruneA = isPruneTask(a);
  if (pruneA !== isPruneTask(b)) return pruneA ? 1 : -1;
  const sign = pruneA ? -1 : 1;
  return sign * (a.wave - b.wave
    || kindRank(a.ref.kind) - kindRank(b.ref.kind)
    || compareText(a.ref.name, b.ref.name)
    || compareText(a.ref.namespace ?? '', b.ref.namespace ?? '')
    || compareText(a.ref.group, b.ref.group));
}

/** The phases a desired object syncs in, or why it is not planned (non-phase hooks, bad annotations). */
function phasesOf(obj: KubeObject): { phases: SyncPhase[] } | { skip: string } | { error: string } {
  const hook = parseHook(obj);
  if (!hook.ok) return { error: hook.error };
  if (hook.value.types.length === 0) return { phases: ['Sync'] };
  const phases = hook.value.types.filter((type): type is SyncPhase => type === 'PreSync' || type === 'Sync' || type === 'PostSync');
  if (phases.length > 0) return { phases };
  return { skip: `hook of type ${hook.value.types.join(',')} is not run by a sync` };
}

/**
 * Moves Namespaces and CRDs to the earliest (phase, wave) of the objects that need them, as gitops-engine's
 * adjustDeps does, so a namespace or CRD annotated with a later wave still exists before its dependents.
 */
function pullDependenciesForward(tasks: SyncTask[]): void {
  const earliest = new Map<string, SyncTask>();
  const earlier = (a: SyncTask, b: SyncTask) => (PHASE_RANK[a.phase] - PHASE_RANK[b.phase] || a.wave - b.wave) < 0;
  const note = (dep: string, task: SyncTask) => {
    const current = earliest.get(dep);
    if (!current || earlier(task, current)) earliest.set(dep, task);
  };
  for (const task of tasks) {
    if (task.ref.namespace) note(`ns:${task.ref.namespace}`, task);
    note(`gk:${task.ref.group}/${task.ref.kind}`, task);
  }
  for (const task of tasks) {
    const spec = task.target?.['spec'] as { group?: unknown; names?: { kind?: unknown } } | undefined;
    const dep = task.ref.group === '' && task.ref.kind === 'Namespace' ? `ns:${task.ref.name}`
      : task.ref.kind === 'CustomResourceDefinition' && typeof spec?.group === 'string' && typeof spec.names?.kind === 'string'
        ? `gk:${spec.group}/${spec.names.kind}` : undefined;
    const first = dep === undefined ? undefined : earliest.get(dep);
    if (first && earlier(first, task)) {
      task.reason = `moved from ${task.phase} wave ${task.wave} to ${first.phase} wave ${first.wave}: ${refKey(first.ref)} needs it`;
      task.phase = first.phase;
      task.wave = first.wave;
    }
  }
}

/** Why a stale object must not be deleted, or undefined when it may be. */
function pruneBlocker(live: KubeObject | undefined, app: string, confirmed: boolean): string | undefined {
  if (!live) return undefined;
  const prune = resourceSyncOptions(live).prune;
  if (prune === false) return 'Prune=false is set on the resource';
  if (prune === 'confirm' && !confirmed) return 'Prune=confirm is set on the resource: sync with the prune confirmed (flotilla app sync NAME --prune --confirm) to delete it';
  if (!isTrackedBy(live, app)) return `the live object is not tracked by app ${app}`;
  return undefined;
}

/** Plans a sync: apply tasks for desired objects, prune tasks for stale ones, and the destination namespace. */
export function planSync(input: PlanInput): PlanResult {
  const result: PlanResult = { tasks: [], requiresPruning: [], skipped: [], errors: [] };
  const desiredKeys = new Set<string>();
  const applies: SyncTask[] = [];
  for (const target of input.desired) {
    const ref = refOf(target);
    const key = refKey(ref);
    desiredKeys.add(key);
    const wave = parseSyncWave(target);
    const phases = phasesOf(target);
    if (!wave.ok) {
      result.errors.push({ ref: key, message: wave.error });
      continue;
    }
    if ('error' in phases) {
      result.errors.push({ ref: key, message: phases.error });
      continue;
    }
    if ('skip' in phases) {
      result.skipped.push({ ref, reason: phases.skip });
      continue;
    }
    const live = input.live.get(key);
    for (const phase of phases.phases) {
      applies.push({ ref, phase, wave: wave.value, action: 'apply', target, ...(live ? { live } : {}) });
    }
  }
  pullDependenciesForward(applies);
  result.tasks.push(...applies);

  const ns = input.createNamespace;
  if (ns) {
    const nsRef: ObjectRef = { group: '', version: 'v1', kind: 'Namespace', name: ns };
    const nsKey = refKey(nsRef);
    if (!desiredKeys.has(nsKey) && !input.live.get(nsKey)) {
      const wave = Math.min(0, ...applies.filter((task) => task.phase === 'PreSync').map((task) => task.wave));
      const target: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
      result.tasks.push({ ref: nsRef, phase: 'PreSync', wave, action: 'create-namespace', target });
    }
  }

  const candidates = new Map<string, ObjectRef>();
  for (const ref of input.inventory) candidates.set(refKey(ref), ref);
  for (const live of input.live.values()) {
    // Hook instances carry the tracking annotation but are never part of the app's inventory.
    if (live && isTrackedBy(live, input.app) && !isHookObject(live)) candidates.set(refKey(refOf(live)), refOf(live));
  }
  for (const [key, ref] of candidates) {
    if (desiredKeys.has(key)) continue;
    const live = input.live.get(key);
    if (input.live.has(key) && !live) continue;
    const blocker = pruneBlocker(live, input.app, input.pruneConfirmed === true);
    const note = blocker ?? (live ? undefined : 'live state was not provided: check ownership before deleting');
    if (!input.prune) {
      if (!blocker) result.requiresPruning.push(ref);
      continue;
    }
    const wave = live ? parseSyncWave(live) : undefined;
    result.tasks.push({
      ref, phase: 'Sync', wave: wave?.ok ? wave.value : 0, action: blocker ? 'skip-prune' : 'prune',
      ...(live ? { live } : {}), ...(note ? { reason: note } : {}),
    });
  }
  result.tasks.sort(compareTasks);
  result.requiresPruning.sort((a, b) => compareText(refKey(a), refKey(b)));
  return result;
}
