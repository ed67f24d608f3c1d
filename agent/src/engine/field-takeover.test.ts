// Table-driven tests for adoption: which live objects are taken over, and the managedFields patch
// (kubectl's and Argo CD's entries become one Apply entry of ours, the last-applied annotation goes).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from './objects.ts';
import { LAST_APPLIED_ANNOTATION, mergeFields, needsTakeover, takeoverPatch, type ManagedFieldsEntry } from './field-takeover.ts';

const ME = 'flotilla-agent';
const live = (entries: ManagedFieldsEntry[], annotated = false): KubeObject => ({
  apiVersion: 'v1', kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'ns', resourceVersion: '7', managedFields: entries, ...(annotated ? { annotations: { [LAST_APPLIED_ANNOTATION]: '{}', keep: 'me' } } : {}) },
});
const csa: ManagedFieldsEntry = {
  manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1',
  fieldsV1: { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} }, 'f:metadata': { 'f:annotations': { '.': {}, [`f:${LAST_APPLIED_ANNOTATION}`]: {}, 'f:keep': {} } } },
};

describe('needsTakeover', () => {
  // case | entries | last-applied annotation | expected
  const rows: [string, ManagedFieldsEntry[], boolean, boolean][] = [
    ['kubectl client-side apply', [csa], true, true],
    ['Argo CD client-side (Update)', [{ manager: 'argocd-controller', operation: 'Update' }], false, true],
    ['Argo CD server-side (Apply)', [{ manager: 'argocd-controller', operation: 'Apply' }], false, true],
    ['kubectl apply --server-side', [{ manager: 'kubectl', operation: 'Apply' }], false, true],
    ['created before server-side apply', [{ manager: 'before-first-apply', operation: 'Update' }], false, true],
    ['already ours, a later kubectl edit is a second writer', [{ manager: ME, operation: 'Apply' }, { manager: 'kubectl-edit', operation: 'Update' }], false, false],
    ['ours, and kubectl applied client-side again', [{ manager: ME, operation: 'Apply' }, csa], true, true],
    ['a scale subresource write is not taken over', [{ manager: 'kubectl', operation: 'Update', subresource: 'scale' }], false, false],
    ['another controller', [{ manager: 'kube-controller-manager', operation: 'Update' }], false, false],
    ['no managedFields', [], false, false],
  ];
  for (const [name, entries, annotated, expected] of rows) it(name, () => assert.equal(needsTakeover(live(entries, annotated), ME), expected));
});

describe('takeoverPatch', () => {
  it('moves kubectl\'s fields to one Apply entry of ours and drops the annotation', () => {
    const other: ManagedFieldsEntry = { manager: 'kube-controller-manager', operation: 'Update', fieldsV1: { 'f:metadata': { 'f:labels': {} } } };
    const patch = takeoverPatch(live([csa, other], true), ME);
    assert.deepEqual(patch, [
      { op: 'test', path: '/metadata/resourceVersion', value: '7' },
      { op: 'replace', path: '/metadata/managedFields', value: [other, {
        manager: ME, operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', time: '2026-01-01T00:00:00Z',
        fieldsV1: { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} }, 'f:metadata': { 'f:annotations': { '.': {}, 'f:keep': {} } } },
      }] },
      { op: 'remove', path: '/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration' },
    ]);
  });
  it('merges with our Apply entry (one entry per manager)', () => {
    const ours: ManagedFieldsEntry = { manager: ME, operation: 'Apply', fieldsV1: { 'f:data': { 'f:c': {} } } };
    const patch = takeoverPatch(live([ours, { manager: 'argocd-controller', operation: 'Apply', fieldsV1: { 'f:data': { 'f:a': {} } } }]), ME)!;
    const entries = patch[1]!.op === 'replace' ? patch[1]!.value as ManagedFieldsEntry[] : [];
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0]!.fieldsV1, { 'f:data': { 'f:c': {}, 'f:a': {} } });
  });
  it('nothing to take over: no patch', () => assert.equal(takeoverPatch(live([{ manager: ME, operation: 'Apply' }]), ME), undefined));
  it('mergeFields is a deep union', () => assert.deepEqual(mergeFields({ 'f:a': { 'f:x': {} } }, { 'f:a': { 'f:y': {} }, 'f:b': {} }), { 'f:a': { 'f:x': {}, 'f:y': {} }, 'f:b': {} }));
});
