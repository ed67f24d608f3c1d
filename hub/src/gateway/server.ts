// The agent gateway: WebSocket upgrades at /api/v1/agent/connect, authenticated before the upgrade
// (a bootstrap token is exchanged for a credential, spent once the agent stored it; a credential
// must not be revoked), one session per cluster on this replica, and notices from every replica
// pushed to those sessions. A revocation notice can be missed (the LISTEN connection was down), so
// every live session's credential is checked again after a reconnect and on an interval.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type pg from 'pg';
import type { Logger } from 'pino';
import { CloseCode } from '@flotilla/shared';
import { activateCredential, authenticateCredential, liveCredentials, redeemBootstrapToken } from '../store/clusters.ts';
import { notifyRevoked } from '../store/assignments.ts';
import { withTransaction } from '../store/db.ts';
import { loadEpoch } from '../store/hub-identity.ts';
import { AgentSession } from './session.ts';
import { ClusterNotifier, type ClusterNotice } from './notifier.ts';

/** The path agents connect to. */
export const AGENT_CONNECT_PATH = '/api/v1/agent/connect';

/** Gateway settings. */
export interface GatewayOptions {
  pool: pg.Pool;
  databaseUrl: string;
  log: Logger;
  heartbeatIntervalMs: number;
  missedHeartbeats: number;
  maxMessageBytes: number;
  helloTimeoutMs?: number;
  /** How often every live session's credential is checked again (default 30 s). */
  credentialRecheckMs?: number;
  /** Called when an agent's hello reports capabilities that differ from the stored ones (hub.ts refreshes the cluster's applications). */
  onCapabilitiesChanged?(clusterId: number): void;
  /** A child of an app-of-apps parent reported a status (see SessionOptions.onOwnedStatus). */
  onOwnedStatus?(parent: string): void;
}

/** Accepts agent connections on an HTTP server. */
export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<number, AgentSession>();
  private readonly all = new Set<AgentSession>();
  private readonly notifier: ClusterNotifier;
  private readonly options: GatewayOptions;
  private readonly log: Logger;
  private epoch = '';
  private recheckTimer: NodeJS.Timeout | undefined;

  constructor(options: GatewayOptions) {
    this.options = options;
    this.log = options.log.child({ component: 'gateway' });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
    this.notifier = new ClusterNotifier(options.databaseUrl, this.log, (n) => this.onNotice(n), () => this.resyncAll());
  }

  /** Starts listening for notices and handling upgrades on `server`. */
  async attach(server: Server): Promise<void> {
    this.epoch = await loadEpoch(this.options.pool, this.log);
    await this.notifier.start();
    this.recheckTimer = setInterval(() => this.recheckCredentials(), this.options.credentialRecheckMs ?? 30_000);
    this.recheckTimer.unref();
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // Until ws owns it, the raw socket is ours: an error (a reset while we ask the store) with no
      // listener would end the process.
      socket.on('error', (error) => this.log.debug({ err: error }, 'agent socket error before the upgrade'));
      const path = (req.url ?? '').split('?')[0];
      if (path !== AGENT_CONNECT_PATH) {
        reject(socket, 404, 'Not Found', `no WebSocket endpoint at ${path}`);
        return;
      }
      this.upgrade(req, socket, head).catch((error: unknown) => {
        this.log.error({ err: error }, 'agent upgrade failed');
        reject(socket, 503, 'Service Unavailable', 'the hub cannot accept agents right now');
      });
    });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) return reject(socket, 401, 'Unauthorized', 'send the cluster token as "Authorization: Bearer <token>"');
    let clusterId: number;
    let credentialHash: string;
    let issuedCredential: string | undefined;
    if (token.startsWith('flt_b_')) {
      const redeemed = await redeemBootstrapToken(this.options.pool, token);
      if ('refused' in redeemed) return reject(socket, 401, 'Unauthorized', `bootstrap token ${redeemed.refused}`);
      ({ clusterId, credentialHash, credential: issuedCredential } = redeemed);
    } else {
      const auth = await authenticateCredential(this.options.pool, token);
      if ('refused' in auth) return reject(socket, 401, 'Unauthorized', `cluster credential ${auth.refused}`);
      ({ clusterId, credentialHash } = auth);
      // First use of a credential whose registered.ack was lost: the agent stored it, so it counts.
      if (auth.pending && !(await this.activate(credentialHash))) return reject(socket, 401, 'Unauthorized', 'cluster credential revoked');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new AgentSession(ws, {
        pool: this.options.pool,
        log: this.log,
        clusterId,
        issuedCredential,
        credentialHash,
        epoch: this.epoch,
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
        missedHeartbeats: this.options.missedHeartbeats,
        maxMessageBytes: this.options.maxMessageBytes,
        helloTimeoutMs: this.options.helloTimeoutMs ?? 10_000,
        onCapabilitiesChanged: (id) => {
          // A callback's failure is the callback's: never the session's (it would end the hub process).
          try {
            this.options.onCapabilitiesChanged?.(id);
          } catch (error) {
            this.log.error({ err: error, cluster: id }, 'reacting to changed cluster capabilities failed');
          }
        },
        onOwnedStatus: (parent) => {
          try {
            this.options.onOwnedStatus?.(parent);
          } catch (error) {
            this.log.error({ err: error, parent }, 'reacting to a child application status failed');
          }
        },
        onEstablished: (s) => {
          const previous = this.sessions.get(s.clusterId);
          this.sessions.set(s.clusterId, s);
          previous?.fail(CloseCode.replaced, 'replaced', 'a newer connection of the same cluster replaced this one');
        },
        onClosed: (s) => {
          this.all.delete(s);
          if (this.sessions.get(s.clusterId) === s) {
            this.sessions.delete(s.clusterId);
            void s.markGone();
          }
        },
      });
      this.all.add(session);
      // A socket closed by ws itself (e.g. over maxPayload) still ends the session.
      ws.on('close', (code) => {
        if (code === 1009) this.log.warn({ cluster: clusterId }, 'agent message over the size limit; connection closed');
      });
    });
  }

  private async activate(credentialHash: string): Promise<boolean> {
    const activated = await withTransaction(this.options.pool, async (db) => {
      const result = await activateCredential(db, credentialHash);
      if (result?.revokedOthers) await notifyRevoked(db, result.clusterId);
      return result;
    });
    return activated !== undefined;
  }

  private onNotice(notice: ClusterNotice): void {
    // A revocation may concern another credential of the cluster (a re-registered agent): ask.
    if (notice.kind === 'revoked') return this.recheckCredentials([...this.all].filter((s) => s.clusterId === notice.cluster));
    this.sessions.get(notice.cluster)?.pushUpdates();
  }

  /** After the LISTEN connection came back: notices may have been lost, so check everything again. */
  private resyncAll(): void {
    this.recheckCredentials();
    for (const session of this.sessions.values()) session.pushUpdates();
  }

  /** Closes every session (of `sessions`, default all) whose credential is no longer valid. */
  private recheckCredentials(sessions: AgentSession[] = [...this.all]): void {
    if (!sessions.length) return;
    liveCredentials(this.options.pool, sessions.map((s) => s.credentialHash)).then((live) => {
      for (const session of sessions) {
        if (!live.has(session.credentialHash)) session.fail(CloseCode.revoked, 'revoked', 'the cluster credential was revoked');
      }
    }, (error: unknown) => this.log.warn({ err: error }, 'could not re-check agent credentials; trying again later'));
  }

  /** The established session of a cluster's agent on this replica, if it is connected here. */
  sessionOf(clusterId: number): AgentSession | undefined {
    const session = this.sessions.get(clusterId);
    return session?.isEstablished ? session : undefined;
  }

  /** How many agents are connected to this replica. */
  get connectedClusters(): number {
    return this.sessions.size;
  }

  /** Closes every session (agents reconnect elsewhere) and stops listening. */
  async close(): Promise<void> {
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    await this.notifier.stop();
    for (const session of this.all) session.fail(CloseCode.goingAway, 'going_away', 'the hub is shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function reject(socket: Duplex, status: number, text: string, message: string): void {
  const body = JSON.stringify({ error: { code: status === 401 ? 'FLT_ERR_UNAUTHENTICATED' : 'FLT_ERR_NOT_FOUND', message } });
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
