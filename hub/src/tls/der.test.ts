// DER encodings against known bytes: value | expected hex.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { integer, oid, sequence, time, tlv, utf8String } from './der.ts';

describe('der', () => {
  const rows: [string, Buffer, string][] = [
    ['integer 2', integer(2), '020102'],
    ['integer 0', integer(0), '020100'],
    ['integer with the high bit set gets a sign byte', integer(Buffer.from([0x80])), '02020080'],
    ['integer leading zeros stripped', integer(Buffer.from([0, 0, 0x12])), '020112'],
    ['oid ecdsa-with-SHA256', oid('1.2.840.10045.4.3.2'), '06082a8648ce3d040302'],
    ['oid commonName', oid('2.5.4.3'), '0603550403'],
    ['utf8String', utf8String('hub'), '0c03687562'],
    ['empty sequence', sequence(), '3000'],
    ['long form length', tlv(0x04, Buffer.alloc(200)), `0481c8${'00'.repeat(200)}`],
    ['two-byte length', tlv(0x04, Buffer.alloc(300)).subarray(0, 4), '0482012c'],
    ['UTCTime before 2050', time(new Date('2026-01-02T03:04:05.678Z')), `170d${Buffer.from('260102030405Z').toString('hex')}`],
    ['GeneralizedTime from 2050', time(new Date('2050-01-02T03:04:05Z')), `180f${Buffer.from('20500102030405Z').toString('hex')}`],
  ];
  for (const [name, encoded, hex] of rows) it(name, () => assert.equal(encoded.toString('hex'), hex));
});
