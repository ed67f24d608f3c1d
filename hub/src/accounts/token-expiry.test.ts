// parseExpiresIn: [input, seconds or the start of the error message].
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expiryOf, parseExpiresIn } from './token-expiry.ts';

const cases: [number | string | undefined, number | string][] = [
  [undefined, 0],
  ['', 0],
  [0, 0],
  [3600, 3600],
  ['3600', 3600],
  ['90s', 90],
  ['90m', 5400],
  ['24h', 86_400],
  ['7d', 604_800],
  ['2w', 1_209_600],
  ['1h30m', 5400],
  ['1d12h', 129_600],
  [-1, 'must be a whole number'],
  [1.5, 'must be a whole number'],
  ['24', 24],
  ['24 h', '"24 h" is not a duration'],
  ['h', '"h" is not a duration'],
  ['1y', '"1y" is not a duration'],
  ['1h-30m', '"1h-30m" is not a duration'],
  ['36600d', 'must be at most 100 years'],
];

describe('parseExpiresIn', () => {
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => {
      const result = parseExpiresIn(input);
      if (typeof expected === 'number') assert.deepEqual(result, { seconds: expected });
      else assert.ok('error' in result && result.error.startsWith(expected), JSON.stringify(result));
    });
  }
});

describe('expiryOf', () => {
  it('never expires for 0, else now plus the lifetime', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    assert.equal(expiryOf(now, 0), null);
    assert.equal(expiryOf(now, 86_400)?.toISOString(), '2026-12-02T00:00:00.000Z');
  });
});
