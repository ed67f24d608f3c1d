// Table-driven tests for post-delete.ts: planning a deletion's PostDelete hooks (a hook that succeeded
// in an earlier attempt is never run again), moving them on from what was seen, retries with backoff
// after a failure, what a hook's name finds live, and a deletion with or without cascade.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HOOK_OPERATION_ANNOTATION, postDeleteTasks } from './hook-phases.ts';
import { splitHooks, type HookProgress } from './hooks.ts';
import type { KubeObject } from './objects.ts';
import {
  advanceDeletion, deletionHookCreation, finishDeletion, hookOperationOf, isRetryDue, nextAttempt, planPostDelete, recordCreation, startDeletion,
  type DeletionHookTask, type DeletionRun,
} from './post-delete.ts';
import { HOOK_ANNOTATION, HOOK_DELETE_POLICY_ANNOTATION } from './sync-options.ts';

const NOW = '2026-12-02T10:00:00.000Z';
const LATER = '2026-12-02T10:00:03.000Z';

/** A Job hook; `name` ending in '-' is a generateName. */
function job(name: string, annotations: Record<string, string> = { [HOOK_ANNOTATION]: 'PostDelete' }): KubeObject {
  const naming = name.endsWith('-') ? { generateName: name } : { name };
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { ...naming, namespace: 'shop', annotations } as KubeObject['metadata'] };
}

function hooksOf(objects: KubeObject[]) {
  const split = splitHooks(objects);
  assert.deepEqual(split.errors, []);
  return split.hooks;
}

/** A run in PostDelete with these tasks. */
function runWith(tasks: Partial<DeletionHookTask>[], extra: Partial<DeletionRun> = {}): DeletionRun {
  return {
    ...startDeletion('shop', NOW), phase: 'PostDelete', bundle: 'b1',
    tasks: tasks.map((t, i) => ({ id: `batch/Job/shop/h${i}`, key: `batch/Job/shop/h${i}`, wave: 0, attempt: 0, status: 'Pending', ...t })),
    ...extra,
  };
}

describe('planPostDelete', () => {
  const hooks = hooksOf([job('cleanup'), job('notify-'), job('sync-only', { [HOOK_ANNOTATION]: 'PostSync' })]);

  it('no PostDelete hooks: straight to Cleanup', () => {
    const run = planPostDelete(startDeletion('shop', NOW), 'b1', []);
    assert.equal(run.phase, 'Cleanup');
    assert.equal(run.bundle, 'b1');
  });

  it('plans every PostDelete hook (and no other) Pending, for the first attempt', () => {
    const start = startDeletion('shop', NOW);
    const run = planPostDelete(start, 'b1', postDeleteTasks(hooks, hookOperationOf(start)));
    assert.equal(run.phase, 'PostDelete');
    assert.deepEqual(run.tasks.map((t) => [t.id, t.status, t.attempt]), [['batch/Job/shop/cleanup', 'Pending', 0], ['batch/Job/shop/notify-*', 'Pending', 0]]);
  });

  it('a retry keeps the hook that succeeded and plans the failed one afresh, a generateName one under a new name', () => {
    const start = startDeletion('shop', NOW);
    const first = planPostDelete(start, 'b1', postDeleteTasks(hooks, hookOperationOf(start)));
    const ended: DeletionRun = { ...first, tasks: first.tasks.map((t) => ({ ...t, status: t.id.endsWith('cleanup') ? 'Succeeded' : 'Failed' })) };
    const again = nextAttempt(ended);
    const second = planPostDelete(again, 'b2', postDeleteTasks(hooks, hookOperationOf(again)));
    const [cleanup, notify] = second.tasks;
    assert.deepEqual([cleanup!.status, cleanup!.attempt], ['Succeeded', 0]);
    assert.deepEqual([notify!.status, notify!.attempt], ['Pending', 1]);
    assert.notEqual(notify!.key, first.tasks[1]!.key, 'a new instance name for the new attempt');
    assert.equal(second.bundle, 'b2', 'the retry reads the bundle of the day (a fix pushed to Git)');
  });

  it('a hook removed from Git before the retry is dropped: the deletion can finish', () => {
    const run = planPostDelete(nextAttempt(runWith([{ id: 'batch/Job/shop/gone', status: 'Failed' }])), 'b2', []);
    assert.equal(run.phase, 'Cleanup');
  });
});

describe('advanceDeletion', () => {
  const running = (message = 'running'): HookProgress => ({ progress: 'Running', message });
  // case | tasks (status) | observed progress by task index | expected phase | actions | waiting | retry in ms
  const rows: [string, DeletionHookTask['status'][], (HookProgress | undefined)[], DeletionRun['phase'], string[], RegExp | undefined, number | undefined][] = [
    ['Pending hooks are all created at once (Argo CD creates them together)', ['Pending', 'Pending'], [], 'PostDelete', ['create-hook h0', 'create-hook h1'], undefined, undefined],
    ['a running hook is waited for', ['Running'], [running('Job is running')], 'PostDelete', [], /waiting for 1 PostDelete hook\(s\): batch\/Job\/shop\/h0/, undefined],
    ['a hook that completed: deleted by its policy, then Cleanup', ['Running'], [{ progress: 'Succeeded', message: 'done' }], 'Cleanup', ['delete-hook h0 Succeeded'], undefined, undefined],
    ['one done, one still running: wait', ['Running', 'Running'], [{ progress: 'Succeeded', message: 'done' }, running()], 'PostDelete', ['delete-hook h0 Succeeded'], /h1/, undefined],
    ['a failed hook: its policy, then a retry in 5 s', ['Running', 'Succeeded'], [{ progress: 'Failed', message: 'BackoffLimitExceeded' }], 'PostDelete', ['delete-hook h0 Failed'], undefined, 5000],
    ['a hook whose creation failed: a retry', ['Failed'], [], 'PostDelete', [], undefined, 5000],
    ['nothing seen of a running hook yet: wait', ['Running'], [undefined], 'PostDelete', [], /h0/, undefined],
  ];
  for (const [name, statuses, seen, phase, actions, waiting, retryMs] of rows) {
    it(name, () => {
      const run = runWith(statuses.map((status) => ({ status })));
      const observed: Record<string, HookProgress> = {};
      seen.forEach((p, i) => { if (p) observed[run.tasks[i]!.id] = p; });
      const step = advanceDeletion(run, observed, NOW);
      assert.equal(step.run.phase, phase);
      assert.deepEqual(step.actions.map((a) => `${a.do} ${a.task.split('/').at(-1)}${a.do === 'delete-hook' ? ` ${a.outcome}` : ''}`), actions);
      if (waiting) assert.match(step.waiting ?? '', waiting);
      else assert.equal(step.waiting, undefined);
      if (retryMs === undefined) assert.equal(step.run.retryAt, undefined);
      else assert.equal(Date.parse(step.run.retryAt!) - Date.parse(NOW), retryMs);
    });
  }

  it('the failure message names the failed hook and says it runs again', () => {
    const step = advanceDeletion(runWith([{ status: 'Running' }]), { 'batch/Job/shop/h0': { progress: 'Failed', message: 'Job has reached the specified backoff limit' } }, NOW);
    assert.match(step.run.message, /^PostDelete hook\(s\) failed: batch\/Job\/shop\/h0: Job has reached the specified backoff limit; running again in 5 s \(attempt 2\)/);
  });

  it('the backoff doubles with each attempt, up to 3 minutes', () => {
    const waitOf = (attempt: number) => Date.parse(advanceDeletion(runWith([{ status: 'Failed' }], { attempt }), {}, NOW).run.retryAt!) - Date.parse(NOW);
    assert.deepEqual([0, 1, 2, 10].map(waitOf), [5000, 10_000, 20_000, 180_000]);
  });

  it('a run waiting for its retry is left as it is until the retry is due', () => {
    const run = runWith([{ status: 'Failed' }], { retryAt: LATER });
    assert.deepEqual(advanceDeletion(run, {}, NOW), { run, actions: [] });
    assert.equal(isRetryDue(run, Date.parse(NOW)), false);
    assert.equal(isRetryDue(run, Date.parse(LATER)), true);
  });
});

describe('recordCreation', () => {
  it('a created hook runs; a refused one fails with the API message', () => {
    const run = runWith([{}, {}]);
    const ok = recordCreation(run, run.tasks[0]!.id, { ok: true }, NOW);
    assert.deepEqual([ok.tasks[0]!.status, ok.tasks[0]!.startedAt, ok.tasks[1]!.status], ['Running', NOW, 'Pending']);
    const refused = recordCreation(run, run.tasks[1]!.id, { ok: false, message: 'jobs.batch is forbidden' }, NOW);
    assert.deepEqual([refused.tasks[1]!.status, refused.tasks[1]!.message], ['Failed', 'jobs.batch is forbidden']);
  });
});

describe('deletionHookCreation', () => {
  const run = startDeletion('shop', NOW);
  const taskOf = (policy: string | undefined, attempt: number) => postDeleteTasks(hooksOf([job('cleanup', { [HOOK_ANNOTATION]: 'PostDelete', ...(policy ? { [HOOK_DELETE_POLICY_ANNOTATION]: policy } : {}) })]), hookOperationOf({ ...run, attempt }))[0]!;
  const live = (stamp?: string) => job('cleanup', stamp ? { [HOOK_OPERATION_ANNOTATION]: stamp } : {});
  // case | policy | attempt | live | expected
  const rows: [string, string | undefined, number, KubeObject | undefined, string][] = [
    ['nothing there: create', undefined, 0, undefined, 'create'],
    ['this attempt created it (a restart): observe, never twice', undefined, 0, live(`${run.id}-0/PostDelete`), 'observe'],
    ['an earlier attempt left it, HookSucceeded only: deleted and created again (the retry runs it)', 'HookSucceeded', 1, live(`${run.id}-0/PostDelete`), 'recreate'],
    ['an earlier attempt left it, BeforeHookCreation: recreate', undefined, 1, live(`${run.id}-0/PostDelete`), 'recreate'],
    ['someone else\'s, HookSucceeded only: applied over, as hookCreation says', 'HookSucceeded', 0, live('sync-1/PostSync'), 'apply'],
  ];
  for (const [name, policy, attempt, liveObject, expected] of rows) {
    it(name, () => assert.equal(deletionHookCreation(taskOf(policy, attempt), liveObject, { ...run, attempt }), expected));
  }
});

describe('startDeletion', () => {
  // cascade | stored cascade | message
  const rows: [boolean | undefined, false | undefined, string][] = [
    [undefined, undefined, 'deleting the resources'],
    [true, undefined, 'deleting the resources'],
    [false, false, 'leaving the resources in place'],
  ];
  for (const [cascade, stored, message] of rows) {
    it(`cascade ${String(cascade)}: ${message}`, () => {
      const run = cascade === undefined ? startDeletion('shop', NOW) : startDeletion('shop', NOW, cascade);
      assert.deepEqual([run.phase, run.cascade, run.message, run.tasks], ['DeletingResources', stored, message, []]);
      assert.equal('cascade' in run, stored !== undefined, 'a cascade run stores no flag (as runs stored before it existed)');
    });
  }
});

describe('finishDeletion', () => {
  // case | run | message
  const rows: [string, DeletionRun, string][] = [
    ['cascade, one hook', runWith([{ status: 'Succeeded' }], { phase: 'Cleanup' }), 'deleted; 1 PostDelete hook(s) succeeded'],
    ['cascade, no hook', runWith([], { phase: 'Cleanup' }), 'deleted'],
    ['without cascade, one hook', runWith([{ status: 'Succeeded' }], { phase: 'Cleanup', cascade: false }), 'deleted without cascade; its resources are left in place; 1 PostDelete hook(s) succeeded'],
    ['without cascade, no hook', runWith([], { phase: 'Cleanup', cascade: false }), 'deleted without cascade; its resources are left in place'],
  ];
  for (const [name, run, message] of rows) {
    it(`says how many hooks ran: ${name}`, () => {
      const done = finishDeletion(run, LATER);
      assert.deepEqual([done.phase, done.finishedAt, done.message, done.bundle], ['Deleted', LATER, message, null]);
    });
  }
});
