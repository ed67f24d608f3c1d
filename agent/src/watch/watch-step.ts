// What an informer does after one watch request ends, and how long it waits first. A stream the
// server closed (its timeoutSeconds) is watched again at once from the last resourceVersion. A
// stream that fell silent (not even a bookmark within the idle limit: a half-open connection) or
// a 410 Gone is relisted. An ERROR event or a failed request is reported and watched again after
// an exponential backoff; an ERROR that says the resourceVersion is ahead of the server (an etcd
// restored from backup), or a third failure in a row, relists instead, since watching again from
// the same place would fail the same way. A stream that delivered events before it broke starts
// the count afresh. Pure: the informer runs the steps.
import type { WatchErrorStatus } from './watch-event.ts';

/** How one watch request ended. */
export type WatchOutcome =
  | { kind: 'ended'; progressed: boolean }
  | { kind: 'silent'; progressed: boolean }
  | { kind: 'gone'; progressed: boolean }
  | { kind: 'error'; progressed: boolean; status: WatchErrorStatus }
  | { kind: 'failed'; progressed: boolean; error: unknown };

/** Exponential backoff bounds. */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** What to do next: relist first or not, after how long, and the failure count to carry on with. */
export interface WatchStep {
  relist: boolean;
  delayMs: number;
  failures: number;
  /** Whether the outcome is worth telling the operator (silence, ERROR events, failures). */
  report: boolean;
}

/** Consecutive failures after which an ERROR or failure relists rather than watching again. */
export const RELIST_AFTER_FAILURES = 3;

/** The delay before attempt number `failures` (0: none). */
export function backoffDelay(failures: number, backoff: Backoff): number {
  if (failures <= 0) return 0;
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(failures - 1, 20));
}

/** Whether an ERROR says the watch asked for a resourceVersion the server does not have yet. */
export function isTooLargeResourceVersion(status: WatchErrorStatus): boolean {
  return /too large resource version/i.test(status.message ?? '');
}

/** The next step after a watch ended this way, with `failures` failed attempts in a row before it. */
export function nextWatchStep(outcome: WatchOutcome, failures: number, backoff: Backoff): WatchStep {
  const before = outcome.progressed ? 0 : failures;
  switch (outcome.kind) {
    case 'ended':
      return { relist: false, delayMs: 0, failures: 0, report: false };
    case 'gone':
      return { relist: true, delayMs: 0, failures: before, report: false };
    case 'silent':
      return { relist: true, delayMs: backoffDelay(before, backoff), failures: before + 1, report: true };
    case 'error':
    case 'failed': {
      const next = before + 1;
      const stuck = outcome.kind === 'error' && isTooLargeResourceVersion(outcome.status);
      return { relist: stuck || next >= RELIST_AFTER_FAILURES, delayMs: backoffDelay(next, backoff), failures: next, report: true };
    }
  }
}
