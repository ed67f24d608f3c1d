// RepoLocks: columns are the work arriving at one cache, in order (r: a read, w: a fetch), and
// which of them run at once at each step, each step ending when the earliest running one ends.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RepoLocks } from './repo-locks.ts';

/** Runs the kinds in order on one gitdir; answers the sets that ran together, step by step. */
async function phases(kinds: string): Promise<string[]> {
  const locks = new RepoLocks();
  const running = new Set<number>();
  const releases = new Map<number, () => void>();
  const all = [...kinds].map((kind, i) => (kind === 'w' ? locks.writing.bind(locks) : locks.reading.bind(locks))('/cache/a', async () => {
    running.add(i);
    await new Promise<void>((resolve) => releases.set(i, resolve));
    running.delete(i);
  }));
  const steps: string[] = [];
  while (steps.length <= kinds.length) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!running.size) break;
    const now = [...running].sort((a, b) => a - b);
    steps.push(now.map((i) => `${kinds[i]}${i}`).join(' '));
    releases.get(now[0]!)!();
    releases.delete(now[0]!);
  }
  await Promise.all(all);
  assert.equal(locks.busy, 0, 'the lock is dropped once idle');
  return steps;
}

describe('RepoLocks', () => {
  const cases: [string, string, string[]][] = [
    ['reads run side by side', 'rr', ['r0 r1', 'r1']],
    ['fetches run one at a time', 'ww', ['w0', 'w1']],
    ['a fetch waits for the reads before it', 'rrw', ['r0 r1', 'r1', 'w2']],
    ['reads after a waiting fetch wait for it', 'rwr', ['r0', 'w1', 'r2']],
    ['reads after a fetch run together once it is done', 'wrr', ['w0', 'r1 r2', 'r2']],
  ];
  for (const [name, kinds, steps] of cases) {
    it(name, async () => assert.deepEqual(await phases(kinds), steps));
  }

  it('runs the next work after a failed one, and passes the failure on', async () => {
    const locks = new RepoLocks();
    await assert.rejects(locks.writing('/cache/a', async () => { throw new Error('fetch failed'); }), /fetch failed/);
    assert.equal(await locks.reading('/cache/a', async () => 'read'), 'read');
    assert.equal(locks.busy, 0);
  });

  it('keeps caches apart', async () => {
    const locks = new RepoLocks();
    let release!: () => void;
    const fetching = locks.writing('/cache/a', () => new Promise<void>((resolve) => (release = resolve)));
    assert.equal(await locks.writing('/cache/b', async () => 'b'), 'b', 'another cache is not held up');
    release();
    await fetching;
  });
});
