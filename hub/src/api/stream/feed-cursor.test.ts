// advanceCursor: holes left by transactions that commit out of id order are asked for again, and
// forgotten once they stay empty past their time to live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advanceCursor, cursorAt, MAX_GAPS } from './feed-cursor.ts';

// name | cursor before (last, gaps as [id, foundAt]) | ids read | now | expected last | expected gaps
const rows: [string, number, [number, number][], number[], number, number, [number, number][]][] = [
  ['contiguous ids leave no hole', 10, [], [11, 12, 13], 100, 13, []],
  ['an id committed late opens a hole', 10, [], [12], 100, 12, [[11, 100]]],
  ['a late commit fills its hole', 12, [[11, 100]], [11, 13], 200, 13, []],
  ['several holes at once', 0, [], [3, 6], 50, 6, [[1, 50], [2, 50], [4, 50], [5, 50]]],
  ['a hole past its time to live is forgotten', 12, [[11, 100]], [], 1_200, 12, []],
  ['a hole within its time to live stays', 12, [[11, 100]], [], 1_000, 12, [[11, 100]]],
  ['nothing read changes nothing', 5, [], [], 0, 5, []],
];

for (const [name, last, gaps, ids, now, wantLast, wantGaps] of rows) {
  test(`advanceCursor: ${name}`, () => {
    const next = advanceCursor({ last, gaps: new Map(gaps) }, ids, now, 1_000);
    assert.equal(next.last, wantLast);
    assert.deepEqual([...next.gaps].sort((a, b) => a[0] - b[0]), wantGaps);
  });
}

test('advanceCursor: holes are bounded', () => {
  const next = advanceCursor(cursorAt(0), [MAX_GAPS * 3], 0, 1_000);
  assert.equal(next.last, MAX_GAPS * 3);
  assert.equal(next.gaps.size, MAX_GAPS);
});
