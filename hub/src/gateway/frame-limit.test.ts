// Frames to agents: a message under the limit goes as is, a delta over it is split into
// consecutive deltas that each fit, a snapshot or a single change over it is refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHubMessage, type Assignment, type HubMessage } from '@flotilla/shared';
import { frameHubMessage } from './frame-limit.ts';

const assignment = (app: string, pad = 0): Assignment => ({
  app, project: 'default', generation: 1, namespace: 'default', source: { repoURL: 'https://git.example.com/apps.git', path: 'x'.repeat(pad), targetRevision: 'main' },
  bundle: `sha256:${'a'.repeat(64)}`, revision: 'b'.repeat(40),
});
const delta = (from: number, count: number, pad = 0): HubMessage => ({
  type: 'delta', fromRevision: from, revision: from + count,
  changes: Array.from({ length: count }, (_, i) => ({ revision: from + i + 1, app: `app-${i}`, assignment: i % 3 === 2 ? null : assignment(`app-${i}`, pad) })),
});

describe('frameHubMessage', () => {
  it('sends a message under the limit as one frame, as JSON.stringify writes it', () => {
    const message = delta(4, 3);
    assert.deepEqual(frameHubMessage(message, 10_000), { frames: [JSON.stringify(message)] });
  });

  // changes | padding per assignment | limit
  const rows: [number, number, number][] = [[10, 0, 600], [50, 200, 2_000], [7, 1_000, 2_500], [100, 0, 20_000]];
  for (const [count, pad, limit] of rows) {
    it(`splits a delta of ${count} changes (${pad} bytes of padding) into consecutive deltas of at most ${limit} bytes`, () => {
      const message = delta(10, count, pad) as Extract<HubMessage, { type: 'delta' }>;
      const framed = frameHubMessage(message, limit);
      assert.ok('frames' in framed);
      const parts = framed.frames.map((frame) => {
        assert.ok(Buffer.byteLength(frame) <= limit, `a frame of ${Buffer.byteLength(frame)} bytes`);
        const decoded = decodeHubMessage(frame);
        assert.ok(decoded.ok && decoded.message.type === 'delta');
        return decoded.message;
      });
      if (JSON.stringify(message).length > limit) assert.ok(parts.length > 1);
      // Each starts where the previous ended, ends at its last change, and together they are the delta.
      let from = message.fromRevision;
      for (const part of parts) {
        assert.equal(part.fromRevision, from);
        assert.equal(part.revision, part.changes.at(-1)?.revision ?? part.revision);
        from = part.revision;
      }
      assert.equal(from, message.revision);
      assert.deepEqual(parts.flatMap((p) => p.changes), message.changes);
    });
  }

  it('keeps an empty delta whole', () => {
    const empty: HubMessage = { type: 'delta', fromRevision: 3, revision: 3, changes: [] };
    assert.deepEqual(frameHubMessage(empty, 100), { frames: [JSON.stringify(empty)] });
  });

  it('refuses a single change over the limit', () => {
    const framed = frameHubMessage(delta(1, 2, 2_000), 1_000);
    assert.ok('refused' in framed);
    assert.match(framed.refused, /the change of application app-0 at revision 2 is \d+ bytes, over the 1000-byte limit/);
  });

  it('refuses a snapshot over the limit rather than send part of it', () => {
    const snapshot: HubMessage = { type: 'snapshot', revision: 9, assignments: Array.from({ length: 40 }, (_, i) => assignment(`app-${i}`)) };
    const framed = frameHubMessage(snapshot, 2_000);
    assert.ok('refused' in framed);
    assert.equal(framed.bytes, Buffer.byteLength(JSON.stringify(snapshot)));
    assert.match(framed.refused, /^the snapshot of 40 assignments is \d+ bytes, over the 2000-byte limit of a message to an agent; not sent \(the agent keeps its current assignments\)$/);
  });
});
