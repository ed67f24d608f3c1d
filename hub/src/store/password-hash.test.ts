// Stored password hashes: parsing both formats, refusing corrupt ones, and when to rehash.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CURRENT_SCRYPT_PARAMS, formatPasswordHash, isUsableParams, parsePasswordHash, scryptMaxmem, shouldRehash } from './password-hash.ts';

const salt = Buffer.alloc(16, 1).toString('base64');
const key = Buffer.alloc(32, 2).toString('base64');

describe('password hash format', () => {
  it('defaults to OWASP guidance for scrypt: N=2^17, r=8, p=1', () => {
    assert.deepEqual({ ...CURRENT_SCRYPT_PARAMS }, { N: 131072, r: 8, p: 1 });
    assert.equal(scryptMaxmem(CURRENT_SCRYPT_PARAMS), 256 * 1024 * 1024);
  });

  // name | stored | parsed params and legacy flag, or undefined
  const cases: [string, string, { N: number; r: number; p: number; legacy: boolean } | undefined][] = [
    ['legacy scrypt$salt$key: Node defaults', `scrypt$${salt}$${key}`, { N: 16384, r: 8, p: 1, legacy: true }],
    ['current format', `scrypt$131072$8$1$${salt}$${key}`, { N: 131072, r: 8, p: 1, legacy: false }],
    ['other parameters', `scrypt$1024$4$2$${salt}$${key}`, { N: 1024, r: 4, p: 2, legacy: false }],
    ['not scrypt', `bcrypt$${salt}$${key}`, undefined],
    ['N not a power of two', `scrypt$131071$8$1$${salt}$${key}`, undefined],
    ['N too small', `scrypt$512$8$1$${salt}$${key}`, undefined],
    ['memory over 1 GiB', `scrypt$2097152$8$1$${salt}$${key}`, undefined],
    ['p too large', `scrypt$1024$8$17$${salt}$${key}`, undefined],
    ['not a number', `scrypt$N$8$1$${salt}$${key}`, undefined],
    ['leading zero', `scrypt$01024$8$1$${salt}$${key}`, undefined],
    ['missing key', `scrypt$131072$8$1$${salt}$`, undefined],
    ['short salt', `scrypt$131072$8$1$AAAA$${key}`, undefined],
    ['four parts', `scrypt$131072$${salt}$${key}`, undefined],
    ['empty', '', undefined],
  ];
  for (const [name, stored, want] of cases) {
    it(`parses: ${name}`, () => {
      const got = parsePasswordHash(stored);
      assert.deepEqual(got && { ...got.params, legacy: got.legacy }, want);
    });
  }

  it('formats what it parses', () => {
    const stored = formatPasswordHash({ N: 2048, r: 8, p: 1 }, Buffer.alloc(16, 1), Buffer.alloc(32, 2));
    assert.equal(stored, `scrypt$2048$8$1$${salt}$${key}`);
    assert.deepEqual(parsePasswordHash(stored)?.key, Buffer.alloc(32, 2));
  });

  // name | stored | rehash under current guidance?
  const rehash: [string, string, boolean][] = [
    ['legacy format', `scrypt$${salt}$${key}`, true],
    ['current parameters', `scrypt$131072$8$1$${salt}$${key}`, false],
    ['weaker N', `scrypt$16384$8$1$${salt}$${key}`, true],
    ['other r', `scrypt$131072$16$1$${salt}$${key}`, true],
    ['other p', `scrypt$131072$8$2$${salt}$${key}`, true],
    ['short key', `scrypt$131072$8$1$${salt}$${Buffer.alloc(16).toString('base64')}`, true],
  ];
  for (const [name, stored, want] of rehash) {
    it(`rehash: ${name}`, () => assert.equal(shouldRehash(parsePasswordHash(stored)!, CURRENT_SCRYPT_PARAMS), want));
  }

  it('usable parameters', () => {
    assert.equal(isUsableParams({ N: 1024, r: 1, p: 1 }), true);
    assert.equal(isUsableParams({ N: 1024, r: 0, p: 1 }), false);
    assert.equal(isUsableParams({ N: 1024.5, r: 8, p: 1 }), false);
  });
});
