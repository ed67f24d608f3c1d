// A dry run (`app sync --dry-run`): the run is planned as a real one, nothing is written, and each
// task answers what the sync would do with it, as Argo CD's dry run reports `configured (dry run)`:
// an object compared Synced is `unchanged` (Flotilla never re-applies one, ApplyOutOfSyncOnly), one
// that exists is `configured (dry run)`, one that does not is `created (dry run)`, a prune is
// `pruned (dry run)`, a hook `created (dry run)`. The message names only what would change. The one
// read it makes is whether the destination namespace exists (CreateNamespace), by a GET.
import type { Kube } from './kube.ts';
import type { OperationRun, RunTask } from './operation.ts';
import type { PlannedObject } from './run-plan.ts';
import { refKey, refOf } from './objects.ts';
import type { Compared } from './status.ts';

/** How many changed tasks the message names before it ends with `…`. */
const NAMED = 10;

/** refKeys of the objects compared Synced, when the run applies the bundle they were compared against (else none is known). */
export function syncedKeys(compared: readonly Compared[], sameBundle: boolean): Set<string> {
  return new Set(sameBundle ? compared.filter((c) => c.status === 'Synced').map((c) => refKey(refOf(c.target))) : []);
}

/** What the dry run knows of the cluster. */
export interface DryRunFacts {
  /** refKeys compared Synced (syncedKeys). */
  synced: ReadonlySet<string>;
  /** Task ids of namespace tasks whose namespace exists. */
  existingNamespaces: ReadonlySet<string>;
  /** The application sets managedNamespaceMetadata: an existing namespace would still be written. */
  managedNamespaceMetadata: boolean;
}

/** What a sync would do with one task: a verb (undefined: nothing would change) and the task's result (pure). */
export function dryRunTask(task: RunTask, planned: PlannedObject | undefined, facts: DryRunFacts): { verb?: string; result: string } {
  switch (task.kind) {
    case 'apply':
      if (facts.synced.has(task.key)) return { result: 'unchanged' };
      return planned?.live ? { verb: 'configure', result: 'configured (dry run)' } : { verb: 'create', result: 'created (dry run)' };
    case 'prune':
      return { verb: 'prune', result: 'pruned (dry run)' };
    case 'namespace':
      if (!facts.existingNamespaces.has(task.id)) return { verb: 'create', result: 'created (dry run)' };
      return facts.managedNamespaceMetadata ? { verb: 'configure', result: 'configured (dry run)' } : { result: 'unchanged' };
    case 'hook':
      return { verb: 'run hook', result: 'created (dry run)' };
  }
}

/** The dry run's outcome (pure): every Pending task settled with what the sync would do, the run Succeeded with a message naming the changes. */
export function dryRunOutcome(run: OperationRun, objects: ReadonlyMap<string, PlannedObject>, facts: DryRunFacts, now: string): OperationRun {
  const changes: string[] = [];
  const tasks = run.tasks.map((task): RunTask => {
    // A task the plan skipped (Prune=false, a prune not requested) stays as planned, with its reason.
    if (task.status !== 'Pending') return task;
    const { verb, result } = dryRunTask(task, objects.get(task.id), facts);
    if (verb) changes.push(`${verb} ${task.key}`);
    return { ...task, status: 'Succeeded', result, startedAt: now, finishedAt: now };
  });
  const unchanged = tasks.filter((t) => t.result === 'unchanged').length;
  const named = changes.length ? `: ${changes.slice(0, NAMED).join(', ')}${changes.length > NAMED ? ', …' : ''}` : '';
  const message = `dry run: ${changes.length} change(s), ${unchanged} unchanged, nothing written${named}`;
  return { ...run, tasks, phase: 'Succeeded', message, finishedAt: now };
}

/** Runs a dry run: reads whether the namespace of each namespace task exists, then answers dryRunOutcome. */
export async function dryRun(run: OperationRun, objects: ReadonlyMap<string, PlannedObject>, io: { kube: Pick<Kube, 'get'>; synced: ReadonlySet<string>; managedNamespaceMetadata: boolean; now: string }): Promise<OperationRun> {
  const existingNamespaces = new Set<string>();
  await Promise.all(run.tasks.filter((t) => t.kind === 'namespace' && t.status === 'Pending').map(async (t) => {
    const name = objects.get(t.id)?.target?.metadata.name;
    if (name && await io.kube.get({ apiVersion: 'v1', kind: 'Namespace', name }).catch(() => undefined)) existingNamespaces.add(t.id);
  }));
  return dryRunOutcome(run, objects, { synced: io.synced, existingNamespaces, managedNamespaceMetadata: io.managedNamespaceMetadata }, io.now);
}
