// advance and recordOutcome on recorded operation runs: each row is a run as stored (tasks written
// as "phase/wave kind key status"), what was observed, and what the step must answer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { advance, changeSetOf, recordOutcome, terminate, type Observation, type OperationRun, type RunTask, type TaskStatus } from './operation.ts';

const NOW = '2026-12-01T10:00:00.000Z';

/** "PreSync/0 hook migrate Pending" → a task. */
function task(spec: string): RunTask {
  const [at, kind, key, status] = spec.split(' ') as [string, RunTask['kind'], string, TaskStatus];
  const [phase, wave] = at.split('/') as [RunTask['phase'], string];
  return { id: `${phase}/${wave}/${key}`, phase, wave: Number(wave), kind, key, status };
}

function run(tasks: string[], extra: Partial<OperationRun> = {}): OperationRun {
  return {
    id: 'op-1', app: 'guestbook', kind: 'sync', initiatedBy: 'admin', bundle: 'sha256:b', revision: 'c0ffee',
    prune: false, dryRun: false, syncOptions: [], phase: 'Running', message: '', startedAt: NOW,
    tasks: tasks.map(task), failing: false, attempt: 0, ...extra,
  };
}

const show = (r: OperationRun) => r.tasks.map((t) => `${t.key}:${t.status}`).join(' ');
const healthy: Observation = { health: { status: 'Healthy' } };
const progressing: Observation = { health: { status: 'Progressing' } };
const degraded: Observation = { health: { status: 'Degraded', message: 'ProgressDeadlineExceeded' } };
const hookDone: Observation = { hook: { progress: 'Succeeded', message: 'job completed' } };
const hookFailed: Observation = { hook: { progress: 'Failed', message: 'BackoffLimitExceeded' } };
const hookRunning: Observation = { hook: { progress: 'Running', message: 'running' } };

describe('advance', () => {
  // name | tasks | observations by task id | actions | task states after | phase after | waiting (part)
  const rows: [string, string[], Record<string, Observation>, string[], string, string, string?][] = [
    ['starts with the PreSync hooks', ['PreSync/0 hook migrate Pending', 'Sync/0 apply cm Pending', 'PostSync/0 hook smoke Pending'], {},
      ['create-hook PreSync/0/migrate'], 'migrate:Pending cm:Pending smoke:Pending', 'Running'],
    ['waits while the PreSync hook runs', ['PreSync/0 hook migrate Running', 'Sync/0 apply cm Pending'], { 'PreSync/0/migrate': hookRunning },
      [], 'migrate:Running cm:Pending', 'Running', 'waiting for PreSync wave 0: migrate (hook running)'],
    ['a completed hook lets wave 0 start, and its delete policy is asked', ['PreSync/0 hook migrate Running', 'Sync/0 apply cm Pending', 'Sync/0 apply svc Pending'], { 'PreSync/0/migrate': hookDone },
      ['delete-hook PreSync/0/migrate Succeeded', 'apply Sync/0/cm', 'apply Sync/0/svc'], 'migrate:Succeeded cm:Pending svc:Pending', 'Running'],
    ['wave 1 waits for wave 0 to be Healthy', ['Sync/0 apply deploy Running', 'Sync/1 apply web Pending'], { 'Sync/0/deploy': progressing },
      [], 'deploy:Running web:Pending', 'Running', 'waiting for wave 0: deploy (not Healthy yet)'],
    ['wave 1 starts the moment wave 0 is Healthy (no fixed delay)', ['Sync/0 apply deploy Running', 'Sync/1 apply web Pending'], { 'Sync/0/deploy': healthy },
      ['apply Sync/1/web'], 'deploy:Succeeded web:Pending', 'Running'],
    ['a kind without a health check counts as Healthy', ['Sync/0 apply cm Running', 'Sync/1 apply web Pending'], {},
      ['apply Sync/1/web'], 'cm:Succeeded web:Pending', 'Running'],
    ['a Degraded resource fails the run, skips what is left and runs SyncFail', ['Sync/0 apply deploy Running', 'Sync/1 apply web Pending', 'PostSync/0 hook smoke Pending', 'SyncFail/0 hook page Pending'], { 'Sync/0/deploy': degraded },
      ['create-hook SyncFail/0/page'], 'deploy:Failed web:Skipped smoke:Skipped page:Pending', 'Running'],
    ['a failed PreSync hook stops the sync and runs SyncFail', ['PreSync/0 hook migrate Running', 'Sync/0 apply cm Pending', 'SyncFail/0 hook page Pending'], { 'PreSync/0/migrate': hookFailed },
      ['delete-hook PreSync/0/migrate Failed', 'create-hook SyncFail/0/page'], 'migrate:Failed cm:Skipped page:Pending', 'Running'],
    ['SyncFail done: the run Failed', ['PreSync/0 hook migrate Failed', 'Sync/0 apply cm Skipped', 'SyncFail/0 hook page Running'], { 'SyncFail/0/page': hookDone },
      ['delete-hook SyncFail/0/page Succeeded'], 'migrate:Failed cm:Skipped page:Succeeded', 'Failed'],
    ['a failure without SyncFail hooks ends at once', ['Sync/0 apply cm Failed', 'Sync/1 apply web Pending'], {},
      [], 'cm:Failed web:Skipped', 'Failed'],
    ['PostSync waits for every resource Healthy', ['Sync/0 apply deploy Running', 'PostSync/0 hook smoke Pending'], { 'Sync/0/deploy': progressing },
      [], 'deploy:Running smoke:Pending', 'Running', 'waiting for wave 0'],
    ['all done: Succeeded', ['Sync/0 apply cm Succeeded', 'PostSync/0 hook smoke Running'], { 'PostSync/0/smoke': hookDone },
      ['delete-hook PostSync/0/smoke Succeeded'], 'cm:Succeeded smoke:Succeeded', 'Succeeded'],
    ['nothing to do: Succeeded', [], {}, [], '', 'Succeeded'],
    ['prunes are started as actions', ['Sync/0 prune old Pending'], {}, ['prune Sync/0/old'], 'old:Pending', 'Running'],
  ];
  for (const [name, tasks, observed, actions, after, phase, waiting] of rows) {
    it(name, () => {
      const step = advance(run(tasks), observed, NOW);
      assert.deepEqual(step.actions.map((a) => `${a.do} ${a.task}${'outcome' in a ? ` ${a.outcome}` : ''}`), actions);
      assert.equal(show(step.run), after);
      assert.equal(step.run.phase, phase);
      if (waiting) assert.match(step.waiting ?? '', new RegExp(waiting.replace(/[()]/g, '\\$&')));
      else assert.equal(step.waiting, undefined);
    });
  }

  it('does not touch a finished run', () => {
    const done = run(['Sync/0 apply cm Pending'], { phase: 'Succeeded' });
    assert.deepEqual(advance(done, {}, NOW), { run: done, actions: [] });
  });

  it('names the failures in the message', () => {
    const step = advance(run(['Sync/0 apply deploy Running']), { 'Sync/0/deploy': degraded }, NOW);
    assert.match(step.run.message, /one or more tasks failed: deploy: deploy is Degraded: ProgressDeadlineExceeded/);
    assert.equal(step.run.finishedAt, NOW);
  });
});

describe('recordOutcome', () => {
  // name | tasks | task | outcome | status after
  const rows: [string, string[], string, Parameters<typeof recordOutcome>[2], TaskStatus][] = [
    ['an apply with a later group waits for health', ['Sync/0 apply cm Pending', 'Sync/1 apply web Pending'], 'Sync/0/cm', { ok: true, result: 'created' }, 'Running'],
    ['an apply in the last group is done once applied', ['Sync/0 apply cm Succeeded', 'Sync/1 apply web Pending'], 'Sync/1/web', { ok: true, result: 'configured' }, 'Succeeded'],
    ['an apply before PostSync hooks waits for health', ['Sync/0 apply web Pending', 'PostSync/0 hook smoke Pending'], 'Sync/0/web', { ok: true }, 'Running'],
    ['SyncFail hooks are not a later group for resources', ['Sync/0 apply web Pending', 'SyncFail/0 hook page Pending'], 'Sync/0/web', { ok: true }, 'Succeeded'],
    ['a created hook runs', ['PreSync/0 hook migrate Pending'], 'PreSync/0/migrate', { ok: true, result: 'created' }, 'Running'],
    ['a refused apply fails', ['Sync/0 apply cm Pending'], 'Sync/0/cm', { ok: false, message: 'admission webhook denied' }, 'Failed'],
    ['a prune is done once deleted', ['Sync/0 prune old Pending'], 'Sync/0/old', { ok: true, result: 'pruned' }, 'Succeeded'],
  ];
  for (const [name, tasks, id, outcome, status] of rows) {
    it(name, () => {
      const after = recordOutcome(run(tasks), id, outcome, NOW);
      const t = after.tasks.find((x) => x.id === id)!;
      assert.equal(t.status, status);
      assert.equal(t.startedAt, NOW);
      if (!outcome.ok) assert.equal(t.message, outcome.message);
    });
  }
});

describe('a run carried across steps (re-entrancy)', () => {
  it('PreSync hook, wave 0, wave 1, PostSync: each started once, in order', () => {
    let r = run(['PreSync/0 hook migrate Pending', 'Sync/0 apply cm Pending', 'Sync/1 apply deploy Pending', 'PostSync/0 hook smoke Pending']);
    const started: string[] = [];
    const observed: Record<string, Observation> = {};
    for (let i = 0; i < 20 && r.phase === 'Running'; i++) {
      const step = advance(r, observed, NOW);
      r = step.run;
      for (const action of step.actions) {
        if (action.do === 'delete-hook') continue;
        started.push(action.task);
        r = recordOutcome(r, action.task, { ok: true }, NOW);
        // What the cluster shows by the next step: hooks complete, resources get Healthy.
        observed[action.task] = action.do === 'create-hook' ? hookDone : healthy;
      }
      // A stored copy read back (as after a restart) carries on the same.
      r = JSON.parse(JSON.stringify(r)) as OperationRun;
    }
    assert.deepEqual(started, ['PreSync/0/migrate', 'Sync/0/cm', 'Sync/1/deploy', 'PostSync/0/smoke']);
    assert.equal(r.phase, 'Succeeded');
    assert.deepEqual(changeSetOf(r).waves.map((w) => `${w.phase}/${w.wave}`), ['PreSync/0', 'Sync/0', 'Sync/1', 'PostSync/0']);
  });
});

describe('terminate', () => {
  it('fails a running run and leaves a finished one', () => {
    const t = terminate(run(['Sync/0 apply cm Running'], { retryAt: NOW }), NOW);
    assert.equal(t.phase, 'Failed');
    assert.equal(t.message, 'operation terminated');
    assert.equal(t.retryAt, undefined);
    const done = run([], { phase: 'Succeeded' });
    assert.equal(terminate(done, NOW), done);
  });
});
