// A protocol-level agent for tests: speaks the hub–agent protocol over a real WebSocket and keeps
// every message it received, with helpers to wait for the next one of a type.
import WebSocket from 'ws';
import { decodeHubMessage, PROTOCOL_VERSION, type HubMessage, type AgentMessage } from '@flotilla/shared';

/** A connected test agent. */
export interface TestAgent {
  received: HubMessage[];
  /** Resolves with the close code (and reason) once the hub closes the socket. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: AgentMessage | Record<string, unknown> | string): void;
  /** The next message of a type not yet taken (waits up to timeoutMs). */
  next<T extends HubMessage['type']>(type: T, timeoutMs?: number): Promise<Extract<HubMessage, { type: T }>>;
  hello(lastRevision: number, extra?: Partial<Extract<AgentMessage, { type: 'hello' }>>): void;
  close(): void;
}

/** Opens a socket to the hub's agent endpoint; rejects with the HTTP status when refused. */
export function connectAgent(hubUrl: string, token: string | undefined, options: { answerHeartbeats?: boolean } = {}): Promise<TestAgent> {
  const ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/api/v1/agent/connect`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const received: HubMessage[] = [];
  const taken = new Set<number>();
  const waiters: (() => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const decoded = decodeHubMessage(data.toString('utf8'));
    if (!decoded.ok) throw new Error(`the hub sent a malformed message: ${decoded.issue.message}`);
    received.push(decoded.message);
    // Answer the hub's heartbeats, as a live agent does.
    if (decoded.message.type === 'heartbeat' && options.answerHeartbeats !== false && ws.readyState === WebSocket.OPEN) ws.send('{"type":"heartbeat"}');
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => {
    resolve({ code, reason: reason.toString() });
    for (const w of waiters.splice(0)) w();
  }));
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
    ws.once('open', () => resolve({
      received,
      closed,
      send(message) {
        ws.send(typeof message === 'string' ? message : JSON.stringify(message));
      },
      hello(lastRevision, extra = {}) {
        ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, agentVersion: 'test', lastRevision, ...extra }));
      },
      async next(type, timeoutMs = 10_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const index = received.findIndex((m, i) => m.type === type && !taken.has(i));
          if (index >= 0) {
            taken.add(index);
            return received[index] as never;
          }
          if (ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting for ${type}; got ${received.map((m) => m.type).join(', ')}`);
          const left = deadline - Date.now();
          if (left <= 0) throw new Error(`no ${type} within ${timeoutMs} ms; got ${received.map((m) => m.type).join(', ')}`);
          await new Promise<void>((r) => {
            const t = setTimeout(r, left);
            waiters.push(() => {
              clearTimeout(t);
              r();
            });
          });
        }
      },
      close() {
        ws.close();
      },
    }));
  });
}
