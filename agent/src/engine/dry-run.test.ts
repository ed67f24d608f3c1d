// The dry run's answers, table-driven: what a sync would do with each kind of task (columns: case,
// task, planned object, facts, expected), and the outcome's message naming only what would change.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dryRunOutcome, dryRunTask, syncedKeys, type DryRunFacts } from './dry-run.ts';
import type { OperationRun, RunTask } from './operation.ts';
import type { PlannedObject } from './run-plan.ts';
import type { KubeObject } from './objects.ts';

const cm = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'shop' }, data: { value: 'v' } });
const task = (kind: RunTask['kind'], name: string, status: RunTask['status'] = 'Pending'): RunTask =>
  ({ id: `Sync/0/${kind}/${name}`, phase: kind === 'namespace' ? 'PreSync' : 'Sync', wave: 0, kind, key: kind === 'namespace' ? `/Namespace//${name}` : `/ConfigMap/shop/${name}`, status });
const facts = (over: Partial<DryRunFacts> = {}): DryRunFacts => ({ synced: new Set(), existingNamespaces: new Set(), managedNamespaceMetadata: false, ...over });

describe('dryRunTask', () => {
  const rows: [string, RunTask, PlannedObject | undefined, DryRunFacts, ReturnType<typeof dryRunTask>][] = [
    ['an object compared Synced is unchanged', task('apply', 'same'), { kind: 'apply', target: cm('same'), live: cm('same') }, facts({ synced: new Set(['/ConfigMap/shop/same']) }), { result: 'unchanged' }],
    ['an object that exists and differs is configured', task('apply', 'changed'), { kind: 'apply', target: cm('changed'), live: cm('changed') }, facts(), { verb: 'configure', result: 'configured (dry run)' }],
    ['an object that does not exist is created', task('apply', 'new'), { kind: 'apply', target: cm('new') }, facts(), { verb: 'create', result: 'created (dry run)' }],
    ['a prune', task('prune', 'old'), { kind: 'prune', live: cm('old') }, facts(), { verb: 'prune', result: 'pruned (dry run)' }],
    ['a hook would run', task('hook', 'migrate'), { kind: 'hook' }, facts(), { verb: 'run hook', result: 'created (dry run)' }],
    ['a namespace that does not exist is created', task('namespace', 'shop'), { kind: 'namespace' }, facts(), { verb: 'create', result: 'created (dry run)' }],
    ['a namespace that exists is unchanged', task('namespace', 'shop'), { kind: 'namespace' }, facts({ existingNamespaces: new Set(['Sync/0/namespace/shop']) }), { result: 'unchanged' }],
    ['a namespace that exists, with managed metadata, is configured', task('namespace', 'shop'), { kind: 'namespace' }, facts({ existingNamespaces: new Set(['Sync/0/namespace/shop']), managedNamespaceMetadata: true }), { verb: 'configure', result: 'configured (dry run)' }],
  ];
  for (const [name, t, planned, f, want] of rows) it(name, () => assert.deepEqual(dryRunTask(t, planned, f), want));
});

describe('dryRunOutcome', () => {
  const run = (tasks: RunTask[]): OperationRun => ({
    id: 'op', app: 'shop', kind: 'sync', initiatedBy: 'admin', bundle: 'b', revision: 'r', prune: false, dryRun: true, syncOptions: [],
    phase: 'Running', message: '', startedAt: 't0', tasks, failing: false, attempt: 0,
  });

  it('settles every Pending task, keeps a skipped one, and names only the changes', () => {
    const skipped: RunTask = { ...task('prune', 'kept', 'Skipped'), message: 'Prune=false' };
    const tasks = [task('namespace', 'shop'), task('apply', 'same'), task('apply', 'changed'), task('apply', 'new'), skipped];
    const objects = new Map<string, PlannedObject>([
      [tasks[1]!.id, { kind: 'apply', target: cm('same'), live: cm('same') }],
      [tasks[2]!.id, { kind: 'apply', target: cm('changed'), live: cm('changed') }],
      [tasks[3]!.id, { kind: 'apply', target: cm('new') }],
    ]);
    const out = dryRunOutcome(run(tasks), objects, facts({ synced: new Set(['/ConfigMap/shop/same']), existingNamespaces: new Set([tasks[0]!.id]) }), 't1');
    assert.equal(out.phase, 'Succeeded');
    assert.equal(out.finishedAt, 't1');
    assert.equal(out.message, 'dry run: 2 change(s), 2 unchanged, nothing written: configure /ConfigMap/shop/changed, create /ConfigMap/shop/new');
    assert.deepEqual(out.tasks.map((t) => [t.key, t.status, t.result ?? '']), [
      ['/Namespace//shop', 'Succeeded', 'unchanged'],
      ['/ConfigMap/shop/same', 'Succeeded', 'unchanged'],
      ['/ConfigMap/shop/changed', 'Succeeded', 'configured (dry run)'],
      ['/ConfigMap/shop/new', 'Succeeded', 'created (dry run)'],
      ['/ConfigMap/shop/kept', 'Skipped', ''],
    ]);
  });

  it('with nothing to change, says so', () => {
    const out = dryRunOutcome(run([]), new Map(), facts(), 't1');
    assert.equal(out.message, 'dry run: 0 change(s), 0 unchanged, nothing written');
  });
});

describe('syncedKeys', () => {
  const compared = [{ target: cm('a'), live: cm('a'), status: 'Synced' as const }, { target: cm('b'), live: undefined, status: 'OutOfSync' as const }];
  it('the Synced objects when the run applies the compared bundle', () => assert.deepEqual([...syncedKeys(compared, true)], ['/ConfigMap/shop/a']));
  it('none for another bundle (it was not compared)', () => assert.deepEqual([...syncedKeys(compared, false)], []));
});
