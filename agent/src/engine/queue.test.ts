// The queue never runs one name twice at once and reruns a name queued while it ran.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppQueue } from './queue.ts';

describe('AppQueue', () => {
  it('coalesces, reruns after a running reconcile, and bounds concurrency', async () => {
    const log: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const gates = new Map<string, () => void>();
    const queue = new AppQueue(async (name) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      log.push(`start ${name}`);
      await new Promise<void>((r) => (name === 'a' && !gates.has('a-done') ? gates.set('a', r) : setTimeout(r, 5)));
      log.push(`end ${name}`);
      inFlight--;
    }, 2);
    queue.add('a', 'b', 'c');
    queue.add('a'); // while a runs: once more afterwards
    queue.add('a'); // coalesced
    await new Promise((r) => setTimeout(r, 30));
    gates.set('a-done', () => {});
    gates.get('a')!();
    await queue.idle();
    assert.equal(log.filter((l) => l === 'start a').length, 2);
    assert.equal(log.filter((l) => l === 'start b').length, 1);
    assert.equal(log.filter((l) => l === 'start c').length, 1);
    assert.ok(maxInFlight <= 2);
    assert.ok(log.indexOf('end a') < log.lastIndexOf('start a'), 'the second run of a starts after the first ended');
  });
});
