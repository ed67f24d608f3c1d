// Reading watch stream lines: changes, bookmarks, ERROR events (410 Gone apart from the rest) and
// lines that are not watch events.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseWatchEvent, type WatchEvent } from './watch-event.ts';

const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n', resourceVersion: '7' } };

describe('parseWatchEvent', () => {
  // case | line | expected event
  const cases: [string, string, WatchEvent][] = [
    ['an added object', JSON.stringify({ type: 'ADDED', object: cm }), { type: 'ADDED', object: cm }],
    ['a modified object', JSON.stringify({ type: 'MODIFIED', object: cm }), { type: 'MODIFIED', object: cm }],
    ['a deleted object', JSON.stringify({ type: 'DELETED', object: cm }), { type: 'DELETED', object: cm }],
    ['a bookmark carries only the resourceVersion', JSON.stringify({ type: 'BOOKMARK', object: { kind: 'ConfigMap', metadata: { resourceVersion: '12' } } }), { type: 'BOOKMARK', resourceVersion: '12' }],
    ['410 Expired is gone', JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 5 (900)' } }),
      { type: 'GONE', status: { code: 410, reason: 'Expired', message: 'too old resource version: 5 (900)' } }],
    ['reason Gone without a code is gone', JSON.stringify({ type: 'ERROR', object: { kind: 'Status', reason: 'Gone' } }), { type: 'GONE', status: { reason: 'Gone' } }],
    ['another ERROR is an error', JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 500, reason: 'InternalError', message: 'etcd timed out' } }),
      { type: 'ERROR', status: { code: 500, reason: 'InternalError', message: 'etcd timed out' } }],
    ['not JSON', 'garbage{', { type: 'MALFORMED', line: 'garbage{' }],
    ['no object', JSON.stringify({ type: 'ADDED' }), { type: 'MALFORMED', line: '{"type":"ADDED"}' }],
    ['an unknown type', JSON.stringify({ type: 'SURPRISE', object: cm }), { type: 'MALFORMED', line: JSON.stringify({ type: 'SURPRISE', object: cm }) }],
    ['an object without a name', JSON.stringify({ type: 'ADDED', object: { metadata: {} } }), { type: 'MALFORMED', line: '{"type":"ADDED","object":{"metadata":{}}}' }],
  ];
  for (const [name, line, expected] of cases) it(name, () => assert.deepEqual(parseWatchEvent(line), expected));

  it('cuts a long malformed line', () => assert.equal((parseWatchEvent('x'.repeat(1000)) as { line: string }).line.length, 200));
});
