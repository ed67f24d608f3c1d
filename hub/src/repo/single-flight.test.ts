// SingleFlight: callers with the same key (or any key in common) while a run is going share it;
// once it settles, a new caller runs again. Columns: the key sets of callers arriving while the
// first run is still going, and how many runs that makes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SingleFlight } from './single-flight.ts';

describe('SingleFlight', () => {
  const cases: [string, string[][], number][] = [
    ['one caller', [['a']], 1],
    ['two callers, one key', [['a'], ['a']], 1],
    ['two callers, other keys', [['a'], ['b']], 2],
    ['a sources key and a content key: the content key meets', [['src-1', 'content'], ['src-2', 'content']], 1],
    ['a hard refresh (sources key only) meets a content-keyed run', [['src-1', 'content'], ['src-1']], 1],
    ['a hard refresh first, then a content-keyed caller of the same sources', [['src-1'], ['src-1', 'content']], 1],
    ['three callers, the third shares no key', [['a'], ['a', 'k'], ['b']], 2],
    ['no keys in common at all', [['a', 'k'], ['b', 'l'], ['c']], 3],
  ];
  for (const [name, callers, runs] of cases) {
    it(name, async () => {
      const flights = new SingleFlight<string>();
      let started = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const calls = callers.map((keys) => flights.run(keys, async () => {
        started++;
        await gate;
        return keys.join(',');
      }));
      assert.equal(started, runs, 'runs started');
      release();
      const results = await Promise.all(calls.map((c) => c.promise));
      assert.equal(calls.filter((c) => !c.joined).length, runs, 'callers that ran');
      for (const [i, c] of calls.entries()) if (!c.joined) assert.equal(results[i], callers[i]!.join(','), 'a runner gets its own result');
      assert.equal(flights.size, 0, 'every key forgotten once settled');
    });
  }

  it('runs again once the run has settled', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    await flights.run(['a'], async () => ++runs).promise;
    const again = flights.run(['a'], async () => ++runs);
    assert.equal(again.joined, false);
    assert.equal(await again.promise, 2);
  });

  it('shares a failure with the callers that joined, then forgets it', async () => {
    const flights = new SingleFlight<number>();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = flights.run(['a'], async () => {
      await gate;
      throw new Error('render failed');
    });
    const second = flights.run(['a'], async () => 1);
    assert.equal(second.joined, true);
    release();
    await assert.rejects(first.promise, /render failed/);
    await assert.rejects(second.promise, /render failed/);
    assert.equal(await flights.run(['a'], async () => 2).promise, 2);
  });

  it('turns a synchronous throw into a rejection and forgets the key', async () => {
    const flights = new SingleFlight<number>();
    await assert.rejects(flights.run(['a'], () => { throw new Error('boom'); }).promise, /boom/);
    assert.equal(flights.size, 0);
  });
});
