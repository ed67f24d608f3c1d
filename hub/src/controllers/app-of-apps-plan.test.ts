// Table tests of the app-of-apps plan: rows of (case, rendered objects, stored objects, prune) →
// the names created, updated, unchanged, pruned (with cascade or not), left for pruning, and errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planChildren, isPlanSynced, type ExistingChild } from './app-of-apps-plan.ts';

const PARENT = 'root';

function app(name: string, extra: { cluster?: string; path?: string; finalizers?: string[]; project?: string; namespace?: string } = {}) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: extra.namespace ?? 'argocd', ...(extra.finalizers ? { finalizers: extra.finalizers } : {}) },
    spec: {
      project: extra.project ?? 'default',
      source: { repoURL: 'https://git.example/apps.git', path: extra.path ?? name, targetRevision: 'main' },
      destination: { name: extra.cluster ?? 'east', namespace: name },
    },
  };
}

function project(name: string, description = 'team') {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name }, spec: { description, sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }] } };
}

/** The same value with every object's keys in reverse order, as JSONB may hand them back. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)]));
}

/** A stored object as the store keeps what was rendered. */
function stored(object: ReturnType<typeof app> | ReturnType<typeof project>, owner: string | null = PARENT, deleting = false): ExistingChild {
  const { finalizers } = object.metadata as { finalizers?: string[] };
  return { kind: object.kind as ExistingChild['kind'], name: object.metadata.name, owner, metadata: finalizers ? { finalizers } : {}, spec: reordered(object.spec) as Record<string, unknown>, deleting };
}

interface Row {
  name: string;
  rendered: Record<string, unknown>[];
  existing?: ExistingChild[];
  users?: Record<string, string[]>;
  prune?: boolean;
  create?: string[];
  update?: string[];
  unchanged?: string[];
  pruned?: string[];
  requiresPruning?: string[];
  errors?: RegExp[];
  synced?: boolean;
}

const three = [app('guestbook'), app('redis', { cluster: 'west' }), app('metrics')];

// case | rendered | existing | project users | prune | expected
const rows: Row[] = [
  { name: 'a parent whose path holds three child Applications creates all three', rendered: three, create: ['Application/guestbook', 'Application/metrics', 'Application/redis'], synced: false },
  { name: 'three children already stored as rendered are unchanged (Synced)', rendered: three, existing: three.map((a) => stored(a)), unchanged: ['Application/guestbook', 'Application/metrics', 'Application/redis'], synced: true },
  { name: 'a child changed in Git is updated', rendered: [app('guestbook', { path: 'guestbook-v2' }), app('redis')], existing: [stored(app('guestbook')), stored(app('redis'))], update: ['Application/guestbook'], unchanged: ['Application/redis'] },
  { name: 'a finalizer added in Git is an update', rendered: [app('guestbook', { finalizers: ['resources-finalizer.argocd.argoproj.io'] })], existing: [stored(app('guestbook'))], update: ['Application/guestbook'] },
  { name: 'the namespace of the rendered object does not make it differ', rendered: [app('guestbook', { namespace: 'other' })], existing: [stored(app('guestbook'))], unchanged: ['Application/guestbook'] },
  { name: 'a child removed from Git with the resources finalizer is pruned with cascade', rendered: [app('redis')], existing: [stored(app('guestbook', { finalizers: ['resources-finalizer.argocd.argoproj.io'] })), stored(app('redis'))], prune: true, pruned: ['Application/guestbook cascade foreground'], unchanged: ['Application/redis'] },
  { name: 'the /background finalizer prunes with background propagation', rendered: [], existing: [stored(app('guestbook', { finalizers: ['resources-finalizer.argocd.argoproj.io/background'] }))], prune: true, pruned: ['Application/guestbook cascade background'] },
  { name: 'a child removed from Git without the finalizer is deleted without cascade', rendered: [], existing: [stored(app('guestbook'))], prune: true, pruned: ['Application/guestbook'] },
  { name: 'without prune a removed child stays and requires pruning (OutOfSync)', rendered: [], existing: [stored(app('guestbook'))], prune: false, requiresPruning: ['Application/guestbook'], synced: false },
  { name: 'a child being deleted is not pruned twice', rendered: [], existing: [stored(app('guestbook'), PARENT, true)], prune: true, synced: true },
  { name: 'a name another parent owns is an error, not adopted', rendered: [app('guestbook')], existing: [stored(app('guestbook'), 'other-root')], errors: [/Application "guestbook" already exists and belongs to application "other-root"/], synced: false },
  { name: 'a name the API created is an error, not adopted', rendered: [app('guestbook')], existing: [stored(app('guestbook'), null)], errors: [/Application "guestbook" already exists and was not created by an application/] },
  { name: 'an API-made object of the same name is never pruned', rendered: [], existing: [stored(app('guestbook'), null)], prune: true, synced: true },
  { name: 'a rendered ApplicationSet is refused by name', rendered: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'fleet' }, spec: { generators: [] } }, app('redis')], create: ['Application/redis'], errors: [/ApplicationSet "fleet" is not supported yet/] },
  { name: 'a ConfigMap cannot be deployed to the hub', rendered: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } }], errors: [/ConfigMap "settings" \(v1\) cannot be deployed to the hub/] },
  { name: 'an invalid child is an error with its field path, the others still apply', rendered: [{ ...app('broken'), spec: { ...app('broken').spec, destination: { namespace: 'x' } } }, app('redis')], create: ['Application/redis'], errors: [/Application "broken" is invalid: spec\.destination: must set server .* or name/] },
  { name: 'a child that names its parent is refused', rendered: [app(PARENT)], errors: [/renders itself/] },
  { name: 'a duplicate child is an error; the first is used', rendered: [app('guestbook'), app('guestbook', { path: 'other' })], create: ['Application/guestbook'], errors: [/appears more than once/] },
  { name: 'projects come before applications', rendered: [app('guestbook', { project: 'team' }), project('team')], create: ['AppProject/team', 'Application/guestbook'] },
  { name: 'a project changed in Git is updated', rendered: [project('team', 'new description')], existing: [stored(project('team'))], update: ['AppProject/team'] },
  { name: 'an unused project removed from Git is pruned after the applications', rendered: [], existing: [stored(project('team')), stored(app('guestbook', { project: 'team' }))], users: { team: ['guestbook'] }, prune: true, pruned: ['Application/guestbook', 'AppProject/team'] },
  { name: 'a project still used by another application is not pruned', rendered: [], existing: [stored(project('team'))], users: { team: ['api-made'] }, prune: true, errors: [/AppProject "team" .* still use it \(api-made\); it is not pruned/] },
  { name: 'a project a rendered application still names is not pruned', rendered: [app('guestbook', { project: 'team' })], existing: [stored(project('team')), stored(app('guestbook', { project: 'team' }))], users: { team: ['guestbook'] }, prune: true, unchanged: ['Application/guestbook'], errors: [/AppProject "team" .*\(guestbook\)/] },
  { name: 'the default project of the API is a clash, not adopted', rendered: [project('default')], existing: [stored(project('default'), null)], errors: [/AppProject "default" already exists/] },
];

describe('app-of-apps plan', () => {
  for (const row of rows) {
    it(row.name, () => {
      const plan = planChildren({ parent: PARENT, rendered: row.rendered, existing: row.existing ?? [], projectUsers: row.users ?? {}, prune: row.prune ?? false });
      const ids = (list: { kind: string; name: string }[]) => list.map((c) => `${c.kind}/${c.name}`);
      assert.deepEqual(ids(plan.create), row.create ?? [], 'create');
      assert.deepEqual(ids(plan.update), row.update ?? [], 'update');
      if (row.unchanged) assert.deepEqual(ids(plan.unchanged), row.unchanged, 'unchanged');
      assert.deepEqual(plan.prune.map((p) => `${p.kind}/${p.name}${p.cascade ? ` cascade ${p.propagationPolicy}` : ''}`), row.pruned ?? [], 'prune');
      assert.deepEqual(ids(plan.requiresPruning), row.requiresPruning ?? [], 'requiresPruning');
      assert.equal(plan.errors.length, (row.errors ?? []).length, `errors: ${plan.errors.map((e) => e.message).join(' | ')}`);
      for (const [i, pattern] of (row.errors ?? []).entries()) assert.match(plan.errors[i]!.message, pattern);
      if (row.synced !== undefined) assert.equal(isPlanSynced(plan), row.synced, 'synced');
    });
  }

  it('a name clash is a SharedResourceWarning, other problems are SyncErrors', () => {
    const plan = planChildren({ parent: PARENT, rendered: [app('guestbook'), { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'fleet' } }], existing: [stored(app('guestbook'), null)], projectUsers: {}, prune: false });
    assert.deepEqual(plan.errors.map((e) => `${e.type} ${e.kind}/${e.name}`), ['SharedResourceWarning Application/guestbook', 'SyncError ApplicationSet/fleet']);
  });
});
