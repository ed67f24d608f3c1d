// sameRevisions: columns are the stored list, the rendered list, and whether they count as the same.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sameRevisions } from './source-revisions.ts';

describe('sameRevisions', () => {
  const cases: [string, string[] | null, string[] | null, boolean][] = [
    ['both single-source', null, null, true],
    ['first render of a multi-source app', null, ['a', 'b'], false],
    ['became single-source', ['a', 'b'], null, false],
    ['same commits', ['a', 'b'], ['a', 'b'], true],
    ['the second (ref) source moved', ['a', 'b'], ['a', 'c'], false],
    ['same commits, other order', ['a', 'b'], ['b', 'a'], false],
    ['a source added', ['a'], ['a', 'b'], false],
    ['empty lists', [], [], true],
  ];
  for (const [name, stored, rendered, same] of cases) {
    it(name, () => assert.equal(sameRevisions(stored, rendered), same));
  }
});
