// Orphaned resources, one row per case: which kinds are scanned, which objects of a namespace are
// orphans of an application (and what they own), and when the warning condition is raised.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServedGroupVersion } from './capabilities.ts';
import { findOrphans, orphanCondition, scanKinds, type OrphanInput, type ScannedObject } from './orphans.ts';

describe('scanKinds', () => {
  const ns = (kind: string, resource: string, verbs = ['get', 'list', 'watch']) => ({ kind, resource, verbs, namespaced: true });
  const served: ServedGroupVersion[] = [
    { groupVersion: 'v1', resources: [ns('ConfigMap', 'configmaps'), ns('Event', 'events'), ns('Endpoints', 'endpoints'), ns('Binding', 'bindings', ['create']), { kind: 'Namespace', resource: 'namespaces', verbs: ['list'], namespaced: false }, { kind: 'Pod', verbs: ['list'] }] },
    { groupVersion: 'apps/v1', resources: [ns('Deployment', 'deployments')] },
    { groupVersion: 'apps/v1beta1', resources: [ns('Deployment', 'deployments')] },
    { groupVersion: 'events.k8s.io/v1', resources: [ns('Event', 'events')] },
    { groupVersion: 'coordination.k8s.io/v1', resources: [ns('Lease', 'leases')] },
    { groupVersion: 'discovery.k8s.io/v1', resources: [ns('EndpointSlice', 'endpointslices')] },
    { groupVersion: 'example.com/v1', resources: [ns('Widget', 'widgets')] },
  ];
  it('keeps namespaced listable kinds, the first version of each, less the excluded ones', () => {
    assert.deepEqual(scanKinds(served).map((k) => `${k.apiVersion} ${k.kind} ${k.resource}`), ['v1 ConfigMap configmaps', 'apps/v1 Deployment deployments', 'example.com/v1 Widget widgets']);
  });
});

describe('findOrphans', () => {
  const obj = (kind: string, name: string, extra: Partial<ScannedObject> = {}): ScannedObject => ({ apiVersion: kind === 'Deployment' || kind === 'ReplicaSet' ? 'apps/v1' : 'v1', kind, name, uid: `${kind}-${name}`, owners: [], ...extra });
  const base: OrphanInput = { namespace: 'team-a', objects: [], managed: new Set(), apps: new Set(['web']), appLabels: new Set(['web']), ignore: [], permitted: () => true };
  const stray = obj('ConfigMap', 'stray');
  // name | input over base | orphans as kind/name (parent)
  const rows: [string, Partial<OrphanInput>, string[]][] = [
    ['nothing in the namespace', {}, []],
    ['an object no app manages', { objects: [stray] }, ['ConfigMap/stray']],
    ['one the app manages (desired or inventory)', { objects: [stray], managed: new Set(['/ConfigMap/team-a/stray']) }, []],
    ['one an inventory of another namespace names is still an orphan here', { objects: [stray], managed: new Set(['/ConfigMap/team-b/stray']) }, ['ConfigMap/stray']],
    ['tracked by an app on this cluster (annotation)', { objects: [obj('ConfigMap', 'other', { trackedBy: 'web' })] }, []],
    ['tracked by an app that is gone', { objects: [obj('ConfigMap', 'left', { trackedBy: 'deleted-app' })] }, ['ConfigMap/left']],
    ['labelled for an app on this cluster', { objects: [obj('ConfigMap', 'labelled', { trackingLabel: 'web' })] }, []],
    ['what every namespace holds', { objects: [obj('ServiceAccount', 'default'), obj('ConfigMap', 'kube-root-ca.crt'), obj('Service', 'kubernetes')] }, ['Service/kubernetes']],
    ['Service kubernetes in default', { namespace: 'default', objects: [obj('Service', 'kubernetes')] }, []],
    ['owned objects are not top-level', { objects: [obj('Pod', 'p', { owners: ['ReplicaSet-rs'] })] }, []],
    ['an orphan with what it owns', {
      objects: [obj('Deployment', 'manual'), obj('ReplicaSet', 'manual-1', { owners: ['Deployment-manual'] }), obj('Pod', 'manual-1-a', { owners: ['ReplicaSet-manual-1'] }), obj('Pod', 'naked')],
    }, ['Pod/naked', 'Deployment/manual', 'ReplicaSet/manual-1 (Deployment/manual)', 'Pod/manual-1-a (ReplicaSet/manual-1)']],
    ['what an orphan owns is left out when an app tracks it, or the project does not permit it', {
      objects: [obj('Deployment', 'manual'), obj('ReplicaSet', 'adopted', { owners: ['Deployment-manual'], trackedBy: 'web' }), obj('Pod', 'adopted-a', { owners: ['ReplicaSet-adopted'] }), obj('Secret', 'owned', { owners: ['Deployment-manual'] })],
      permitted: (_g, kind) => kind !== 'Secret',
    }, ['Deployment/manual']],
    ['sorted by group, kind and name (core group first)', { objects: [obj('Deployment', 'b'), obj('ConfigMap', 'z'), obj('ConfigMap', 'a')] }, ['ConfigMap/a', 'ConfigMap/z', 'Deployment/b']],
    ['ignore by kind and name glob', { objects: [obj('ConfigMap', 'cache-1'), stray], ignore: [{ kind: 'ConfigMap', name: 'cache-*' }] }, ['ConfigMap/stray']],
    ['ignore by kind only (any name)', { objects: [obj('ConfigMap', 'cache-1'), stray, obj('Secret', 's')], ignore: [{ kind: 'ConfigMap' }] }, ['Secret/s']],
    ['ignore needs the group to match: no group is the core group', { objects: [obj('Deployment', 'd'), stray], ignore: [{ kind: '*' }] }, ['Deployment/d']],
    ['ignore with a group glob', { objects: [obj('Deployment', 'd'), stray], ignore: [{ group: '*' }] }, []],
    ['kinds the project does not permit are not shown', { objects: [obj('Secret', 's'), stray], permitted: (_g, kind) => kind !== 'Secret' }, ['ConfigMap/stray']],
  ];
  for (const [name, over, expected] of rows) {
    it(name, () => {
      const found = findOrphans({ ...base, ...over });
      assert.deepEqual(found.map((n) => `${n.kind}/${n.name}${n.parentRefs ? ` (${n.parentRefs[0]!.kind}/${n.parentRefs[0]!.name})` : ''}`), expected);
      for (const n of found) assert.equal(n.namespace, over.namespace ?? 'team-a');
    });
  }
  it('a cycle of owners is walked once', () => {
    const a = obj('ConfigMap', 'a', { uid: 'a' });
    const b = obj('ConfigMap', 'b', { uid: 'b', owners: ['a'] });
    const c = obj('ConfigMap', 'c', { uid: 'c', owners: ['b', 'a'] });
    assert.deepEqual(findOrphans({ ...base, objects: [a, b, c] }).map((n) => n.name), ['a', 'b', 'c']);
  });
});

describe('orphanCondition', () => {
  const rows: [string, unknown[], boolean | undefined, string | undefined][] = [
    ['warn with orphans', [1, 2], true, 'Application has 2 orphaned resources'],
    ['warn without orphans', [], true, undefined],
    ['warn unset (Argo CD: off)', [1], undefined, undefined],
    ['warn false', [1], false, undefined],
  ];
  for (const [name, orphans, warn, message] of rows) {
    it(name, () => assert.deepEqual(orphanCondition(orphans, warn), message ? { type: 'OrphanedResourceWarning', message } : undefined));
  }
});
