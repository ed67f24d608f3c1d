// storeInputError: which errors are the caller's (PostgreSQL data exceptions) and become a 400.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeInputError } from './store-input-error.ts';

describe('storeInputError', () => {
  // what | error | 400?
  const rows: [string, unknown, boolean][] = [
    ['NUL in text (22021)', { code: '22021', severity: 'ERROR', message: 'invalid byte sequence for encoding "UTF8": 0x00' }, true],
    ['NUL in JSON (22P05)', { code: '22P05', severity: 'ERROR', message: 'unsupported Unicode escape sequence' }, true],
    ['number out of range (22003)', { code: '22003', severity: 'ERROR', message: 'value "99999999999999999999" is out of range for type bigint' }, true],
    ['unique violation (23505)', { code: '23505', severity: 'ERROR', message: 'duplicate key' }, false],
    ['connection refused', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, false],
    ['a Node error that looks like class 22', { code: '22021', message: 'not from PostgreSQL' }, false],
    ['a plain Error', new Error('boom'), false],
    ['undefined', undefined, false],
  ];
  for (const [what, error, is400] of rows) {
    it(`${what}: ${is400 ? '400' : 'not mapped'}`, () => {
      const mapped = storeInputError(error);
      assert.equal(mapped !== undefined, is400);
      if (mapped) {
        assert.equal(mapped.statusCode, 400);
        assert.equal(mapped.code, 'FLT_ERR_INVALID_INPUT');
      }
    });
  }
});
