// Table tests of sync-retry-flags.ts: argocd's retry flags to the sync body's retry strategy.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRetryLimit, syncRetryOf, type SyncRetryBody, type SyncRetryFlags } from './sync-retry-flags.ts';

describe('syncRetryOf', () => {
  // flags | retry strategy, or the usage error's text
  const rows: [SyncRetryFlags, SyncRetryBody | undefined | RegExp][] = [
    [{}, undefined],
    [{ retryLimit: 0 }, undefined],
    [{ retryLimit: 3 }, { limit: 3, backoff: { duration: '5s', factor: 2, maxDuration: '3m0s' } }],
    [{ retryLimit: -1, retryBackoffDuration: '10s' }, { limit: -1, backoff: { duration: '10s', factor: 2, maxDuration: '3m0s' } }],
    [{ retryLimit: 2, retryBackoffDuration: '1s', retryBackoffFactor: 3, retryBackoffMaxDuration: '1m' }, { limit: 2, backoff: { duration: '1s', factor: 3, maxDuration: '1m' } }],
    [{ retryBackoffFactor: 3 }, /--retry-backoff-factor needs --retry-limit/],
    [{ retryLimit: 0, retryBackoffMaxDuration: '1m' }, /--retry-backoff-max-duration needs --retry-limit/],
  ];
  for (const [flags, want] of rows) {
    it(JSON.stringify(flags), () => {
      if (want instanceof RegExp) assert.throws(() => syncRetryOf(flags), want);
      else assert.deepEqual(syncRetryOf(flags), want);
    });
  }
});

describe('parseRetryLimit', () => {
  for (const [text, want] of [['3', 3], ['-1', -1], ['0', 0]] as const) it(text, () => assert.equal(parseRetryLimit(text), want));
  for (const text of ['', 'x', '1.5']) it(`refuses ${JSON.stringify(text)}`, () => assert.throws(() => parseRetryLimit(text), /whole number/));
});
