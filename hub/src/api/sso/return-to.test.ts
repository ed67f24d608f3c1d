// safeReturnTo: columns are the return_to given and the path the browser is sent to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeReturnTo } from './return-to.ts';

const cases: Array<[unknown, string]> = [
  ['/applications', '/applications'],
  ['/applications/guestbook?tab=diff#x', '/applications/guestbook?tab=diff#x'],
  ['/', '/'],
  [undefined, '/'],
  ['', '/'],
  [42, '/'],
  ['applications', '/'],
  ['//evil.example', '/'],
  ['//evil.example/path', '/'],
  ['/\\evil.example', '/'],
  ['/\t/evil.example', '/'],
  ['/\n/evil.example', '/'],
  ['https://evil.example/', '/'],
  ['javascript:alert(1)', '/'],
  ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ['/a/../b', '/b'],
  ['/.//evil.example', '/'],
  ['/..//evil.example', '/'],
  ['/a/..//evil.example', '/'],
  ['/%2e//evil.example', '/'],
  ['/%2E%2E//evil.example/x', '/'],
  ['/./a//b', '/a//b'],
  [`/${'a'.repeat(3000)}`, '/'],
];

test('return_to keeps same-origin paths only', () => {
  for (const [given, expected] of cases) assert.equal(safeReturnTo(given), expected, JSON.stringify(given));
});
