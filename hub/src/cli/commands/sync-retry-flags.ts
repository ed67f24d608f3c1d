// `app sync`'s retry flags, as argocd's (pure): --retry-limit N (negative: unlimited) with
// --retry-backoff-duration (5s), --retry-backoff-factor (2) and --retry-backoff-max-duration (3m0s)
// become the sync's own retry strategy; without a non-zero limit there is none (the
// application's syncPolicy.retry applies), and backoff flags without a limit are refused.
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../errors.ts';

/** The retry flags of `app sync`. */
export interface SyncRetryFlags {
  retryLimit?: number;
  retryBackoffDuration?: string;
  retryBackoffFactor?: number;
  retryBackoffMaxDuration?: string;
}

/** The sync body's `retry` (Argo CD's RetryStrategy). */
export interface SyncRetryBody {
  limit: number;
  backoff: { duration: string; factor: number; maxDuration: string };
}

/** Option parser for --retry-limit: an integer, negative for unlimited. */
export function parseRetryLimit(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || value.trim() === '') throw new InvalidArgumentError('expected a whole number (negative: unlimited)');
  return n;
}

/** The retry strategy the flags ask for, or undefined (no --retry-limit, or 0, as argocd). */
export function syncRetryOf(flags: SyncRetryFlags): SyncRetryBody | undefined {
  if (flags.retryLimit === undefined || flags.retryLimit === 0) {
    const stray = (['retryBackoffDuration', 'retryBackoffFactor', 'retryBackoffMaxDuration'] as const).filter((k) => flags[k] !== undefined);
    if (stray.length) throw new UsageError(`--${stray[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --retry-limit (not 0)`);
    return undefined;
  }
  return {
    limit: flags.retryLimit,
    backoff: { duration: flags.retryBackoffDuration ?? '5s', factor: flags.retryBackoffFactor ?? 2, maxDuration: flags.retryBackoffMaxDuration ?? '3m0s' },
  };
}
