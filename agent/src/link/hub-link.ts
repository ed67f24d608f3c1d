// The agent's side of the hub protocol: dial out (bootstrap token once, then the stored credential),
// resume from the last acked revision, store each snapshot or delta durably before acking it, and
// deliver status and events at least once (latest status per app wins; resent after reconnects).
import WebSocket from 'ws';
import type { Logger } from 'pino';
import { CloseCode, MAX_HUB_MESSAGE_BYTES, PROTOCOL_VERSION, decodeHubMessage, isCertificateError, replaceNulInJson, tlsClientOptions, type AppStatus, type Assignment, type Capabilities, type EventMessage, type HubMessage, type ResourceGet, type ResourceGot, type TlsTrust, NON_CASCADE_HOOKS_FEATURE, RESOURCE_GET_FEATURE } from '@flotilla/shared';
import type { StateStore } from './state.ts';

/** How the link is set up. */
export interface HubLinkOptions {
  hubUrl: string;
  /** The bootstrap token (or a credential) given on the command line. */
  token?: string;
  store: StateStore;
  log: Logger;
  agentVersion: string;
  /** The cluster's capabilities for the hello (capabilities.ts caches them); undefined when unknown. */
  capabilities?: () => Promise<Capabilities | undefined>;
  serverUrl?: string;
  /** Called after assignments changed and were stored: the names of the apps that changed. */
  onAssignments(apps: string[]): void;
  /** Delay before reconnect attempt n (ms); injectable for tests. */
  backoff?: (attempt: number) => number;
  /** How to trust an https hub (system CAs when absent). */
  tls?: TlsTrust;
  /** Largest message accepted from the hub (default MAX_HUB_MESSAGE_BYTES); a larger one closes the socket. */
  maxMessageBytes?: number;
  /** Answers the hub's live resource reads (`resource.get`); with it, the hello names the feature. */
  onResourceGet?(request: ResourceGet): Promise<ResourceGot>;
}

/** How long a hello waits for the cluster's capabilities; past it, the hello goes without (the hub's hello timeout is 10 s). */
const CAPABILITIES_WAIT_MS = 3000;

/** Reconnect delays: 0.5 s doubling to 30 s, with ±20 % jitter. */
export function defaultBackoff(attempt: number, random = Math.random()): number {
  return Math.round(Math.min(30_000, 500 * 2 ** Math.min(attempt, 10)) * (0.8 + 0.4 * random));
}

/** A persistent, self-healing connection to the hub. */
export class HubLink {
  private ws: WebSocket | undefined;
  private attempt = 0;
  private stopped = false;
  private connected = false;
  private lastHeard = 0;
  private heartbeatMs = 10_000;
  private hubEpoch: string | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private inbox: Promise<void> = Promise.resolve();
  private readonly pendingStatus = new Map<string, { seq: number; status: AppStatus }>();
  private readonly pendingEvents = new Map<number, EventMessage>();
  private readonly options: HubLinkOptions;
  private readonly log: Logger;

  constructor(options: HubLinkOptions) {
    this.options = options;
    this.log = options.log.child({ component: 'link' });
  }

  /** Whether the hub is connected and has welcomed us. */
  get isConnected(): boolean {
    return this.connected;
  }

  /** Starts connecting (and reconnecting) until stop(). */
  start(): void {
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    const state = this.options.store.current;
    const token = state.credential ?? this.options.token;
    if (!token) {
      this.log.error('no credential stored and no --token given: cannot authenticate to the hub');
      return;
    }
    const url = `${this.options.hubUrl.replace(/^http/, 'ws')}/api/v1/agent/connect`;
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      handshakeTimeout: 10_000,
      maxPayload: this.options.maxMessageBytes ?? MAX_HUB_MESSAGE_BYTES,
      ...(url.startsWith('wss:') ? tlsClientOptions(this.options.tls) : {}),
    });
    this.ws = ws;
    ws.on('open', () => {
      this.lastHeard = Date.now();
      void this.hello(ws);
    });
    ws.on('message', (data: Buffer) => {
      this.lastHeard = Date.now();
      const decoded = decodeHubMessage(data.toString('utf8'));
      if (!decoded.ok) {
        this.log.error({ issue: decoded.issue }, 'malformed message from the hub; reconnecting');
        ws.close(CloseCode.protocolError, 'malformed message');
        return;
      }
      // Messages are handled one after another: an ack goes out only once its state is durable.
      const message = decoded.message;
      this.inbox = this.inbox.then(() => this.handle(message)).catch((error: unknown) => {
        this.log.error({ err: error }, 'handling a hub message failed; reconnecting');
        ws.close(1011, 'agent error');
      });
    });
    ws.on('unexpected-response', (_req, res) => {
      this.log.error({ status: res.statusCode }, res.statusCode === 401 ? 'the hub refused our token (used, expired or revoked): register the cluster again' : 'the hub refused the connection');
      ws.terminate();
    });
    ws.on('error', (error) => {
      // An untrusted certificate needs the operator (a pin or CA file), unlike a hub that is away.
      if (isCertificateError(error)) this.log.error({ err: error.message }, "the hub's TLS certificate is not trusted: nothing was sent; check --hub-fingerprint or --ca-file");
      else this.log.warn({ err: error.message }, 'hub connection error');
    });
    ws.on('close', (code, reason) => {
      this.connected = false;
      if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
      if (this.stopped) return;
      const delay = (this.options.backoff ?? defaultBackoff)(this.attempt++);
      this.log.info({ code, reason: reason.toString(), retryInMs: delay }, 'disconnected from the hub');
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
  }

  /** Sends the hello, with the cluster's capabilities when they come in time (kubernetesVersion too, for older hubs). */
  private async hello(ws: WebSocket): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const wait = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), CAPABILITIES_WAIT_MS)));
    const capabilities = await Promise.race([this.options.capabilities?.().catch(() => undefined), wait]);
    clearTimeout(timer);
    if (this.ws !== ws) return;
    const { revision, epoch } = this.options.store.current;
    this.send({ type: 'hello', protocol: PROTOCOL_VERSION, agentVersion: this.options.agentVersion, lastRevision: revision, ...(epoch ? { epoch } : {}),
      ...(capabilities ? { kubernetesVersion: capabilities.kubeVersion, capabilities } : {}), ...(this.options.serverUrl ? { serverUrl: this.options.serverUrl } : {}),
      features: [NON_CASCADE_HOOKS_FEATURE, ...(this.options.onResourceGet ? [RESOURCE_GET_FEATURE] : [])] });
  }

  /** Closes the connection to connect again at once (a new hello, e.g. with new capabilities); no-op when not connected. */
  reconnect(reason: string): void {
    if (!this.connected || !this.ws) return;
    this.log.info({ reason }, 'reconnecting to the hub');
    this.attempt = 0;
    this.ws.close(1000, reason);
  }

  private async handle(message: HubMessage): Promise<void> {
    const store = this.options.store;
    switch (message.type) {
      case 'registered':
        await store.update((s) => {
          s.credential = message.credential;
          s.cluster = message.cluster;
        });
        // Only now may the hub spend the bootstrap token: a lost connection before this costs nothing.
        this.send({ type: 'registered.ack' });
        this.log.info({ cluster: message.cluster }, 'registered with the hub; credential stored');
        return;
      case 'welcome':
        this.connected = true;
        this.attempt = 0;
        this.heartbeatMs = message.heartbeatIntervalMs;
        this.hubEpoch = message.epoch;
        if (store.current.cluster !== message.cluster) await store.update((s) => (s.cluster = message.cluster));
        this.startHeartbeats();
        this.log.info({ cluster: message.cluster, revision: store.current.revision }, 'connected to the hub');
        for (const [app, pending] of this.pendingStatus) this.send({ type: 'status', app, seq: pending.seq, status: pending.status });
        for (const event of this.pendingEvents.values()) this.send(event);
        return;
      case 'snapshot': {
        const before = store.current.assignments;
        const next: Record<string, Assignment> = Object.fromEntries(message.assignments.map((a) => [a.app, a]));
        const changed = [...new Set([...Object.keys(before), ...Object.keys(next)])].filter((app) => JSON.stringify(before[app]) !== JSON.stringify(next[app]));
        await store.update((s) => {
          s.assignments = next;
          s.revision = message.revision;
          s.epoch = this.hubEpoch; // a snapshot starts the revisions of this epoch
        });
        this.send({ type: 'ack', revision: message.revision });
        if (changed.length) this.options.onAssignments(changed);
        return;
      }
      case 'delta': {
        if (message.fromRevision !== store.current.revision) {
          this.log.warn({ from: message.fromRevision, have: store.current.revision }, 'delta does not start at our revision; resyncing');
          this.ws?.close(1000, 'resync');
          return;
        }
        const changed = new Set<string>();
        await store.update((s) => {
          for (const change of message.changes) {
            if (change.assignment) s.assignments[change.app] = change.assignment;
            else delete s.assignments[change.app];
            changed.add(change.app);
          }
          s.revision = message.revision;
        });
        this.send({ type: 'ack', revision: message.revision });
        if (changed.size) this.options.onAssignments([...changed]);
        return;
      }
      case 'status.ack': {
        const pending = this.pendingStatus.get(message.app);
        if (pending && pending.seq <= message.seq) this.pendingStatus.delete(message.app);
        return;
      }
      case 'event.ack':
        this.pendingEvents.delete(message.seq);
        return;
      case 'heartbeat':
        return;
      case 'resource.get':
        // Answered beside the inbox: a slow read must not hold back assignments.
        void this.options.onResourceGet?.(message).then((answer) => this.send(answer), (error: unknown) => this.log.warn({ err: error }, 'answering a live resource read failed'));
        return;
      case 'error':
        this.log.warn({ code: message.code, message: message.message }, 'the hub reported an error');
        return;
    }
  }

  private startHeartbeats(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => {
      if (Date.now() - this.lastHeard > this.heartbeatMs * 3) {
        this.log.warn('the hub went silent; reconnecting');
        this.ws?.terminate();
        return;
      }
      this.send({ type: 'heartbeat' });
    }, this.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  /** Queues an application's status (replacing an older pending one) and sends it when connected. */
  reportStatus(app: string, status: AppStatus): void {
    const seq = this.nextSeq('statusSeq');
    this.pendingStatus.set(app, { seq, status });
    if (this.connected) this.send({ type: 'status', app, seq, status });
  }

  /** Queues an event and sends it when connected. */
  reportEvent(event: EventMessage['event'], app?: string): void {
    const seq = this.nextSeq('eventSeq');
    const message: EventMessage = { type: 'event', seq, event, ...(app ? { app } : {}) };
    this.pendingEvents.set(seq, message);
    if (this.pendingEvents.size > 1000) this.pendingEvents.delete(this.pendingEvents.keys().next().value!);
    if (this.connected) this.send(message);
  }

  /** Sequence numbers that only grow, across restarts too: at least the clock in microseconds. */
  private nextSeq(counter: 'statusSeq' | 'eventSeq'): number {
    const state = this.options.store.current;
    state[counter] = Math.max(state[counter] + 1, Date.now() * 1000);
    return state[counter];
  }

  private send(message: object): void {
    // Events and conditions quote Kubernetes text, which may hold a NUL the hub refuses (4400).
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(replaceNulInJson(JSON.stringify(message)));
  }

  /** Closes the connection and stops reconnecting. */
  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.ws?.close(1000, 'agent stopping');
  }
}
