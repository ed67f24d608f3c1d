// Table: time, now → relative text; and the absolute hover text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { absoluteTime, relativeTime } from './relative-time.ts';

const now = new Date('2026-12-02T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

describe('relativeTime', () => {
  const rows: [string | undefined | null, string][] = [
    [undefined, ''], [null, ''], ['', ''], ['not a time', ''],
    [ago(0), 'just now'], [ago(4), 'just now'], [ago(-4), 'just now'],
    [ago(5), '5 s ago'], [ago(59), '59 s ago'],
    [ago(60), '1 min ago'], [ago(3599), '59 min ago'],
    [ago(3600), '1 h ago'], [ago(86_399), '23 h ago'],
    [ago(86_400), '1 d ago'], [ago(86_400 * 29), '29 d ago'],
    [ago(86_400 * 30), '1 mo ago'], [ago(86_400 * 400), '1 y ago'],
    [ago(-90), 'in 1 min'], [ago(-7200), 'in 2 h'],
  ];
  for (const [at, expected] of rows) it(`${String(at)} → ${expected || '(empty)'}`, () => assert.equal(relativeTime(at, now), expected));
  it('takes a Date too', () => assert.equal(relativeTime(new Date(now.getTime() - 120_000), now), '2 min ago'));
});

describe('absoluteTime', () => {
  it('is UTC to the second', () => assert.equal(absoluteTime('2026-12-02T01:57:53.123Z'), '2026-12-02 01:57:53 UTC'));
  it('is empty for a bad time', () => assert.equal(absoluteTime('nope'), ''));
});
