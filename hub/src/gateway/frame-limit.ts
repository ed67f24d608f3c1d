// Bounds on the frames the hub sends an agent (MAX_HUB_MESSAGE_BYTES, which the agent's socket
// enforces as its maxPayload). A message is serialized once and measured. A delta over the bound is
// split at change boundaries into consecutive deltas: each change is one revision, so the agent's
// state after any one of them is exactly the hub's at that revision, and each is acked on its own.
// A snapshot cannot be split (the agent replaces its assignments with it and would prune what a
// partial one leaves out), so one over the bound is refused: the agent keeps what it has.
import { MAX_HUB_MESSAGE_BYTES, type HubMessage } from '@flotilla/shared';

type Delta = Extract<HubMessage, { type: 'delta' }>;

/** The frames to send for a message, or why it cannot be sent. */
export type Framed = { frames: string[] } | { refused: string; bytes: number };

/** Serializes a hub message into frames of at most `limit` bytes each (pure). */
export function frameHubMessage(message: HubMessage, limit = MAX_HUB_MESSAGE_BYTES): Framed {
  const text = JSON.stringify(message);
  const bytes = Buffer.byteLength(text);
  if (bytes <= limit) return { frames: [text] };
  if (message.type === 'delta') return splitDelta(message, limit, bytes);
  const what = message.type === 'snapshot' ? `the snapshot of ${message.assignments.length} assignments` : `a ${message.type} message`;
  return { refused: `${what} is ${bytes} bytes, over the ${limit}-byte limit of a message to an agent; not sent (the agent keeps its current assignments)`, bytes };
}

function splitDelta(delta: Delta, limit: number, bytes: number): Framed {
  const frames: string[] = [];
  let from = delta.fromRevision;
  let parts: string[] = [];
  let size = 0;
  let last = from;
  const flush = () => {
    if (!parts.length) return;
    frames.push(`{"type":"delta","fromRevision":${from},"revision":${last},"changes":[${parts.join(',')}]}`);
    from = last;
    parts = [];
    size = 0;
  };
  for (const change of delta.changes) {
    const part = JSON.stringify(change);
    const partBytes = Buffer.byteLength(part) + 1; // and its comma
    if (envelopeBytes(from, change.revision) + partBytes > limit) {
      return { refused: `the change of application ${change.app} at revision ${change.revision} is ${partBytes - 1} bytes, over the ${limit}-byte limit of a message to an agent; not sent`, bytes };
    }
    if (parts.length && envelopeBytes(from, change.revision) + size + partBytes > limit) flush();
    parts.push(part);
    size += partBytes;
    last = change.revision;
  }
  flush();
  // A delta's end may lie past its last change only when it has none; keep the revision it announced.
  if (!frames.length || last !== delta.revision) frames.push(JSON.stringify({ type: 'delta', fromRevision: from, revision: delta.revision, changes: [] }));
  return { frames };
}

function envelopeBytes(from: number, to: number): number {
  return `{"type":"delta","fromRevision":${from},"revision":${to},"changes":[]}`.length;
}
