// Table tests for the dangling-HEAD workaround: a v1 ref advertisement without HEAD gets one;
// everything else (HEAD present, no refs, protocol v2, not pkt-lines) passes through unchanged.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { advertiseDanglingHead } from './ref-advertisement.ts';

const pkt = (text: string) => `${(Buffer.byteLength(text) + 4).toString(16).padStart(4, '0')}${text}`;
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const SERVICE = pkt('# service=git-upload-pack\n') + '0000';
const CAPS = '\0multi_ack side-band-64k ofs-delta agent=git/2.47\n';

describe('advertiseDanglingHead', () => {
  // [case, advertisement, expected (undefined: unchanged)]
  const rows: [string, string, string | undefined][] = [
    ['HEAD dangles: a HEAD line names the first ref', SERVICE + pkt(`${A} refs/heads/main${CAPS}`) + pkt(`${B} refs/tags/v1\n`) + '0000',
      SERVICE + pkt(`${A} refs/heads/main${CAPS}`) + pkt(`${A} HEAD\n`) + pkt(`${B} refs/tags/v1\n`) + '0000'],
    ['HEAD advertised', SERVICE + pkt(`${A} HEAD${CAPS.replace('\n', ' symref=HEAD:refs/heads/main\n')}`) + pkt(`${A} refs/heads/main\n`) + '0000', undefined],
    ['no refs at all', SERVICE + pkt(`${'0'.repeat(40)} capabilities^{}${CAPS}`) + '0000', undefined],
    ['protocol v2', SERVICE + pkt('version 2\n') + pkt('ls-refs=unborn\n') + '0000', undefined],
    ['not pkt-lines', '<html>sign in</html>', undefined],
    ['empty', '', undefined],
  ];
  for (const [name, input, expected] of rows) {
    it(name, () => assert.equal(advertiseDanglingHead(Buffer.from(input)).toString('latin1'), expected ?? input));
  }
});
