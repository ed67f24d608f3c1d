// The informer's next step after a watch ends: watch again or relist, the delay, the failure count.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, nextWatchStep, type WatchOutcome, type WatchStep } from './watch-step.ts';

const backoff = { baseMs: 100, maxMs: 1000 };

describe('nextWatchStep', () => {
  // case | outcome | failures before | expected step
  const cases: [string, WatchOutcome, number, WatchStep][] = [
    ['the server closed the stream: watch again at once', { kind: 'ended', progressed: false }, 2, { relist: false, delayMs: 0, failures: 0, report: false }],
    ['410 Gone: relist at once', { kind: 'gone', progressed: false }, 0, { relist: true, delayMs: 0, failures: 0, report: false }],
    ['silent the first time: relist at once, reported', { kind: 'silent', progressed: false }, 0, { relist: true, delayMs: 0, failures: 1, report: true }],
    ['silent again: relist after a backoff', { kind: 'silent', progressed: false }, 2, { relist: true, delayMs: 200, failures: 3, report: true }],
    ['an ERROR event: watch again after a backoff, reported', { kind: 'error', progressed: false, status: { code: 500, message: 'etcd' } }, 0, { relist: false, delayMs: 100, failures: 1, report: true }],
    ['a second ERROR: a longer backoff', { kind: 'error', progressed: false, status: { code: 500 } }, 1, { relist: false, delayMs: 200, failures: 2, report: true }],
    ['a third failure in a row relists', { kind: 'error', progressed: false, status: { code: 500 } }, 2, { relist: true, delayMs: 400, failures: 3, report: true }],
    ['resourceVersion ahead of the server relists', { kind: 'error', progressed: false, status: { code: 504, reason: 'Timeout', message: 'Too large resource version: 99, current: 12' } }, 0, { relist: true, delayMs: 100, failures: 1, report: true }],
    ['a failed request: watch again after a backoff', { kind: 'failed', progressed: false, error: new Error('ECONNREFUSED') }, 0, { relist: false, delayMs: 100, failures: 1, report: true }],
    ['a stream that delivered events before failing starts the count afresh', { kind: 'failed', progressed: true, error: new Error('reset') }, 5, { relist: false, delayMs: 100, failures: 1, report: true }],
    ['the backoff is capped', { kind: 'failed', progressed: false, error: new Error('x') }, 30, { relist: true, delayMs: 1000, failures: 31, report: true }],
  ];
  for (const [name, outcome, failures, expected] of cases) it(name, () => assert.deepEqual(nextWatchStep(outcome, failures, backoff), expected));
});

describe('backoffDelay', () => {
  // failures | delay
  const cases: [number, number][] = [[0, 0], [1, 100], [2, 200], [3, 400], [4, 800], [5, 1000], [1000, 1000]];
  for (const [failures, delay] of cases) it(`${failures} failure(s): ${delay} ms`, () => assert.equal(backoffDelay(failures, backoff), delay));
});
