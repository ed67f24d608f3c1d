// Retrying failed syncs (pure): Argo CD's `syncPolicy.retry`, or a sync's own `retry` (limit,
// backoff duration, factor and maxDuration), and Flux's classification of errors. A stalled failure (the manifests or the spec
// must change: an invalid object, a refused field, an immutable field changed without Force) is
// never retried; a waiting one (something it needs is not there yet: a CRD, a namespace, a webhook
// that is starting) and a retryable one (timeouts, conflicts, server errors) are, while the limit
// allows.

/** Flux's kinds of failure. */
export type FailureClass = 'stalled' | 'waiting' | 'retryable';

/** syncPolicy.retry, as the Application holds it. */
export interface RetryStrategy {
  /** Attempts after the first; negative: unlimited; absent: no retries. */
  limit?: number;
  backoff?: { duration?: string; factor?: number; maxDuration?: string };
}

/** The strategy a run retries by: the operation's own (`app sync --retry-limit`), else the application's syncPolicy.retry. */
export function runRetryStrategy(run: { retry?: RetryStrategy }, syncPolicy: unknown): RetryStrategy | undefined {
  return run.retry ?? (syncPolicy as { retry?: RetryStrategy } | undefined)?.retry;
}

/** Argo CD's defaults: 5 s, doubling, at most 3 minutes. */
const DEFAULT_DURATION_MS = 5_000;
const DEFAULT_FACTOR = 2;
const DEFAULT_MAX_MS = 180_000;

const WAITING = [
  /no matches for kind/i,
  /the server could not find the requested resource/i,
  /the server does not serve/i,
  /namespaces? "[^"]*" not found/i,
  /failed calling webhook/i,
  /connection refused/i,
  /is not established/i,
  /ensure CRDs are installed first/i,
];
const RETRYABLE = [
  /timeout|timed out|deadline exceeded/i,
  /\b(?:409|429|500|502|503|504)\b/,
  /conflict|the object has been modified/i,
  /too many requests|service unavailable|internal error/i,
  /ECONNRESET|EPIPE|socket hang up/i,
];
const STALLED = [
  /\b(?:400|422)\b/,
  /\binvalid\b/i,
  /field is immutable/i,
  /is forbidden/i,
  /must be an integer|unknown hook type|unknown policy/i,
];

/** How a failure message is classified; an unknown one is retryable (the retry limit bounds it). */
export function classifyFailure(message: string): FailureClass {
  if (WAITING.some((re) => re.test(message))) return 'waiting';
  if (RETRYABLE.some((re) => re.test(message))) return 'retryable';
  if (STALLED.some((re) => re.test(message))) return 'stalled';
  return 'retryable';
}

/** Milliseconds of a Go-style duration ("5s", "3m", "1h30m", "500ms"); undefined when malformed. */
export function durationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0);
}

/** The wait before retry number `attempt` (1 for the first retry): duration × factor^(attempt−1), at most maxDuration. */
export function backoffMs(strategy: RetryStrategy, attempt: number): number {
  const base = durationMs(strategy.backoff?.duration) ?? DEFAULT_DURATION_MS;
  const factor = strategy.backoff?.factor ?? DEFAULT_FACTOR;
  const max = durationMs(strategy.backoff?.maxDuration) ?? DEFAULT_MAX_MS;
  return Math.min(max, base * Math.pow(factor, Math.max(0, attempt - 1)));
}

/** Whether a failed attempt (0 = the first) is retried, and when; `message` says why or why not. */
export function retryAfterFailure(strategy: RetryStrategy | undefined, attempt: number, failure: string): { retry: true; afterMs: number; message: string } | { retry: false; message: string } {
  const kind = classifyFailure(failure);
  if (kind === 'stalled') return { retry: false, message: `${failure} (not retried: the manifests must change)` };
  if (!strategy || strategy.limit === undefined || strategy.limit === 0) return { retry: false, message: failure };
  if (strategy.limit > 0 && attempt >= strategy.limit) return { retry: false, message: `${failure} (retry limit of ${strategy.limit} reached)` };
  const afterMs = backoffMs(strategy, attempt + 1);
  const of = strategy.limit > 0 ? `/${strategy.limit}` : '';
  return { retry: true, afterMs, message: `${failure}; retrying in ${Math.round(afterMs / 1000)} s (attempt ${attempt + 1}${of}, ${kind})` };
}
