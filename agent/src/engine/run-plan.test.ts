import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prepareDesired, refKey, refOf, type KubeObject } from './objects.ts';
import { splitHooks } from './hooks.ts';
import { planRun, type RunPlanInput } from './run-plan.ts';

const APP = 'shop';
const manifest = (kind: string, name: string, annotations: Record<string, string> = {}, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: kind === 'Job' ? 'batch/v1' : kind === 'Deployment' ? 'apps/v1' : 'v1', kind, metadata: { name, annotations }, ...extra,
});
const migrate: KubeObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'migrate-', annotations: { 'argocd.argoproj.io/hook': 'PreSync' } } as unknown as KubeObject['metadata'], spec: {} };

function input(manifests: KubeObject[], over: Partial<RunPlanInput> = {}): RunPlanInput {
  const prepared = prepareDesired(manifests, APP, 'shop', () => true);
  assert.deepEqual(prepared.errors, []);
  const split = splitHooks(prepared.objects);
  return { app: APP, operationId: 'op-1', resources: split.resources, hooks: split.hooks, live: new Map(), inventory: [], prune: false, ...over };
}

const show = (tasks: ReturnType<typeof planRun>['tasks']) => tasks.map((t) => `${t.phase}/${t.wave} ${t.kind} ${t.key.split('/').at(-1)} ${t.status}`);

describe('planRun', () => {
  it('applies by wave, runs hooks in their phase, and names a generateName hook per operation', () => {
    const plan = planRun(input([manifest('ConfigMap', 'config', { 'argocd.argoproj.io/sync-wave': '1' }), manifest('Deployment', 'web', { 'argocd.argoproj.io/sync-wave': '2' }), migrate]));
    assert.deepEqual(plan.errors, []);
    const rows = show(plan.tasks);
    assert.deepEqual(rows.filter((r) => !r.includes(' hook ')), ['Sync/1 apply config Pending', 'Sync/2 apply web Pending']);
    const hook = rows.find((r) => r.includes(' hook '))!;
    assert.match(hook, /^PreSync\/0 hook migrate-[0-9a-z]{5} Pending$/);
    const again = show(planRun(input([migrate])).tasks);
    assert.deepEqual(again, [hook], 'planned again (a restart): the same name');
    const other = show(planRun(input([migrate], { operationId: 'op-2' })).tasks);
    assert.notDeepEqual(other, [hook], 'another operation: another name');
  });

  it('ids are stable across plans of the same bundle and operation', () => {
    const a = planRun(input([manifest('ConfigMap', 'config'), migrate]));
    const b = planRun(input([manifest('ConfigMap', 'config'), migrate]));
    assert.deepEqual(a.tasks.map((t) => t.id), b.tasks.map((t) => t.id));
    for (const t of a.tasks) assert.ok(a.objects.get(t.id)?.target, t.id);
  });

  it('prunes what left Git (when pruning), skips what it may not prune, and PruneLast moves prunes after the last wave', () => {
    const old: KubeObject = { ...manifest('ConfigMap', 'old'), metadata: { name: 'old', namespace: 'shop', labels: { 'app.flotilla.dev/instance': APP }, annotations: { 'flotilla.dev/tracking-id': `${APP}:/ConfigMap:shop/old` } } };
    const kept: KubeObject = { ...manifest('ConfigMap', 'kept'), metadata: { name: 'kept', namespace: 'shop', annotations: { 'flotilla.dev/tracking-id': `${APP}:/ConfigMap:shop/kept`, 'argocd.argoproj.io/sync-options': 'Prune=false' } } };
    const live = new Map<string, KubeObject | undefined>([[refKey(refOf(old)), old], [refKey(refOf(kept)), kept]]);
    const base = input([manifest('Deployment', 'web', { 'argocd.argoproj.io/sync-wave': '3' })], { live, inventory: [refOf(old), refOf(kept)], prune: true });
    assert.deepEqual(show(planRun(base).tasks), ['Sync/3 apply web Pending', 'Sync/0 prune old Pending', 'Sync/0 prune kept Skipped'], 'a prune runs in its own wave (0 here)');
    assert.deepEqual(show(planRun({ ...base, pruneLast: true }).tasks), ['Sync/3 apply web Pending', 'Sync/4 prune old Pending', 'Sync/4 prune kept Skipped']);
    assert.deepEqual(show(planRun({ ...base, prune: false }).tasks), ['Sync/3 apply web Pending'], 'without prune, nothing is pruned');
  });

  it('a live hook instance is never a prune candidate', () => {
    const job: KubeObject = { ...migrate, metadata: { name: 'migrate-abcde', namespace: 'shop', labels: { 'app.flotilla.dev/instance': APP }, annotations: { 'argocd.argoproj.io/hook': 'PreSync', 'flotilla.dev/tracking-id': `${APP}:batch/Job:shop/migrate-abcde` } } };
    const plan = planRun(input([manifest('ConfigMap', 'config')], { live: new Map([[refKey(refOf(job)), job]]), prune: true }));
    assert.deepEqual(show(plan.tasks), ['Sync/0 apply config Pending']);
  });

  it('a sync of selected resources plans only those, and no hooks', () => {
    const plan = planRun(input([manifest('ConfigMap', 'config'), manifest('Deployment', 'web'), migrate], { only: [{ group: 'apps', kind: 'Deployment', name: 'web' }] }));
    assert.deepEqual(show(plan.tasks), ['Sync/0 apply web Pending']);
  });

  it('creates the destination namespace first', () => {
    const plan = planRun(input([manifest('ConfigMap', 'config')], { createNamespace: 'shop' }));
    assert.deepEqual(show(plan.tasks), ['PreSync/0 namespace shop Pending', 'Sync/0 apply config Pending']);
  });
});
