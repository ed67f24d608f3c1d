// What the informer caches keep of a live object: all but the last-applied annotation, our own
// managedFields entry and status-only entries; other writers' entries stay; the input is untouched.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../engine/kube.ts';
import { LAST_APPLIED_ANNOTATION, slimObject } from './slim-object.ts';

const OURS = 'flotilla-agent';
const ours = { manager: OURS, operation: 'Apply', time: '2026-12-01T10:00:00Z', fieldsV1: { 'f:data': { 'f:key': {} }, 'f:metadata': { 'f:labels': {} } } };
const statusOnly = { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', fieldsV1: { 'f:status': { 'f:replicas': {} } } };
const statusWithDot = { manager: 'kubelet', operation: 'Update', fieldsV1: { '.': {}, 'f:status': {} } };
const hpa = { manager: 'hpa', operation: 'Update', subresource: 'scale', fieldsV1: { 'f:spec': { 'f:replicas': {} } } };
const kubectl = { manager: 'kubectl-edit', operation: 'Update', fieldsV1: { 'f:data': { 'f:key': {} } } };
const statusAndLabels = { manager: 'operator', operation: 'Update', subresource: 'status', fieldsV1: { 'f:status': {}, 'f:metadata': { 'f:labels': {} } } };
const tracking = { 'flotilla.dev/tracking-id': 'app:/ConfigMap:ns/a', 'argocd.argoproj.io/sync-options': 'Prune=false' };
const cm = (metadata: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns', uid: 'u1', resourceVersion: '7', ...metadata }, data: { key: 'value' } });

describe('slimObject', () => {
  // case | live object | what the cache keeps
  const cases: [string, KubeObject, KubeObject][] = [
    ['drops our entry, the only one', cm({ managedFields: [ours], labels: { 'app.flotilla.dev/instance': 'app' } }), cm({ labels: { 'app.flotilla.dev/instance': 'app' } })],
    ['drops our entry and status-only ones, keeps the other writers in order', cm({ managedFields: [kubectl, ours, statusOnly, hpa, statusWithDot] }), cm({ managedFields: [kubectl, hpa] })],
    ['keeps a status writer that also owns metadata', cm({ managedFields: [ours, statusAndLabels] }), cm({ managedFields: [statusAndLabels] })],
    ['keeps malformed entries (not ours to judge)', cm({ managedFields: [ours, 'junk', { manager: 'x' }] }), cm({ managedFields: ['junk', { manager: 'x' }] })],
    ['drops the last-applied annotation, keeps the others', cm({ annotations: { ...tracking, [LAST_APPLIED_ANNOTATION]: '{"apiVersion":"v1"}' } }), cm({ annotations: tracking })],
    ['drops both at once', cm({ managedFields: [ours, kubectl], annotations: { [LAST_APPLIED_ANNOTATION]: '{}', ...tracking } }), cm({ managedFields: [kubectl], annotations: tracking })],
    ['an annotation map of only last-applied becomes empty', cm({ annotations: { [LAST_APPLIED_ANNOTATION]: '{}' } }), cm({ annotations: {} })],
    ['keeps an object with nothing to drop', cm({ managedFields: [kubectl], annotations: tracking, ownerReferences: [{ uid: 'p' }] }), cm({ managedFields: [kubectl], annotations: tracking, ownerReferences: [{ uid: 'p' }] })],
    ['keeps spec, status and the other metadata', { ...cm({ managedFields: [ours, statusOnly], generation: 3 }), spec: { replicas: 2 }, status: { observedGeneration: 3 } }, { ...cm({ generation: 3 }), spec: { replicas: 2 }, status: { observedGeneration: 3 } }],
  ];
  for (const [name, live, expected] of cases) it(name, () => assert.deepEqual(slimObject(live, OURS), expected));

  it('leaves its input as it was', () => {
    const live = cm({ managedFields: [ours, kubectl, statusOnly], annotations: { ...tracking, [LAST_APPLIED_ANNOTATION]: '{}' } });
    const before = structuredClone(live);
    slimObject(live, OURS);
    assert.deepEqual(live, before);
  });

  it('returns an object with nothing to drop as it is', () => {
    const live = cm({ managedFields: [kubectl] });
    assert.equal(slimObject(live, OURS), live);
  });
});
