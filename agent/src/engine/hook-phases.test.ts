// Table-driven tests for hook-phases.ts: the order hook tasks run in (as plan.ts's compareTasks), the
// instance objects they create, which phases may start, and what to do with what a hook's name finds live.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  HOOK_OPERATION_ANNOTATION, compareHookTasks, hookCreation, hookTasks, postDeleteTasks,
  type HookPhase,
} from './hook-phases.ts';
import { splitHooks, type HookObject } from './hooks.ts';
import { TRACKING_ANNOTATION, isTrackedBy, prepareDesired, refOf, type KubeObject } from './objects.ts';
import { compareTasks, type SyncTask } from './plan.ts';
import { HOOK_ANNOTATION as ARGO, HOOK_DELETE_POLICY_ANNOTATION as ARGO_POLICY, SYNC_WAVE_ANNOTATION as WAVE } from './sync-options.ts';

/** An object of this kind with these annotations; `name` ending in '-' makes it a generateName. */
function obj(kind: string, name: string, annotations: Record<string, string>, apiVersion = kind === 'Job' ? 'batch/v1' : 'v1'): KubeObject {
  const naming = name.endsWith('-') ? { generateName: name } : { name };
  return { apiVersion, kind, metadata: { ...naming, namespace: 'ns', annotations } as KubeObject['metadata'] };
}

/** Hooks from a bundle, as the executor gets them. */
function hooksOf(objects: KubeObject[]): HookObject[] {
  const split = splitHooks(objects);
  assert.deepEqual(split.errors, []);
  return split.hooks;
}

describe('hookTasks order', () => {
  const hooks = hooksOf([
    obj('Job', 'post-b', { [ARGO]: 'PostSync' }),
    obj('Job', 'post-a', { [ARGO]: 'PostSync', [WAVE]: '1' }),
    obj('Job', 'fail', { [ARGO]: 'SyncFail' }),
    obj('Job', 'sync-job', { [ARGO]: 'Sync' }),
    obj('ConfigMap', 'sync-config', { [ARGO]: 'Sync' }),
    obj('Job', 'pre-late', { [ARGO]: 'PreSync', [WAVE]: '3' }),
    obj('Job', 'pre-early', { [ARGO]: 'PreSync', [WAVE]: '-1' }),
    obj('Pod', 'both', { [ARGO]: 'PreSync,PostSync' }),
    obj('Job', 'gone', { [ARGO]: 'PostDelete' }),
  ]);
  // position | phase | wave | name
  const expected: [HookPhase, number, string][] = [
    ['PreSync', -1, 'pre-early'],
    ['PreSync', 0, 'both'],
    ['PreSync', 3, 'pre-late'],
    ['Sync', 0, 'sync-config'],
    ['Sync', 0, 'sync-job'],
    ['PostSync', 0, 'both'],
    ['PostSync', 0, 'post-b'],
    ['PostSync', 1, 'post-a'],
    ['SyncFail', 0, 'fail'],
  ];
  const tasks = hookTasks(hooks, 'op-1');
  expected.forEach(([phase, wave, name], index) => {
    it(`${index + 1}: ${phase} wave ${wave} ${name}`, () => {
      const task = tasks[index];
      assert.deepEqual(task && [task.phase, task.wave, task.name], [phase, wave, name]);
    });
  });
  it('no task beyond those (PostDelete is not a sync phase)', () => assert.equal(tasks.length, expected.length));
  it('the same order whatever order the bundle lists hooks in', () => {
    assert.deepEqual(hookTasks([...hooks].reverse(), 'op-1').map((t) => `${t.phase}/${t.name}`), tasks.map((t) => `${t.phase}/${t.name}`));
  });
  it('postDeleteTasks gives the PostDelete hooks only', () => {
    assert.deepEqual(postDeleteTasks(hooks, 'op-1').map((t) => [t.phase, t.name]), [['PostDelete', 'gone']]);
  });

  it('a hook\'s source is the same for every operation; a generateName instance\'s name is not', () => {
    const generated = hooksOf([obj('Job', 'notify-', { [ARGO]: 'PostDelete' }), obj('Job', 'notify-', { [ARGO]: 'PostDelete' })]);
    const [a, b] = [postDeleteTasks(generated, 'delete-1-0'), postDeleteTasks(generated, 'delete-1-1')];
    const sources = (tasks: typeof a) => tasks.map((t) => t.source).sort();
    assert.deepEqual(sources(a), ['batch/Job/ns/notify-*', 'batch/Job/ns/notify-*#1']);
    assert.deepEqual(sources(b), sources(a));
    assert.notDeepEqual(a.map((t) => t.name).sort(), b.map((t) => t.name).sort());
    assert.equal(postDeleteTasks(hooks, 'op-1')[0]!.source, 'batch/Job/ns/gone');
  });
});

describe('compareHookTasks sorts as plan.ts compareTasks sorts applies', () => {
  const objects = [
    obj('Job', 'b', { [ARGO]: 'Sync' }), obj('ConfigMap', 'z', { [ARGO]: 'Sync' }), obj('Thing', 'a', { [ARGO]: 'Sync' }, 'example.com/v1'),
    obj('Job', 'a', { [ARGO]: 'Sync', [WAVE]: '2' }), obj('Namespace', 'n', { [ARGO]: 'PreSync' }), obj('Job', 'a', { [ARGO]: 'PostSync', [WAVE]: '-5' }),
    { ...obj('Job', 'a', { [ARGO]: 'Sync' }), metadata: { name: 'a', namespace: 'aa', annotations: { [ARGO]: 'Sync' } } },
  ];
  it('one order', () => {
    const tasks = hookTasks(hooksOf(objects), 'op');
    const asSyncTasks: SyncTask[] = tasks.map((t) => ({ ref: refOf(t.object), phase: t.phase as SyncTask['phase'], wave: t.wave, action: 'apply' }));
    assert.deepEqual([...asSyncTasks].sort(compareTasks).map((t) => t.ref), asSyncTasks.map((t) => t.ref));
    // PreSync; Sync wave 0 by kind rank (ConfigMap, Job, unknown kinds last), then name, then namespace; wave 2; PostSync.
    assert.deepEqual(tasks.map((t) => `${t.phase} ${t.key}`), [
      'PreSync /Namespace/ns/n', 'Sync /ConfigMap/ns/z', 'Sync batch/Job/aa/a', 'Sync batch/Job/ns/b', 'Sync example.com/Thing/ns/a',
      'Sync batch/Job/ns/a', 'PostSync batch/Job/ns/a',
    ]);
    assert.ok(tasks.every((t, i) => i === 0 || compareHookTasks(tasks[i - 1]!, t) <= 0));
  });
});

describe('hook instance objects', () => {
  const [prepared] = prepareDesired([obj('Job', 'migrate-', { [ARGO]: 'PreSync' })].map((o) => ({ ...o, metadata: { ...o.metadata, name: 'placeholder' } })), 'shop', 'ns', () => true).objects;
  // prepareDesired needs a name today; drop it again to get a generateName hook carrying the tracking annotation.
  const source: KubeObject = { ...prepared!, metadata: { ...prepared!.metadata, generateName: 'migrate-' } };
  delete (source.metadata as Record<string, unknown>)['name'];
  const before = structuredClone(source);
  const [task] = hookTasks(hooksOf([source]), 'op-7');
  it('has its instance name, and no generateName', () => {
    assert.match(task!.object.metadata.name, /^migrate-[0-9a-z]{5}$/);
    assert.equal(task!.name, task!.object.metadata.name);
    assert.equal('generateName' in task!.object.metadata, false);
  });
  it('key is the instance\'s refKey', () => assert.equal(task!.key, `batch/Job/ns/${task!.name}`));
  it('gets no finalizer', () => assert.equal(task!.object.metadata['finalizers'], undefined));
  it('is stamped with its operation and phase', () => assert.equal(task!.object.metadata.annotations?.[HOOK_OPERATION_ANNOTATION], 'op-7/PreSync'));
  it('its tracking id names the instance, so it counts as the app\'s own', () => {
    assert.ok(task!.object.metadata.annotations?.[TRACKING_ANNOTATION]?.endsWith(`/${task!.name}`));
    assert.equal(isTrackedBy(task!.object, 'shop'), true);
  });
  it('leaves the bundle\'s object as it was', () => assert.deepEqual(source, before));
  it('is named alike on every call for one operation, and anew for the next', () => {
    assert.equal(hookTasks(hooksOf([source]), 'op-7')[0]!.name, task!.name);
    assert.notEqual(hookTasks(hooksOf([source]), 'op-8')[0]!.name, task!.name);
  });
  it('two hooks sharing a generateName get two names; a two-phase hook one per phase', () => {
    const tasks = hookTasks(hooksOf([obj('Job', 'smoke-', { [ARGO]: 'PostSync' }), obj('Job', 'smoke-', { [ARGO]: 'PostSync' }), obj('Job', 'check-', { [ARGO]: 'PreSync,PostSync' })]), 'op');
    assert.equal(new Set(tasks.map((t) => t.key)).size, 4);
  });
});

describe('hookCreation', () => {
  const taskWith = (policy?: string) => hookTasks(hooksOf([obj('Job', 'migrate', { [ARGO]: 'PreSync', ...(policy ? { [ARGO_POLICY]: policy } : {}) })]), 'op-2')[0]!;
  const liveStamped = (stamp?: string): KubeObject => obj('Job', 'migrate', stamp ? { [HOOK_OPERATION_ANNOTATION]: stamp } : {});
  // case | delete policy | live object | expected
  const rows: [string, string | undefined, KubeObject | undefined, string][] = [
    ['nothing live: create', undefined, undefined, 'create'],
    ['this operation and phase created it (restart after create): observe', undefined, liveStamped('op-2/PreSync'), 'observe'],
    ['an earlier operation\'s, BeforeHookCreation (the default): recreate', undefined, liveStamped('op-1/PreSync'), 'recreate'],
    ['this operation\'s other phase: recreate', undefined, liveStamped('op-2/Sync'), 'recreate'],
    ['unstamped, BeforeHookCreation: recreate', 'BeforeHookCreation', liveStamped(), 'recreate'],
    ['an earlier one, HookSucceeded only: apply over it (Argo CD)', 'HookSucceeded', liveStamped('op-1/PreSync'), 'apply'],
  ];
  for (const [name, policy, live, expected] of rows) {
    it(name, () => assert.equal(hookCreation(taskWith(policy), live), expected));
  }
});
