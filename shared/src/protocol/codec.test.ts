// Decoding rejects what is malformed and accepts every well-formed message of the vocabulary.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAgentMessage, decodeHubMessage, pointerToPath } from './codec.ts';

const status = { sync: { status: 'Synced' }, health: { status: 'Healthy' }, resources: [], reconciledAt: '2026-01-01T00:00:00Z' };

describe('decodeAgentMessage', () => {
  // frame | accepted | path of the issue (when refused) | message contains
  const rows: [string, boolean, string, string][] = [
    ['{"type":"hello","protocol":1,"agentVersion":"0.1.0","lastRevision":0}', true, '', ''],
    ['{"type":"ack","revision":7}', true, '', ''],
    [JSON.stringify({ type: 'status', app: 'guestbook', seq: 1, status }), true, '', ''],
    ['{"type":"event","seq":3,"event":{"reason":"Synced","message":"ok","at":"2026-01-01T00:00:00Z"}}', true, '', ''],
    ['{"type":"heartbeat"}', true, '', ''],
    ['not json', false, '', 'not JSON'],
    ['[1,2]', false, '', 'JSON object'],
    ['{"kind":"hello"}', false, 'type', 'unknown message type'],
    ['{"type":"snapshot","revision":1,"assignments":[]}', false, 'type', 'unknown message type'],
    ['{"type":"ack","revision":-1}', false, 'revision', ''],
    ['{"type":"ack","revision":1,"extra":true}', false, 'extra', ''],
    [JSON.stringify({ type: 'status', app: 'g', seq: 1, status: { ...status, health: { status: 'Fine' } } }), false, 'status.health.status', ''],
    [JSON.stringify({ type: 'status', app: 'g', seq: 0, status }), false, 'seq', ''],
  ];
  for (const [frame, accepted, path, message] of rows) {
    it(`${accepted ? 'accepts' : 'refuses'} ${frame.slice(0, 60)}`, () => {
      const decoded = decodeAgentMessage(frame, 1 << 20);
      assert.equal(decoded.ok, accepted);
      if (!decoded.ok) {
        assert.equal(decoded.issue.path, path);
        assert.ok(decoded.issue.message.includes(message), decoded.issue.message);
      }
    });
  }

  it('refuses a frame over the size limit before parsing it', () => {
    const decoded = decodeAgentMessage(JSON.stringify({ type: 'heartbeat', pad: 'x'.repeat(2000) }), 1000);
    assert.equal(decoded.ok, false);
    assert.match(!decoded.ok ? decoded.issue.message : '', /exceeds the limit of 1000/);
  });
});

describe('decodeHubMessage', () => {
  it('accepts a delta with a removal and refuses a delta missing its changes', () => {
    assert.equal(decodeHubMessage('{"type":"delta","fromRevision":1,"revision":2,"changes":[{"revision":2,"app":"a","assignment":null}]}').ok, true);
    assert.equal(decodeHubMessage('{"type":"delta","fromRevision":1,"revision":2}').ok, false);
  });

  // A newer hub's optional field reaches an older agent, which ignores it; a wrong type is still refused.
  const assignment = (extra: string) => `{"type":"snapshot","revision":1,"assignments":[{"app":"a","project":"default","generation":1,"namespace":"n","source":{"repoURL":"r","path":"p","targetRevision":"HEAD"${extra}},"bundle":null,"revision":null${extra}}]}`;
  const rows: [string, string, boolean][] = [
    ['an assignment as this build writes it', '', true],
    ['fields this build does not know, in the assignment and its source', ',"futureField":{"x":1}', true],
    ['a known field of the wrong type', ',"generation":"one"', false],
  ];
  for (const [name, extra, ok] of rows) it(`${name}: ${ok ? 'accepted' : 'refused'}`, () => assert.equal(decodeHubMessage(assignment(extra)).ok, ok));

  it('reads agents strictly still: an unknown field in an agent frame is refused', () => {
    assert.equal(decodeAgentMessage('{"type":"heartbeat","futureField":1}', 1 << 20).ok, false);
  });
});

describe('pointerToPath', () => {
  // pointer | dotted path
  const rows: [string, string][] = [
    ['', ''],
    ['/type', 'type'],
    ['/status/resources/0/kind', 'status.resources[0].kind'],
    ['/a~1b/c~0d', 'a/b.c~d'],
  ];
  for (const [pointer, path] of rows) it(`${pointer || '(root)'} → ${path || '(root)'}`, () => assert.equal(pointerToPath(pointer), path));
});
