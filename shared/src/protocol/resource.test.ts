// objectForDisplay: Secret values never leave unmasked (stringData folded into data); managedFields never shown; other kinds untouched otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { objectForDisplay, SECRET_VALUE_MASK as M } from './resource.ts';

const lastApplied = { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"aHVudGVyMg=="}}', team: 'a' };

// name | object | shown | masks
const rows: [string, Record<string, unknown>, Record<string, unknown>, Record<string, string>?][] = [
  ['a Secret: stringData folded into data, every value masked, last-applied dropped, managedFields dropped',
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', annotations: lastApplied, managedFields: [{ manager: 'x' }] }, data: { password: 'aHVudGVyMg==' }, stringData: { token: 'abc', password: 'x' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', annotations: { team: 'a' } }, data: { password: M, token: M } }],
  ['a Secret with masks given: those masks, the first mask for keys without one',
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'YQ==', b: 'Yg==' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: `${M}++++`, b: M } }, { a: `${M}++++` }],
  ['a Secret with an empty data map keeps it empty', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: {} }, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: {} }],
  ['a Secret without data', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }],
  ['a ConfigMap keeps data and last-applied, loses managedFields',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: lastApplied, managedFields: [] }, data: { a: '1' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: lastApplied }, data: { a: '1' } }],
  ['a CRD kind named Secret in another group is not a core Secret',
    { apiVersion: 'example.com/v1', kind: 'Secret', metadata: { name: 'x' }, data: { a: 'b' } },
    { apiVersion: 'example.com/v1', kind: 'Secret', metadata: { name: 'x' }, data: { a: 'b' } }],
];

for (const [name, obj, shown, masks] of rows) {
  test(`objectForDisplay: ${name}`, () => {
    const before = structuredClone(obj);
    assert.deepEqual(objectForDisplay(obj, masks), shown);
    assert.deepEqual(obj, before, 'the input is not changed');
  });
}
