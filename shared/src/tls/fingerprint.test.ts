// Fingerprint parsing and comparison: input | canonical form (undefined: not a fingerprint).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { fingerprintOf, isSameFingerprint, parseFingerprint } from './fingerprint.ts';

const hex = createHash('sha256').update('certificate').digest('hex');
const canonical = hex.toUpperCase().match(/../g)!.join(':');

describe('parseFingerprint', () => {
  const rows: [string, string | undefined][] = [
    [canonical, canonical],
    [canonical.toLowerCase(), canonical],
    [hex, canonical],
    [`sha256:${hex}`, canonical],
    [`SHA256:${canonical}`, canonical],
    [`SHA-256=${canonical}`, canonical],
    [`  ${canonical}\n`, canonical],
    [hex.slice(2), undefined],
    [`${hex}00`, undefined],
    [hex.replace(/^./, 'g'), undefined],
    ['', undefined],
    [`sha1:${hex}`, undefined],
  ];
  for (const [input, expected] of rows) {
    it(`${JSON.stringify(input.slice(0, 24))}… → ${expected ? 'canonical' : 'undefined'}`, () => assert.equal(parseFingerprint(input), expected));
  }
});

describe('isSameFingerprint', () => {
  const other = createHash('sha256').update('another').digest('hex');
  const rows: [string, string, boolean][] = [
    [canonical, hex, true],
    [`sha256:${hex}`, canonical.toLowerCase(), true],
    [canonical, other, false],
    ['garbage', 'garbage', false],
    ['', '', false],
  ];
  for (const [a, b, expected] of rows) it(`${a.slice(0, 12)} vs ${b.slice(0, 12)} → ${expected}`, () => assert.equal(isSameFingerprint(a, b), expected));
});

describe('fingerprintOf', () => {
  it('hashes the DER bytes into the canonical form', () => assert.equal(fingerprintOf(Buffer.from('certificate')), canonical));
});
