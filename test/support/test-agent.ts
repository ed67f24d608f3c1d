// A protocol-level agent for tests: speaks the hub–agent protocol over a real WebSocket and keeps
// every message it received, with helpers to wait for the next one of a type.
import WebSocket from 'ws';
import { decodeHubMessage, PROTOCOL_VERSION, type HubMessage, type AgentMessage } from '@flotilla/shared';
import { recordSecret } from './secret-ledger.ts';

/** A connected test agent. */
export interface TestAgent {
  received: HubMessage[];
  /** Resolves with the close code (and reason) once the hub closes the socket. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: AgentMessage | Record<string, unknown> | string): void;
  /** Sends bytes as they are, in a text frame (not checked for UTF-8) or a binary one. */
  sendRaw(data: string | Buffer, binary: boolean): void;
  /** The next message of a type not yet taken (waits up to timeoutMs). */
  next<T extends HubMessage['type']>(type: T, timeoutMs?: number): Promise<Extract<HubMessage, { type: T }>>;
  hello(lastRevision: number, extra?: Partial<Extract<AgentMessage, { type: 'hello' }>>): void;
  close(): void;
}

/** Opens a socket to the hub's agent endpoint; rejects with the HTTP status when refused. */
export function connectAgent(hubUrl: string, token: string | undefined, options: { answerHeartbeats?: boolean; ackRegistration?: boolean; onMessage?: (message: HubMessage) => void } = {}): Promise<TestAgent> {
  recordSecret('test agent token', token);
  const ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/api/v1/agent/connect`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const received: HubMessage[] = [];
  const taken = new Set<number>();
  const waiters: (() => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const decoded = decodeHubMessage(data.toString('utf8'));
    if (!decoded.ok) throw new Error(`the hub sent a malformed message: ${decoded.issue.message}`);
    received.push(decoded.message);
    if (decoded.message.type === 'registered') recordSecret('test agent credential', decoded.message.credential);
    // Answer the hub's heartbeats, as a live agent does.
    if (decoded.message.type === 'heartbeat' && options.answerHeartbeats !== false && ws.readyState === WebSocket.OPEN) ws.send('{"type":"heartbeat"}');
    // Acknowledge a credential as a real agent does once it stored it (the hub then spends the token).
    if (decoded.message.type === 'registered' && options.ackRegistration !== false && ws.readyState === WebSocket.OPEN) ws.send('{"type":"registered.ack"}');
    options.onMessage?.(decoded.message);
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
      sendRaw(data, binary) {
        ws.send(data, { binary });
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

/** What a reporting agent has sent and what the hub acknowledged. */
export interface ReportLedger {
  /** Per app: the last status seq sent and the highest seq acked. */
  status: Map<string, { sent: number; acked: number }>;
  /** Every event seq sent, and those acked. */
  eventsSent: Set<number>;
  eventsAcked: Set<number>;
  /** How many sessions the hub accepted (1 + reconnects). */
  sessions: number;
  /** Every snapshot and delta received, in order. */
  updates: Extract<HubMessage, { type: 'snapshot' | 'delta' }>[];
}

/**
 * A protocol-level agent that keeps reporting, as the real one does: every `intervalMs` a new
 * status for each app (seq + 1, `health.message` names the seq) and one event (cluster seq + 1);
 * at-least-once delivery: what is not acked is resent on every (re)connect, and it reconnects
 * (every 200 ms) whenever the hub closes the socket or refuses the upgrade.
 */
export class ReportingAgent {
  readonly ledger: ReportLedger = { status: new Map(), eventsSent: new Set(), eventsAcked: new Set(), sessions: 0, updates: [] };
  /** The cluster credential, once the bootstrap token was redeemed. */
  credential: string | undefined;
  private agent: TestAgent | undefined;
  private eventSeq = 0;
  private running = true;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private readonly hubUrl: string;
  private readonly bootstrapToken: string;
  private readonly apps: string[];
  private readonly intervalMs: number;

  constructor(hubUrl: string, bootstrapToken: string, apps: string[], intervalMs = 50) {
    this.hubUrl = hubUrl;
    this.bootstrapToken = bootstrapToken;
    this.apps = apps;
    this.intervalMs = intervalMs;
    for (const app of apps) this.ledger.status.set(app, { sent: 0, acked: 0 });
  }

  /** Connects, then reports until stopped. */
  start(): void {
    this.loop = this.connectLoop();
    this.timer = setInterval(() => this.report(), this.intervalMs);
  }

  /** Whether a session is open now. */
  get connected(): boolean {
    return this.agent !== undefined;
  }

  /** Whether everything sent has been acked. */
  get drained(): boolean {
    return [...this.ledger.status.values()].every((s) => s.acked >= s.sent) && this.ledger.eventsAcked.size === this.ledger.eventsSent.size;
  }

  /** Stops producing new reports (pending ones are still resent until acked). */
  pause(): void {
    clearInterval(this.timer);
  }

  /** Stops and closes the socket. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    this.agent?.close();
    await this.loop;
  }

  private report(): void {
    for (const app of this.apps) this.ledger.status.get(app)!.sent += 1;
    this.eventSeq += 1;
    this.ledger.eventsSent.add(this.eventSeq);
    if (!this.agent) return;
    for (const app of this.apps) this.sendStatus(this.agent, app);
    this.sendEvent(this.agent, this.eventSeq);
  }

  private sendStatus(agent: TestAgent, app: string): void {
    const seq = this.ledger.status.get(app)!.sent;
    agent.send({ type: 'status', app, seq, status: { sync: { status: 'Synced' }, health: { status: 'Healthy', message: `seq ${seq}` }, resources: [], reconciledAt: new Date().toISOString() } });
  }

  private sendEvent(agent: TestAgent, seq: number): void {
    agent.send({ type: 'event', seq, event: { reason: 'Reported', message: `event ${seq}`, at: new Date().toISOString() } });
  }

  private onMessage(message: HubMessage): void {
    if (message.type === 'registered') this.credential = message.credential; // connectAgent acks it
    else if (message.type === 'status.ack') {
      const s = this.ledger.status.get(message.app);
      if (s) s.acked = Math.max(s.acked, message.seq);
    } else if (message.type === 'event.ack') this.ledger.eventsAcked.add(message.seq);
    else if (message.type === 'snapshot' || message.type === 'delta') this.ledger.updates.push(message);
  }

  private async connectLoop(): Promise<void> {
    while (this.running) {
      const agent = await connectAgent(this.hubUrl, this.credential ?? this.bootstrapToken, { onMessage: (m) => this.onMessage(m) }).catch(() => undefined);
      if (!agent) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      agent.hello(0);
      const welcomed = await agent.next('welcome', 5000).then(() => true, () => false);
      if (welcomed && this.running) {
        this.ledger.sessions += 1;
        this.agent = agent;
        // Resend what was not acked: the latest status per app, and every unacked event.
        for (const [app, s] of this.ledger.status) if (s.sent > s.acked) this.sendStatus(agent, app);
        for (const seq of this.ledger.eventsSent) if (!this.ledger.eventsAcked.has(seq)) this.sendEvent(agent, seq);
      }
      await (welcomed && this.running ? agent.closed : (agent.close(), agent.closed));
      this.agent = undefined;
      if (this.running) await new Promise((r) => setTimeout(r, 200));
    }
  }
}
