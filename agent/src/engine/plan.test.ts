// Table-driven tests for sync planning: task order (phase, wave, kind, name), hooks, dependency pull-forward,
// pruning (reverse order, Prune=false, foreign objects, prune disabled), CreateNamespace, and wave grouping.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { TRACKING_ANNOTATION, refKey, refOf, trackingId, type KubeObject, type ObjectRef } from './objects.ts';
import { kindRank, planSync, type PlanInput, type PlanResult } from './plan.ts';

const APP = 'shop';

/** An object of this app (tracking annotation set), with extra annotations and fields. */
function mk(apiVersion: string, kind: string, name: string, namespace?: string, annotations: Record<string, string> = {}, extra: object = {}): KubeObject {
  const obj: KubeObject = { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}), annotations: { ...annotations } }, ...extra };
  obj.metadata.annotations = { [TRACKING_ANNOTATION]: trackingId(APP, refOf(obj)), ...annotations };
  return obj;
}

/** The same object as the cluster would hold it (live). */
function liveMap(objects: KubeObject[], gone: ObjectRef[] = []): Map<string, KubeObject | undefined> {
  const map = new Map<string, KubeObject | undefined>(objects.map((o) => [refKey(refOf(o)), o]));
  for (const ref of gone) map.set(refKey(ref), undefined);
  return map;
}

/** Tasks as compact lines: "phase wave action refKey". */
function lines(result: PlanResult): string[] {
  return result.tasks.map((t) => `${t.phase} ${t.wave} ${t.action} ${refKey(t.ref)}`);
}

/** Reads the desired objects of testdata/plan-app.yaml (already prepared: namespaced and tracked). */
function fixture(): KubeObject[] {
  const text = readFileSync(new URL('./testdata/plan-app.yaml', import.meta.url), 'utf8');
  return parseAllDocuments(text).map((doc) => doc.toJS() as KubeObject).filter((doc) => doc !== null);
}

const wave = (n: number) => ({ 'argocd.argoproj.io/sync-wave': String(n) });
const hook = (types: string) => ({ 'argocd.argoproj.io/hook': types });
const noPrune = { 'argocd.argoproj.io/sync-options': 'Prune=false' };
const crd = (group: string, kind: string, annotations: Record<string, string> = {}) =>
  mk('apiextensions.k8s.io/v1', 'CustomResourceDefinition', `${kind.toLowerCase()}s.${group}`, undefined, annotations, { spec: { group, names: { kind } } });
const base = (over: Partial<PlanInput>): PlanInput => ({ desired: [], live: new Map(), inventory: [], prune: true, app: APP, ...over });

describe('planSync', () => {
  const stale = mk('apps/v1', 'Deployment', 'old-web', 'shop', wave(1));
  const staleNs = mk('v1', 'Namespace', 'old');
  const staleSvc = mk('v1', 'Service', 'old-svc', 'shop', wave(1));
  const staleCm = mk('v1', 'ConfigMap', 'old-cm', 'shop');
  const kept = mk('v1', 'ConfigMap', 'kept', 'shop', noPrune);
  const foreign = { ...mk('v1', 'ConfigMap', 'theirs', 'shop'), metadata: { name: 'theirs', namespace: 'shop', annotations: { [TRACKING_ANNOTATION]: 'other:/ConfigMap:shop/theirs' } } };
  const untracked = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'manual', namespace: 'shop' } };
  const cm = mk('v1', 'ConfigMap', 'cfg', 'shop');
  // case | input | expected task lines in order | extra check on the result
  const rows: [string, PlanInput, string[], ((r: PlanResult) => void)?][] = [
    ['testdata/plan-app.yaml: kind order within a wave, unknown kinds last, names ascending', base({ desired: fixture() }), [
      'Sync 0 apply /Namespace//shop', 'Sync 0 apply /ServiceAccount/shop/web', 'Sync 0 apply /Secret/shop/creds',
      'Sync 0 apply /ConfigMap/shop/a-settings', 'Sync 0 apply /ConfigMap/shop/b-settings',
      'Sync 0 apply apiextensions.k8s.io/CustomResourceDefinition//widgets.example.com',
      'Sync 0 apply rbac.authorization.k8s.io/ClusterRole//reader', 'Sync 0 apply /Service/shop/web',
      'Sync 0 apply apps/Deployment/shop/web', 'Sync 0 apply networking.k8s.io/IngressClass//nginx',
      'Sync 0 apply networking.k8s.io/Ingress/shop/web', 'Sync 0 apply example.com/Widget/shop/w1',
    ]],
    ['wave beats kind; negative waves first', base({ desired: [mk('v1', 'ConfigMap', 'late', 'shop', wave(1)), mk('apps/v1', 'Deployment', 'early', 'shop', wave(-1)), mk('v1', 'Service', 's', 'shop')] }), [
      'Sync -1 apply apps/Deployment/shop/early', 'Sync 0 apply /Service/shop/s', 'Sync 1 apply /ConfigMap/shop/late',
    ]],
    ['hooks run in their phases; Skip and SyncFail are not planned', base({ desired: [
      mk('batch/v1', 'Job', 'migrate', 'shop', hook('PreSync')), mk('batch/v1', 'Job', 'smoke', 'shop', hook('PostSync')),
      mk('v1', 'Pod', 'both', 'shop', hook('PreSync,PostSync')), mk('v1', 'ConfigMap', 'skipped', 'shop', hook('Skip')),
      mk('batch/v1', 'Job', 'on-fail', 'shop', hook('SyncFail')), cm] }), [
      'PreSync 0 apply /Pod/shop/both', 'PreSync 0 apply batch/Job/shop/migrate', 'Sync 0 apply /ConfigMap/shop/cfg',
      'PostSync 0 apply /Pod/shop/both', 'PostSync 0 apply batch/Job/shop/smoke',
    ], (r) => assert.deepEqual(r.skipped.map((s) => s.ref.name), ['skipped', 'on-fail'])],
    ['a namespace in a later wave moves to the first wave that needs it', base({ desired: [mk('v1', 'Namespace', 'shop', undefined, wave(5)), mk('apps/v1', 'Deployment', 'web', 'shop', wave(1)), mk('v1', 'ConfigMap', 'c', 'shop', wave(3))] }), [
      'Sync 1 apply /Namespace//shop', 'Sync 1 apply apps/Deployment/shop/web', 'Sync 3 apply /ConfigMap/shop/c',
    ], (r) => assert.match(r.tasks[0]?.reason ?? '', /moved from Sync wave 5 to Sync wave 1/)],
    ['a CRD moves to the wave of its first custom resource', base({ desired: [crd('example.com', 'Widget', wave(3)), mk('example.com/v1', 'Widget', 'w', 'shop', wave(-1))] }), [
      'Sync -1 apply apiextensions.k8s.io/CustomResourceDefinition//widgets.example.com', 'Sync -1 apply example.com/Widget/shop/w',
    ]],
    ['an earlier namespace stays where it is', base({ desired: [mk('v1', 'Namespace', 'shop', undefined, wave(-5)), mk('v1', 'ConfigMap', 'c', 'shop', wave(2))] }), [
      'Sync -5 apply /Namespace//shop', 'Sync 2 apply /ConfigMap/shop/c',
    ]],
    ['stale inventory is pruned after the applies, in reverse order (wave, then kind, descending)', base({
      desired: [cm], live: liveMap([cm, stale, staleNs, staleSvc, staleCm]), inventory: [refOf(cm), refOf(staleNs), refOf(staleCm), refOf(staleSvc), refOf(stale)],
    }), [
      'Sync 0 apply /ConfigMap/shop/cfg', 'Sync 1 prune apps/Deployment/shop/old-web', 'Sync 1 prune /Service/shop/old-svc',
      'Sync 0 prune /ConfigMap/shop/old-cm', 'Sync 0 prune /Namespace//old',
    ]],
    ['prunes in a later phase still come after that phase\'s applies only', base({
      desired: [mk('batch/v1', 'Job', 'smoke', 'shop', hook('PostSync'))], live: liveMap([staleCm]), inventory: [refOf(staleCm)],
    }), ['Sync 0 prune /ConfigMap/shop/old-cm', 'PostSync 0 apply batch/Job/shop/smoke']],
    ['Prune=false and foreign objects become skip-prune with a reason', base({
      live: liveMap([kept, foreign]), inventory: [refOf(kept), refOf(foreign)],
    }), ['Sync 0 skip-prune /ConfigMap/shop/theirs', 'Sync 0 skip-prune /ConfigMap/shop/kept'], (r) => {
      assert.match(r.tasks[0]?.reason ?? '', /not tracked by app shop/);
      assert.match(r.tasks[1]?.reason ?? '', /Prune=false/);
    }],
    ['live objects tracked by the app are pruned even when the inventory lost them; untracked live objects are left', base({
      live: liveMap([staleCm, untracked as KubeObject]),
    }), ['Sync 0 prune /ConfigMap/shop/old-cm']],
    ['objects already gone are not pruned; unknown live state is pruned with a note', base({
      live: liveMap([], [refOf(staleSvc)]), inventory: [refOf(staleSvc), refOf(staleCm)],
    }), ['Sync 0 prune /ConfigMap/shop/old-cm'], (r) => assert.match(r.tasks[0]?.reason ?? '', /live state was not provided/)],
    ['prune disabled: no prune tasks, stale objects reported as requiring pruning', base({
      prune: false, live: liveMap([staleCm, stale, kept]), inventory: [refOf(stale), refOf(kept)],
    }), [], (r) => assert.deepEqual(r.requiresPruning.map(refKey), ['/ConfigMap/shop/old-cm', 'apps/Deployment/shop/old-web'])],
    ['CreateNamespace: a PreSync task before everything, at the lowest PreSync wave', base({
      createNamespace: 'shop', desired: [cm, mk('batch/v1', 'Job', 'migrate', 'shop', { ...hook('PreSync'), ...wave(-2) })],
    }), ['PreSync -2 create-namespace /Namespace//shop', 'PreSync -2 apply batch/Job/shop/migrate', 'Sync 0 apply /ConfigMap/shop/cfg'],
    (r) => assert.deepEqual(r.tasks[0]?.target, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } })],
    ['CreateNamespace: not when the manifests hold the namespace', base({ createNamespace: 'shop', desired: [mk('v1', 'Namespace', 'shop')] }), ['Sync 0 apply /Namespace//shop']],
    ['CreateNamespace: not when it exists', base({ createNamespace: 'shop', live: liveMap([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }]) }), []],
    ['bad sync-wave or hook: reported, not planned (and not pruned)', base({
      desired: [mk('v1', 'ConfigMap', 'bad-wave', 'shop', { 'argocd.argoproj.io/sync-wave': 'soon' }), mk('batch/v1', 'Job', 'bad-hook', 'shop', hook('Later')), cm],
      inventory: [refOf(mk('v1', 'ConfigMap', 'bad-wave', 'shop'))],
    }), ['Sync 0 apply /ConfigMap/shop/cfg'], (r) => assert.deepEqual(r.errors.map((e) => e.ref), ['/ConfigMap/shop/bad-wave', 'batch/Job/shop/bad-hook'])],
  ];
  for (const [name, input, expected, check] of rows) {
    it(name, () => {
      const result = planSync(input);
      assert.deepEqual(lines(result), expected);
      check?.(result);
    });
  }
});

describe('kindRank', () => {
  // kind | expected rank relation to the next kind (must be lower)
  const rows: [string, string][] = [['Namespace', 'NetworkPolicy'], ['CustomResourceDefinition', 'ClusterRole'], ['IngressClass', 'Ingress'], ['APIService', 'Widget']];
  for (const [kind, next] of rows) it(`${kind} before ${next}`, () => assert.ok(kindRank(kind) < kindRank(next)));
  it('unknown kinds share the last rank', () => assert.equal(kindRank('Widget'), kindRank('Gadget')));
});
