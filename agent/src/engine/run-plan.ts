// The tasks of a new operation run (pure): the resources' applies and prunes as planSync orders
// them, the destination namespace, and the hooks of each phase with their instance names. Each
// task gets an id that stays the same when the run is planned again from the same bundle (after a
// restart, to find the objects of the stored tasks). A sync of selected resources (`--resource`)
// plans only those and runs no hooks, as Argo CD. PruneLast (the application's option, or the
// live resource's annotation) moves a prune after the last wave.
import type { HookObject } from './hooks.ts';
import { hookTasks, type HookTask } from './hook-phases.ts';
import { refKey, type KubeObject, type ObjectRef } from './objects.ts';
import type { RunTask, TaskKind } from './operation.ts';
import { planSync, type SyncTask } from './plan.ts';
import { resourceSyncOptions } from './sync-options.ts';

/** What a run's tasks are planned from. */
export interface RunPlanInput {
  app: string;
  operationId: string;
  /** The bundle's resources, prepared (hooks left out), and its hooks. */
  resources: KubeObject[];
  hooks: HookObject[];
  /** Live objects by refKey (undefined: known to be absent). */
  live: Map<string, KubeObject | undefined>;
  inventory: ObjectRef[];
  prune: boolean;
  /** The operation confirms the prunes of Prune=confirm resources. */
  pruneConfirmed?: boolean;
  pruneLast?: boolean;
  createNamespace?: string;
  /** Only these resources. */
  only?: { group: string; kind: string; name: string; namespace?: string }[];
}

/** The object behind a task. */
export interface PlannedObject {
  kind: TaskKind;
  target?: KubeObject;
  live?: KubeObject;
  hook?: HookTask;
}

/** A planned run: its tasks (Pending, or Skipped with the reason), their objects by task id, and what could not be planned. */
export interface RunPlan {
  tasks: RunTask[];
  objects: Map<string, PlannedObject>;
  errors: { ref: string; message: string }[];
}

const KIND_OF: Record<SyncTask['action'], TaskKind> = { apply: 'apply', prune: 'prune', 'skip-prune': 'prune', 'create-namespace': 'namespace' };

/** Plans a run's tasks. */
export function planRun(input: RunPlanInput): RunPlan {
  const plan = planSync({ desired: input.resources, live: input.live, inventory: input.inventory, prune: input.prune, app: input.app, ...(input.pruneConfirmed ? { pruneConfirmed: true } : {}), ...(input.createNamespace ? { createNamespace: input.createNamespace } : {}) });
  const selected = input.only?.length ? (ref: ObjectRef) => input.only!.some((o) => o.group === ref.group && o.kind === ref.kind && o.name === ref.name && (o.namespace === undefined || o.namespace === (ref.namespace ?? ''))) : undefined;
  const syncTasks = plan.tasks.filter((t) => !selected || t.action === 'create-namespace' || selected(t.ref));
  const lastWave = Math.max(0, ...syncTasks.filter((t) => t.action === 'apply').map((t) => t.wave));
  const tasks: RunTask[] = [];
  const objects = new Map<string, PlannedObject>();
  for (const t of syncTasks) {
    const kind = KIND_OF[t.action];
    const key = refKey(t.ref);
    const last = kind === 'prune' && (input.pruneLast || (t.live ? resourceSyncOptions(t.live).pruneLast === true : false));
    const wave = last ? lastWave + 1 : t.wave;
    const id = `${t.phase}/${wave}/${kind}/${key}`;
    tasks.push({ id, phase: t.phase, wave, kind, key, status: t.action === 'skip-prune' ? 'Skipped' : 'Pending', ...(t.action === 'skip-prune' ? { message: t.reason ?? 'not pruned' } : {}) });
    objects.set(id, { kind, ...(t.target ? { target: t.target } : {}), ...(t.live ? { live: t.live } : {}) });
  }
  if (!selected) {
    for (const hook of hookTasks(input.hooks, input.operationId)) {
      const id = `${hook.phase}/${hook.wave}/hook/${hook.key}`;
      tasks.push({ id, phase: hook.phase, wave: hook.wave, kind: 'hook', key: hook.key, status: 'Pending' });
      objects.set(id, { kind: 'hook', target: hook.object, hook });
    }
  }
  return { tasks, objects, errors: plan.errors };
}
