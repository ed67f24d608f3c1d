// Deleting an application as durable data, and the pure steps that move it on (the I/O is in
// app-deletion.ts). A cascade deletion goes, as Argo CD's finalizeApplicationDeletion does
// (argo-cd controller/appcontroller.go and controller/hook.go):
//   1. DeletingResources: every resource of the inventory is deleted, and waited for until gone.
//   2. PostDelete: then the PostDelete hooks (argocd.argoproj.io/hook: PostDelete, helm.sh/hook:
//      post-delete) are created, all at once as Argo CD creates them, and waited for: a Job until it
//      completes, a Pod by its phase, as other hooks (hooks.ts hookProgress). Each is deleted as its
//      delete policy says once it ends (HookSucceeded, HookFailed; BeforeHookCreation, the default,
//      leaves it until one is created again, so Argo CD's own e2e test finds its PostDelete Pod after
//      the application is gone).
//   3. A failed hook keeps the application in deletion: a DeletionError condition names it, and the
//      hooks that failed run again after a backoff (5 s doubling to 3 min, Argo CD's retry defaults),
//      from the bundle the assignment names then (a fix pushed to Git is picked up). Argo CD deletes a
//      failed hook and creates it again on its next pass; here the failed instance stays readable
//      (logs) until the retry replaces it. A hook that succeeded is never run again.
//   4. Cleanup: the hooks the policy deletes are waited for until gone; then the deletion is done and
//      the hub is told. The run is kept (Deleted) until the hub drops the assignment, so a restart
//      before the hub heard of it answers again instead of running the hooks a second time.
// A deletion without cascade goes the same way but for step 1: the resources are left as they are
// (Argo CD removes only the resources finalizer then; the post-delete finalizer stays, so the hooks
// still run). The hub sends one only to an agent that names NON_CASCADE_HOOKS_FEATURE.
// Every step is stored before what it starts is created, so an agent restarted at any point carries
// on: an instance this attempt created is observed, never created twice (hook-phases.ts stamps).
import type { HookProgress } from './hooks.ts';
import { HOOK_OPERATION_ANNOTATION, hookCreation, type HookCreation, type HookTask } from './hook-phases.ts';
import type { KubeObject } from './objects.ts';
import { backoffMs } from './retry.ts';

/** Where a deletion is. */
export type DeletionPhase = 'DeletingResources' | 'PostDelete' | 'Cleanup' | 'Deleted';

/** One PostDelete hook of a deletion. `id` is the hook as the bundle names it; `key` its instance of `attempt`. */
export interface DeletionHookTask {
  id: string;
  key: string;
  wave: number;
  attempt: number;
  status: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

/** An application's deletion, as stored. */
export interface DeletionRun {
  kind: 'delete';
  id: string;
  app: string;
  phase: DeletionPhase;
  /** False for a deletion without cascade: its DeletingResources step deletes nothing (absent: cascade). */
  cascade?: false;
  /** The bundle the hooks of this attempt come from (kept by the bundle cache while named here). */
  bundle: string | null;
  startedAt: string;
  /** The attempt at the hooks, from 0; a retry adds one. */
  attempt: number;
  /** When the failed hooks run again. */
  retryAt?: string;
  tasks: DeletionHookTask[];
  message: string;
  finishedAt?: string;
}

/** What the executor does for one hook. */
export type DeletionAction = { do: 'create-hook'; task: string } | { do: 'delete-hook'; task: string; outcome: 'Succeeded' | 'Failed' };

/** What `advanceDeletion` answers: the run updated, the actions to take, and why it waits. */
export interface DeletionStep {
  run: DeletionRun;
  actions: DeletionAction[];
  waiting?: string;
}

/** A new deletion, deleting the resources first (without cascade: leaving them, then on to the hooks). */
export function startDeletion(app: string, now: string, cascade = true): DeletionRun {
  const run: DeletionRun = { kind: 'delete', id: `delete-${app}-${Date.parse(now).toString(36)}`, app, phase: 'DeletingResources', bundle: null, startedAt: now, attempt: 0, tasks: [], message: cascade ? 'deleting the resources' : 'leaving the resources in place' };
  return cascade ? run : { ...run, cascade: false };
}

/** The operation id the hooks of this attempt are named and stamped with. */
export function hookOperationOf(run: DeletionRun): string {
  return `${run.id}-${run.attempt}`;
}

/**
 * The run with its hooks planned for the current attempt: a hook that succeeded in an earlier attempt
 * keeps its result (never run again), every other one is Pending with this attempt's instance. No hooks:
 * straight to Cleanup (nothing to wait for).
 */
export function planPostDelete(run: DeletionRun, bundle: string | null, hooks: readonly HookTask<'PostDelete'>[]): DeletionRun {
  const done = new Map(run.tasks.filter((t) => t.status === 'Succeeded').map((t) => [t.id, t]));
  const tasks = hooks.map((h): DeletionHookTask => done.get(h.source) ?? { id: h.source, key: h.key, wave: h.wave, attempt: run.attempt, status: 'Pending' });
  const next: DeletionRun = { ...run, bundle, tasks, phase: tasks.every((t) => t.status === 'Succeeded') ? 'Cleanup' : 'PostDelete', message: tasks.length ? `running ${tasks.length} PostDelete hook(s)` : 'no PostDelete hooks' };
  delete next.retryAt;
  return next;
}

/** Whether a failed attempt's retry is due. */
export function isRetryDue(run: DeletionRun, nowMs: number): boolean {
  return run.phase === 'PostDelete' && run.retryAt !== undefined && Date.parse(run.retryAt) <= nowMs;
}

/** The run made ready for its next attempt (planPostDelete then plans it from the bundle of the day). */
export function nextAttempt(run: DeletionRun): DeletionRun {
  return { ...run, attempt: run.attempt + 1 };
}

/**
 * Moves the hooks on: settles Running ones from what was seen (and asks for their deletion by policy),
 * creates the Pending ones, waits for the running ones; when all ended, the deletion goes on to
 * Cleanup, or, when one failed, waits for its retry with a message naming the failed hooks.
 */
export function advanceDeletion(run: DeletionRun, observed: Readonly<Record<string, HookProgress>>, now: string): DeletionStep {
  if (run.phase !== 'PostDelete' || run.retryAt !== undefined) return { run, actions: [] };
  const next: DeletionRun = { ...run, tasks: run.tasks.map((t) => ({ ...t })) };
  const actions: DeletionAction[] = [];
  for (const task of next.tasks) {
    const seen = observed[task.id];
    if (task.status !== 'Running' || !seen || seen.progress === 'Running') continue;
    Object.assign(task, { status: seen.progress, message: seen.message, finishedAt: now });
    actions.push({ do: 'delete-hook', task: task.id, outcome: seen.progress });
  }
  const pending = next.tasks.filter((t) => t.status === 'Pending');
  if (pending.length) return { run: next, actions: [...actions, ...pending.map((t) => ({ do: 'create-hook' as const, task: t.id }))] };
  const running = next.tasks.filter((t) => t.status === 'Running');
  if (running.length) return { run: next, actions, waiting: `waiting for ${running.length} PostDelete hook(s): ${running.slice(0, 5).map((t) => `${t.key} (${t.message ?? 'running'})`).join(', ')}` };
  const failed = next.tasks.filter((t) => t.status === 'Failed');
  if (!failed.length) return { run: { ...next, phase: 'Cleanup', message: `${next.tasks.length} PostDelete hook(s) succeeded` }, actions };
  const afterMs = backoffMs({}, next.attempt + 1);
  const message = `PostDelete hook(s) failed: ${failed.slice(0, 3).map((t) => `${t.key}: ${t.message ?? 'failed'}`).join('; ')}${failed.length > 3 ? `; and ${failed.length - 3} more` : ''}; running again in ${Math.round(afterMs / 1000)} s (attempt ${next.attempt + 2}); the application stays until its PostDelete hooks succeed`;
  return { run: { ...next, message, retryAt: new Date(Date.parse(now) + afterMs).toISOString() }, actions };
}

/** Records what creating a hook did: Running (created, or found created by this attempt), or Failed with the API's message. */
export function recordCreation(run: DeletionRun, taskId: string, outcome: { ok: true } | { ok: false; message: string }, now: string): DeletionRun {
  return {
    ...run,
    tasks: run.tasks.map((t) => {
      if (t.id !== taskId) return t;
      return outcome.ok ? { ...t, status: 'Running', startedAt: t.startedAt ?? now, message: 'created' } : { ...t, status: 'Failed', message: outcome.message, startedAt: t.startedAt ?? now, finishedAt: now };
    }),
  };
}

/**
 * What to do as a deletion's hook starts, given what its name finds live: hookCreation's answer, except
 * that an instance an earlier attempt of this deletion left (it failed, or ended the other way its
 * policy deletes) is deleted and created afresh, whatever the policy, so the retry runs the hook again
 * (Argo CD deletes a failed PostDelete hook for that reason).
 */
export function deletionHookCreation(task: HookTask<'PostDelete'>, live: KubeObject | undefined, run: DeletionRun): HookCreation {
  const how = hookCreation(task, live);
  const stamp = live?.metadata.annotations?.[HOOK_OPERATION_ANNOTATION];
  if (how === 'apply' && stamp !== undefined && stamp.startsWith(`${run.id}-`)) return 'recreate';
  return how;
}

/** The deletion finished: told to the hub, kept until the hub drops the assignment; it names no bundle any more (none is read again). */
export function finishDeletion(run: DeletionRun, now: string): DeletionRun {
  const hooks = run.tasks.length;
  const what = run.cascade === false ? 'deleted without cascade; its resources are left in place' : 'deleted';
  return { ...run, phase: 'Deleted', bundle: null, finishedAt: now, message: hooks ? `${what}; ${hooks} PostDelete hook(s) succeeded` : what };
}
