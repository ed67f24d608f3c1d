// Secret masks as Argo CD's HideSecretData gives them: equal values the same mask, different values
// different masks; digests are HMACs under the request's key, so the same value under another key
// (another request) has another digest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { displayPair, secretDigests, secretMasks, secretValues } from './resource-secrets.ts';
import { SECRET_VALUE_MASK as M } from './resource.ts';

const M2 = `${M}++++`;

// name | desired digests | live digests | masks { desired, live }
const maskRows: [string, Record<string, string | undefined>, Record<string, string | undefined>, { desired: Record<string, string>; live: Record<string, string> }][] = [
  ['equal values: the same mask', { a: 'd1' }, { a: 'd1' }, { desired: { a: M }, live: { a: M } }],
  ['a changed value: a longer mask on live', { a: 'd1' }, { a: 'd2' }, { desired: { a: M }, live: { a: M2 } }],
  ['per key: one changed, one not', { a: 'd1', b: 'd3' }, { a: 'd2', b: 'd3' }, { desired: { a: M, b: M }, live: { a: M2, b: M } }],
  ['a key only desired', { a: 'd1' }, {}, { desired: { a: M }, live: {} }],
  ['a key only live', {}, { a: 'd1' }, { desired: {}, live: { a: M } }],
  ['a digest is compared per key, not across keys', { a: 'd1', b: 'd2' }, { a: 'd2', b: 'd1' }, { desired: { a: M, b: M }, live: { a: M2, b: M2 } }],
  ['an unknown live digest is taken as equal', { a: 'd1' }, { a: undefined }, { desired: { a: M }, live: { a: M } }],
  ['an unknown desired digest is taken as equal', { a: undefined }, { a: 'd2' }, { desired: { a: M }, live: { a: M } }],
  ['nothing', {}, {}, { desired: {}, live: {} }],
];

for (const [name, desired, live, masks] of maskRows) {
  test(`secretMasks: ${name}`, () => assert.deepEqual(secretMasks(desired, live), masks));
}

const secret = (fields: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, ...fields });
const key = Buffer.alloc(32, 7);
const hmac = (k: Buffer, value: string) => createHmac('sha256', k).update(value).digest('base64');

test('secretValues: data decoded, stringData as UTF-8 and winning; other kinds none', () => {
  const values = secretValues(secret({ data: { a: Buffer.from('one').toString('base64'), b: 'Yg==' }, stringData: { b: 'two', c: 'drei' } }))!;
  assert.deepEqual(Object.fromEntries([...values].map(([k, v]) => [k, v.toString()])), { a: 'one', b: 'two', c: 'drei' });
  assert.equal(secretValues({ apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } }), undefined);
  assert.equal(secretValues({ apiVersion: 'example.com/v1', kind: 'Secret', data: { a: 'b' } }), undefined);
});

test('secretDigests: the same value in data or stringData has one digest; another key another digest', () => {
  const fromData = secretDigests(secret({ data: { p: Buffer.from('hunter2').toString('base64') } }), key);
  const fromString = secretDigests(secret({ stringData: { p: 'hunter2' } }), key);
  assert.deepEqual(fromData, { p: hmac(key, 'hunter2') });
  assert.deepEqual(fromString, fromData);
  assert.notDeepEqual(secretDigests(secret({ stringData: { p: 'hunter2' } }), Buffer.alloc(32, 8)), fromData);
  assert.equal(secretDigests({ kind: 'ConfigMap', data: {} }, key), undefined);
});

test('displayPair: a changed value shows different masks, an unchanged one the same; values and digests never shown', () => {
  const desired = secret({ stringData: { same: 'keep', changed: 'new-value', added: 'x' } });
  const live = secret({ data: { same: M, changed: M, extra: M } });
  const liveDigests = { same: hmac(key, 'keep'), changed: hmac(key, 'old-value'), extra: hmac(key, 'e'), notInLive: 'ignored' };
  const shown = displayPair(desired, live, liveDigests, key);
  assert.deepEqual(shown.desired?.data, { same: M, changed: M, added: M });
  assert.deepEqual(shown.live?.data, { same: M, changed: M2, extra: M });
  assert.equal(shown.desired?.stringData, undefined);
  const text = JSON.stringify(shown);
  for (const hidden of ['keep', 'new-value', ...Object.values(liveDigests)]) assert.ok(!text.includes(hidden), `${hidden} is not shown`);
});

test('displayPair: without live digests (an agent that sends none) every value shows the first mask', () => {
  const shown = displayPair(secret({ stringData: { p: 'a' } }), secret({ data: { p: 'Yg==' } }), undefined, key);
  assert.deepEqual([shown.desired?.data, shown.live?.data], [{ p: M }, { p: M }]);
});

test('displayPair: a careless agent that sent values gets them masked; other kinds only lose managedFields', () => {
  const shown = displayPair(undefined, secret({ data: { p: 'aHVudGVyMg==' } }), { p: 'x' }, key);
  assert.deepEqual(shown, { live: secret({ data: { p: M } }) });
  const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', managedFields: [] }, data: { a: '1' } };
  assert.deepEqual(displayPair(config, config, undefined, key), { desired: { ...config, metadata: { name: 'c' } }, live: { ...config, metadata: { name: 'c' } } });
});
