// Table: live, desired → the predicted live object the Diff tab compares live with.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { predictedLive } from './predicted-live.ts';

describe('predictedLive', () => {
  const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'web', uid: 'u1', labels: { 'app.flotilla.dev/instance': 'web' } }, data: { value: 'hand-edited', extra: 'x' } };
  const rows: [string, unknown, unknown, unknown][] = [
    ['server fields and tracking labels stay; a changed value is replaced', live, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { value: 'v2' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'web', uid: 'u1', labels: { 'app.flotilla.dev/instance': 'web' } }, data: { value: 'v2', extra: 'x' } }],
    ['a key only desired has is added after live keys', { a: 1 }, { b: 2 }, { a: 1, b: 2 }],
    ['lists are replaced whole, not merged', { l: [1, 2, 3] }, { l: [4] }, { l: [4] }],
    ['a scalar replaces a map', { m: { x: 1 } }, { m: 'text' }, { m: 'text' }],
    ['a map replaces a scalar', { m: 'text' }, { m: { x: 1 } }, { m: { x: 1 } }],
    ['no live object: the desired one', undefined, { a: 1 }, { a: 1 }],
    ['null in desired is kept as null', { a: 1 }, { a: null }, { a: null }],
  ];
  for (const [name, l, d, expected] of rows) it(name, () => assert.deepEqual(predictedLive(l, d), expected));
  it('equal objects predict the live object unchanged', () => assert.deepEqual(predictedLive(live, live), live));
});
