// objectForDisplay: Secret values never leave masked-free; managedFields never shown; other kinds untouched otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { objectForDisplay, SECRET_VALUE_MASK as M } from './resource.ts';

const lastApplied = { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"aHVudGVyMg=="}}', team: 'a' };

// name | object | shown
const rows: [string, Record<string, unknown>, Record<string, unknown>][] = [
  ['a Secret: data and stringData masked, last-applied dropped, managedFields dropped',
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', annotations: lastApplied, managedFields: [{ manager: 'x' }] }, data: { password: 'aHVudGVyMg==' }, stringData: { token: 'abc' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', annotations: { team: 'a' } }, data: { password: M }, stringData: { token: M } }],
  ['a Secret without data', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }],
  ['a ConfigMap keeps data and last-applied, loses managedFields',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: lastApplied, managedFields: [] }, data: { a: '1' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: lastApplied }, data: { a: '1' } }],
  ['a CRD kind named Secret in another group is not a core Secret',
    { apiVersion: 'example.com/v1', kind: 'Secret', metadata: { name: 'x' }, data: { a: 'b' } },
    { apiVersion: 'example.com/v1', kind: 'Secret', metadata: { name: 'x' }, data: { a: 'b' } }],
];

for (const [name, obj, shown] of rows) {
  test(`objectForDisplay: ${name}`, () => {
    const before = structuredClone(obj);
    assert.deepEqual(objectForDisplay(obj), shown);
    assert.deepEqual(obj, before, 'the input is not changed');
  });
}
