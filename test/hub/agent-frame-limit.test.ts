// The agent's side of the frame bound: the hub link's socket accepts messages up to
// MAX_HUB_MESSAGE_BYTES and closes with 1009 (message too big) past it, before buffering or
// decoding the rest, rather than taking whatever a hub (or anything posing as one) sends.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { createLogger, MAX_HUB_MESSAGE_BYTES } from '@flotilla/shared';
import { HubLink } from '../../agent/src/link/hub-link.ts';
import { StateStore } from '../../agent/src/link/state.ts';
import { FileBackend } from '../../agent/src/link/backend.ts';

describe('agent frame limit', () => {
  let wss: WebSocketServer;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-frame-'));
  before(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    url = `http://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Connects a real HubLink and answers its hello with `bytes` of one text frame; resolves with the close code. */
  async function closeCodeFor(bytes: number): Promise<number> {
    const store = new StateStore(new FileBackend(mkdtempSync(join(dir, 'state-'))));
    await store.load(url);
    const link = new HubLink({ hubUrl: url, token: 'flt_b_test', store, log: createLogger('agent-test', 'silent'), agentVersion: 'test', onAssignments: () => {}, backoff: () => 60_000 });
    const code = new Promise<number>((resolve) => wss.once('connection', (socket: WebSocket) => {
      socket.once('message', () => socket.send(`"${'x'.repeat(bytes - 2)}"`));
      socket.once('close', (c) => resolve(c));
    }));
    link.start();
    try {
      return await code;
    } finally {
      link.stop();
    }
  }

  it('closes the socket with 1009 on a message over MAX_HUB_MESSAGE_BYTES', async () => {
    assert.equal(await closeCodeFor(MAX_HUB_MESSAGE_BYTES + 1024), 1009);
  });

  it('takes a message at the limit (and, being no protocol message, closes with a protocol error)', async () => {
    assert.equal(await closeCodeFor(MAX_HUB_MESSAGE_BYTES), 4400);
  });
});
