// Tables: a first page → its list's count; labels; counting a whole list.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countItems, countLabel, countOf, type Count, type ListPage } from './counts.ts';

describe('countOf', () => {
  const rows: [string, ListPage, Count][] = [
    ['an API without paging: the items', { items: [1, 2, 3] }, { value: 3, atLeast: false }],
    ['the last page', { items: [1], metadata: {} }, { value: 1, atLeast: false }],
    ['a page and what remains', { items: [1], metadata: { continue: 't', remainingItemCount: 41 } }, { value: 42, atLeast: false }],
    ['more without a count: a lower bound', { items: [1], metadata: { continue: 't' } }, { value: 1, atLeast: true }],
    ['none', { items: [], metadata: { remainingItemCount: 0 } }, { value: 0, atLeast: false }],
  ];
  for (const [name, page, expected] of rows) it(name, () => assert.deepEqual(countOf(page), expected));
});

describe('countLabel', () => {
  it('exact', () => assert.equal(countLabel('Synced', { value: 3, atLeast: false }), 'Synced 3'));
  it('lower bound', () => assert.equal(countLabel('OutOfSync', { value: 1, atLeast: true }), 'OutOfSync 1+'));
});

describe('countItems', () => {
  it('counts every status, a missing one as Unknown', () => {
    const { sync, health } = countItems([
      { status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } } },
      { status: { sync: { status: 'OutOfSync' }, health: { status: 'Degraded' } } },
      { status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } } },
      {},
    ]);
    assert.deepEqual([...sync].map(([s, c]) => `${s} ${c.value}`), ['Synced 2', 'OutOfSync 1', 'Unknown 1']);
    assert.deepEqual([...health].map(([s, c]) => `${s} ${c.value}`), ['Healthy 2', 'Progressing 0', 'Suspended 0', 'Missing 0', 'Degraded 1', 'Unknown 1']);
  });
});
