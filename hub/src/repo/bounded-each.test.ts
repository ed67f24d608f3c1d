// boundedEach: columns are the item count, the limit, and the most tasks that may run at once
// (the limit, or fewer items). Every task waits until released, so the peak is what the limit
// allows, not what the timing happens to give.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { boundedEach } from './bounded-each.ts';

/** Runs boundedEach over `count` items whose tasks finish only when the test releases them, one by one. */
async function run(count: number, limit: number, fail: Set<number> = new Set()) {
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const finished: number[] = [];
  const waiting: (() => void)[] = [];
  const done = boundedEach(Array.from({ length: count }, (_, i) => i), limit, async (item) => {
    started.push(item);
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => waiting.push(resolve));
    running--;
    finished.push(item);
    if (fail.has(item)) throw new Error(`task ${item} failed`);
  });
  const settled = done.then(() => undefined, (error: unknown) => error as Error);
  // Release the oldest waiting task until all have finished.
  while (finished.length < count) {
    await new Promise((resolve) => setImmediate(resolve));
    waiting.shift()?.();
  }
  return { peak, started, error: await settled };
}

describe('boundedEach', () => {
  const cases: [number, number, number][] = [
    [0, 2, 0],
    [1, 2, 1],
    [2, 2, 2],
    [5, 2, 2],
    [5, 1, 1],
    [3, 8, 3],
    [4, 0, 1], // a limit under one runs one at a time
  ];
  for (const [count, limit, peak] of cases) {
    it(`${count} items, limit ${limit}: at most ${peak} at once, started in order`, async () => {
      const result = await run(count, limit);
      assert.equal(result.peak, peak);
      assert.deepEqual(result.started, Array.from({ length: count }, (_, i) => i));
      assert.equal(result.error, undefined);
    });
  }

  it('runs every item when some fail, then rejects with the first failure in item order', async () => {
    const result = await run(6, 2, new Set([4, 1]));
    assert.deepEqual(result.started, [0, 1, 2, 3, 4, 5]);
    assert.match(String(result.error), /task 1 failed/);
  });
});
