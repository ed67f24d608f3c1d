// messageShapeIssue: messages too deep or holding NUL are refused whatever their schema allows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { messageShapeIssue, replaceNulInJson } from './message-shape.ts';

const nested = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
const NUL = String.fromCharCode(0);

describe('messageShapeIssue', () => {
  // what | value | issue path (undefined: fine) | message fragment
  const rows: [string, unknown, string | undefined, string][] = [
    ['a flat message', { type: 'heartbeat' }, undefined, ''],
    ['a status five levels deep', { type: 'status', status: { resources: [{ health: { status: 'Healthy' } }] } }, undefined, ''],
    ['64 levels', { result: nested(63) }, undefined, ''],
    ['65 levels', { result: nested(64) }, 'result' + '[0]'.repeat(63), 'at most 64 levels'],
    ['100,000 levels', { type: nested(100_000) }, 'type' + '[0]'.repeat(63), 'at most 64 levels'],
    ['NUL in a value', { event: { message: `a${NUL}b` } }, 'event.message', 'NUL'],
    ['NUL in an array item', { list: ['ok', NUL] }, 'list[1]', 'NUL'],
    ['NUL in a key', { labels: { [`k${NUL}`]: 'v' } }, `labels.k${NUL}`, 'key may not hold'],
    ['a backslash-u text that is not NUL', { message: '\\u0000' }, undefined, ''],
    ['other control characters', { message: '\u0001\u001f\u007f' }, undefined, ''],
  ];
  for (const [what, value, path, fragment] of rows) {
    it(`${what}: ${path === undefined ? 'taken' : 'refused'}`, () => {
      const issue = messageShapeIssue(value);
      assert.equal(issue?.path, path);
      if (issue) assert.match(issue.message, new RegExp(fragment));
    });
  }
});

describe('replaceNulInJson', () => {
  // value | what it decodes to after the replacement
  const rows: [unknown, unknown][] = [
    ['plain', 'plain'],
    ['a\u0000b', 'a\ufffdb'],
    [{ 'k\u0000': ['\u0000\u0000'] }, { 'k\ufffd': ['\ufffd\ufffd'] }],
    ['\\u0000', '\\u0000'], // a literal backslash and "u0000": not a NUL
    ['\\\u0000', '\\\ufffd'], // a literal backslash, then a NUL
  ];
  for (const [value, expected] of rows) {
    it(`clears ${JSON.stringify(value)}`, () => {
      const out = replaceNulInJson(JSON.stringify(value));
      assert.deepEqual(JSON.parse(out), expected);
      assert.equal(messageShapeIssue(JSON.parse(out)), undefined);
    });
  }
});
