// findManifest: the bundle manifest a resource-tree reference names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findManifest, groupOf } from './desired-manifest.ts';

const manifests = [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'other' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' } },
];

// name | ref | destination namespace | index of the manifest found (-1: none)
const rows: [string, { group: string; kind: string; namespace?: string; name: string }, string | undefined, number][] = [
  ['no namespace in the manifest: the destination namespace', { group: 'apps', kind: 'Deployment', namespace: 'prod', name: 'web' }, 'prod', 0],
  ['no namespace in the manifest, another namespace asked', { group: 'apps', kind: 'Deployment', namespace: 'dev', name: 'web' }, 'prod', -1],
  ['a namespace in the manifest must match', { group: '', kind: 'ConfigMap', namespace: 'other', name: 'web' }, 'prod', 1],
  ['a namespace in the manifest, the destination asked', { group: '', kind: 'ConfigMap', namespace: 'prod', name: 'web' }, 'prod', -1],
  ['cluster-scoped, no namespace asked', { group: '', kind: 'Namespace', name: 'web' }, 'prod', 2],
  ['the group counts', { group: 'extensions', kind: 'Deployment', namespace: 'prod', name: 'web' }, 'prod', -1],
  ['a group with dots', { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' }, undefined, 3],
  ['an empty namespace is none', { group: '', kind: 'Namespace', namespace: '', name: 'web' }, 'prod', 2],
];

for (const [name, ref, destination, index] of rows) {
  test(`findManifest: ${name}`, () => {
    assert.equal(findManifest(manifests, ref, destination), index < 0 ? undefined : manifests[index]);
  });
}

test('groupOf: core and named groups', () => {
  assert.deepEqual(['v1', 'apps/v1', 'a.b/v2', undefined].map(groupOf), ['', 'apps', 'a.b', '']);
});
