// A sync operation as durable data, and the pure step that moves it on (STYLE §3: decide, then
// act). An operation run holds its tasks (what to apply, prune or run as a hook, by phase and
// wave) and each task's status; `advance` looks at the run and what was observed of the cluster
// and answers the run updated plus the actions to take now. The executor (sync-run.ts) takes the
// actions, records each outcome with `recordOutcome`, stores the run durably and calls `advance`
// again, at once when actions were taken, or when a watch event or a timer comes. So a run is
// re-entrant: an agent restarted between waves finds the run as it was stored, and a task that
// finished (a hook that ran) is never run again.
//
// Order, as Argo CD: PreSync, then Sync, then PostSync, each by wave; SyncFail only once the run
// failed. A group (one phase and wave) starts when every earlier group is done. An applied
// resource is done when it is Healthy, but only when a later group waits for it (the last group
// is not waited for, and an operation ends once it is applied, as Argo CD's does); a Degraded one
// fails the run. A hook is done when it completed (Job, Pod, ...); a failed hook fails the run.
import type { RetryStrategy } from './retry.ts';

/** The phases of a run, in order; SyncFail runs only after a failure. */
export type RunPhaseName = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';
/** Where an operation is: Argo CD's operation phases. */
export type OperationPhase = 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating';
/** What a task does. */
export type TaskKind = 'apply' | 'prune' | 'hook' | 'namespace';
/** Where a task is. */
export type TaskStatus = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Skipped';

/** One task of a run. `key` is the object's refKey (a hook's: of its instance name). */
export interface RunTask {
  id: string;
  phase: RunPhaseName;
  wave: number;
  kind: TaskKind;
  key: string;
  status: TaskStatus;
  /** What the step did, for the ChangeSet: created, configured, unchanged, pruned, ... */
  result?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

/** One operation run, as stored. */
export interface OperationRun {
  id: string;
  app: string;
  kind: 'sync' | 'rollback';
  /** A user (from the hub) or `automated`. */
  initiatedBy: string;
  /** The bundle this run applies (a rollback's or an older revision's may differ from the assignment's). */
  bundle: string;
  revision: string | null;
  prune: boolean;
  dryRun: boolean;
  syncOptions: string[];
  /** Only these resources (`app sync --resource`); all when absent. */
  resources?: { group: string; kind: string; name: string; namespace?: string }[];
  phase: OperationPhase;
  message: string;
  startedAt: string;
  finishedAt?: string;
  tasks: RunTask[];
  /** The run failed and runs its SyncFail hooks now. */
  failing: boolean;
  /** The attempt this is, from 0 (retries add one). */
  attempt: number;
  /** When the next attempt starts (a failed attempt with retries left). */
  retryAt?: string;
  /** The operation's own retry strategy (`app sync --retry-limit`), used instead of syncPolicy.retry. */
  retry?: RetryStrategy;
  /** Why it started: an operation from the hub, a new target, or self-heal. */
  reason?: 'operation' | 'new target' | 'self-heal';
}

/** What was seen of a task's object since the last step (only Running tasks are asked about). */
export interface Observation {
  /** An applied resource's health (undefined: the kind has no health check, so it counts as Healthy). */
  health?: { status: string; message?: string };
  /** A hook's progress. */
  hook?: { progress: 'Running' | 'Succeeded' | 'Failed'; message: string };
}

/** An action the executor takes. */
export type RunAction = { do: 'apply' | 'prune' | 'create-hook'; task: string } | { do: 'delete-hook'; task: string; outcome: 'Succeeded' | 'Failed' };

/** What `advance` answers. */
export interface Step {
  run: OperationRun;
  actions: RunAction[];
  /** Why the run waits, when it waits (no actions, not finished). */
  waiting?: string;
}

const PHASE_ORDER: Record<RunPhaseName, number> = { PreSync: 0, Sync: 1, PostSync: 2, SyncFail: 3 };
const TERMINAL = new Set<TaskStatus>(['Succeeded', 'Failed', 'Skipped']);

/** Tasks grouped by phase and wave, in the order they run. */
export function groupsOf(tasks: readonly RunTask[]): RunTask[][] {
  const groups = new Map<string, RunTask[]>();
  const sorted = [...tasks].sort((a, b) => PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase] || a.wave - b.wave);
  for (const task of sorted) {
    const id = `${task.phase}/${task.wave}`;
    const group = groups.get(id) ?? [];
    group.push(task);
    groups.set(id, group);
  }
  return [...groups.values()];
}

/** Moves a run on: settles Running tasks from observations, then starts the next group or finishes. */
export function advance(run: OperationRun, observed: Readonly<Record<string, Observation>>, now: string): Step {
  if (run.phase !== 'Running') return { run, actions: [] };
  const next: OperationRun = { ...run, tasks: run.tasks.map((t) => ({ ...t })) };
  const actions: RunAction[] = [];
  for (const task of next.tasks) {
    if (task.status !== 'Running') continue;
    const seen = observed[task.id];
    if (task.kind === 'hook') {
      if (seen?.hook && seen.hook.progress !== 'Running') {
        settle(task, seen.hook.progress, seen.hook.message, now);
        actions.push({ do: 'delete-hook', task: task.id, outcome: seen.hook.progress });
      }
    } else if (task.kind === 'apply') {
      const health = seen?.health;
      if (!health || health.status === 'Healthy') settle(task, 'Succeeded', task.message, now);
      else if (health.status === 'Degraded') settle(task, 'Failed', `${task.key} is Degraded${health.message ? `: ${health.message}` : ''}`, now);
    }
  }
  if (!next.failing && next.tasks.some((t) => t.status === 'Failed' && t.phase !== 'SyncFail')) {
    next.failing = true;
    for (const task of next.tasks) if (task.status === 'Pending' && task.phase !== 'SyncFail') Object.assign(task, { status: 'Skipped', message: 'not run: the operation failed' });
  }
  const groups = groupsOf(next.tasks.filter((t) => (next.failing ? t.phase === 'SyncFail' : t.phase !== 'SyncFail')));
  for (const group of groups) {
    if (group.every((t) => TERMINAL.has(t.status))) continue;
    const pending = group.filter((t) => t.status === 'Pending');
    if (pending.length) {
      for (const task of pending) actions.push({ do: task.kind === 'hook' ? 'create-hook' : task.kind === 'prune' ? 'prune' : 'apply', task: task.id });
      return { run: next, actions };
    }
    const running = group.filter((t) => t.status === 'Running');
    return { run: next, actions, waiting: `waiting for ${describeGroup(group[0]!)}: ${running.map((t) => `${t.key} (${t.kind === 'hook' ? 'hook running' : 'not Healthy yet'})`).slice(0, 5).join(', ')}` };
  }
  // Whatever still runs is no longer waited for: an applied resource stays applied; a hook is abandoned.
  for (const task of next.tasks) {
    if (task.status === 'Running') settle(task, task.kind === 'hook' ? 'Failed' : 'Succeeded', task.kind === 'hook' ? 'not waited for: the operation failed' : task.message, now);
  }
  const failure = next.tasks.find((t) => t.status === 'Failed' && t.phase !== 'SyncFail');
  next.phase = failure ? 'Failed' : 'Succeeded';
  next.message = failure ? failureMessage(next) : successMessage(next);
  next.finishedAt = now;
  return { run: next, actions };
}

/** Records what the executor's action did; `needsHealth`: an applied resource waits for health (a later group exists). */
export function recordOutcome(run: OperationRun, taskId: string, outcome: { ok: true; result?: string; message?: string } | { ok: false; message: string }, now: string): OperationRun {
  const tasks = run.tasks.map((t) => ({ ...t }));
  const task = tasks.find((t) => t.id === taskId);
  if (!task) return run;
  task.startedAt ??= now;
  if (!outcome.ok) {
    settle(task, 'Failed', outcome.message, now);
    return { ...run, tasks };
  }
  if (outcome.result) task.result = outcome.result;
  if (outcome.message) task.message = outcome.message;
  const later = (task.kind === 'apply' && laterGroupExists(run, task)) || task.kind === 'hook';
  if (later) task.status = 'Running';
  else settle(task, 'Succeeded', task.message, now);
  return { ...run, tasks };
}

/** Ends a run at the user's request (Argo CD's terminate-op); its running hooks are left as they are. */
export function terminate(run: OperationRun, now: string): OperationRun {
  if (run.phase !== 'Running') return run;
  return { ...run, phase: 'Failed', message: 'operation terminated', finishedAt: now, retryAt: undefined };
}

/** A run's tasks as Argo CD's per-resource sync results, for the status (`operationState.result`). */
export function changeSetOf(run: OperationRun): { revision?: string; resources: { key: string; phase: RunPhaseName; wave: number; kind: TaskKind; status: TaskStatus; result?: string; message?: string }[]; waves: { phase: RunPhaseName; wave: number; startedAt?: string; finishedAt?: string }[] } {
  return {
    // The revision the run applies (Argo CD's syncResult.revision): an older one for `sync --revision` or a rollback.
    ...(run.revision ? { revision: run.revision } : {}),
    resources: run.tasks.map((t) => ({ key: t.key, phase: t.phase, wave: t.wave, kind: t.kind, status: t.status, ...(t.result ? { result: t.result } : {}), ...(t.message ? { message: t.message } : {}) })),
    waves: groupsOf(run.tasks).map((group) => {
      const started = group.map((t) => t.startedAt).filter((s): s is string => s !== undefined).sort();
      const done = group.every((t) => TERMINAL.has(t.status));
      const finished = group.map((t) => t.finishedAt).filter((s): s is string => s !== undefined).sort();
      return { phase: group[0]!.phase, wave: group[0]!.wave, ...(started[0] ? { startedAt: started[0] } : {}), ...(done && finished.length ? { finishedAt: finished.at(-1)! } : {}) };
    }),
  };
}

function settle(task: RunTask, status: 'Succeeded' | 'Failed', message: string | undefined, now: string): void {
  task.status = status;
  if (message !== undefined) task.message = message;
  task.startedAt ??= now;
  task.finishedAt = now;
}

function laterGroupExists(run: OperationRun, task: RunTask): boolean {
  return run.tasks.some((t) => t.phase !== 'SyncFail' && (PHASE_ORDER[t.phase] > PHASE_ORDER[task.phase] || (t.phase === task.phase && t.wave > task.wave)));
}

function describeGroup(task: RunTask): string {
  return task.phase === 'Sync' ? `wave ${task.wave}` : `${task.phase} wave ${task.wave}`;
}

function failureMessage(run: OperationRun): string {
  const failed = run.tasks.filter((t) => t.status === 'Failed' && t.phase !== 'SyncFail');
  const hooks = run.tasks.filter((t) => t.phase === 'SyncFail');
  const first = failed.slice(0, 3).map((t) => `${t.key}: ${t.message ?? 'failed'}`).join('; ');
  const syncFail = hooks.length ? ` (SyncFail hooks: ${hooks.filter((t) => t.status === 'Succeeded').length}/${hooks.length} succeeded)` : '';
  return `one or more tasks failed: ${first}${failed.length > 3 ? `; and ${failed.length - 3} more` : ''}${syncFail}`;
}

function successMessage(run: OperationRun): string {
  const count = (predicate: (t: RunTask) => boolean) => run.tasks.filter(predicate).length;
  const applied = count((t) => t.kind === 'apply' && t.result !== 'unchanged');
  const unchanged = count((t) => t.kind === 'apply' && t.result === 'unchanged');
  const pruned = count((t) => t.kind === 'prune' && t.result === 'pruned');
  const hooks = count((t) => t.kind === 'hook');
  return `successfully synced (${applied} applied, ${pruned} pruned, ${unchanged} unchanged${hooks ? `, ${hooks} hook(s) run` : ''})`;
}
