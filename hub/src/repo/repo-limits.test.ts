// Table tests for the repository size limits: byte counts as messages say them, and the fetch budget.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FetchBudget, formatBytes, RepoLimitError } from './repo-limits.ts';

describe('formatBytes', () => {
  // [bytes, text]
  const rows: [number, string][] = [[0, '0 bytes'], [1023, '1023 bytes'], [1536, '1.5 KiB'], [256 * 1024 * 1024, '256 MiB'], [3 * 1024 ** 3, '3 GiB']];
  for (const [bytes, text] of rows) it(`${bytes} → ${text}`, () => assert.equal(formatBytes(bytes), text));
});

describe('FetchBudget', () => {
  it('counts up to its limit and throws past it, naming the setting', () => {
    const budget = new FetchBudget(1024);
    budget.add(1000);
    budget.add(24);
    assert.throws(() => budget.add(1), (e: unknown) => e instanceof RepoLimitError && e.limit === 'maxFetchBytes' && /1 KiB \(setting repoMaxFetchBytes\)/.test(e.message));
  });
});
