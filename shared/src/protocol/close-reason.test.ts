import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeReason, MAX_CLOSE_REASON_BYTES, truncateUtf8 } from './close-reason.ts';

describe('truncateUtf8', () => {
  // text, max bytes, expected
  const rows: [string, number, string][] = [
    ['short', 123, 'short'],
    ['', 10, ''],
    ['abcdef', 6, 'abcdef'],
    ['abcdefg', 6, 'abc…'],
    ['ééééé', 7, 'éé…'], // 2-byte characters: 'éé' is 4 bytes, '…' 3
    ['😀😀😀', 9, '😀…'], // a 4-byte character is never split
    ['abc', 2, ''], // no room even for the ellipsis
  ];
  for (const [text, max, expected] of rows) {
    it(`cuts ${JSON.stringify(text)} to ${max} bytes`, () => {
      const out = truncateUtf8(text, max);
      assert.equal(out, expected);
      assert.ok(Buffer.byteLength(out) <= max);
    });
  }
});

describe('closeReason', () => {
  it('keeps a reason built from 200 bytes of multi-byte characters within 123 bytes', () => {
    const reason = closeReason(`unknown message type ${JSON.stringify('ж'.repeat(100))}`);
    assert.ok(Buffer.byteLength(reason) <= MAX_CLOSE_REASON_BYTES, `${Buffer.byteLength(reason)} bytes`);
    assert.ok(reason.startsWith('unknown message type "жж'));
  });
});
