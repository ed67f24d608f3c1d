// The agent gateway: WebSocket upgrades at /api/v1/agent/connect, authenticated before the upgrade
// (a bootstrap token is redeemed once for a credential; a credential must not be revoked), one
// session per cluster on this replica, and notices from every replica pushed to those sessions.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type pg from 'pg';
import type { Logger } from 'pino';
import { CloseCode } from '@flotilla/shared';
import { authenticateCredential, redeemBootstrapToken } from '../store/clusters.ts';
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
}

/** Accepts agent connections on an HTTP server. */
export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<number, AgentSession>();
  private readonly all = new Set<AgentSession>();
  private readonly notifier: ClusterNotifier;
  private readonly options: GatewayOptions;
  private readonly log: Logger;

  constructor(options: GatewayOptions) {
    this.options = options;
    this.log = options.log.child({ component: 'gateway' });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
    this.notifier = new ClusterNotifier(options.databaseUrl, this.log, (n) => this.onNotice(n), () => this.resyncAll());
  }

  /** Starts listening for notices and handling upgrades on `server`. */
  async attach(server: Server): Promise<void> {
    await this.notifier.start();
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
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
    let issuedCredential: string | undefined;
    if (token.startsWith('flt_b_')) {
      const redeemed = await redeemBootstrapToken(this.options.pool, token);
      if ('refused' in redeemed) return reject(socket, 401, 'Unauthorized', `bootstrap token ${redeemed.refused}`);
      clusterId = redeemed.clusterId;
      issuedCredential = redeemed.credential;
    } else {
      const auth = await authenticateCredential(this.options.pool, token);
      if ('refused' in auth) return reject(socket, 401, 'Unauthorized', `cluster credential ${auth.refused}`);
      clusterId = auth.clusterId;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new AgentSession(ws, {
        pool: this.options.pool,
        log: this.log,
        clusterId,
        issuedCredential,
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
        missedHeartbeats: this.options.missedHeartbeats,
        maxMessageBytes: this.options.maxMessageBytes,
        helloTimeoutMs: this.options.helloTimeoutMs ?? 10_000,
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

  private onNotice(notice: ClusterNotice): void {
    const session = this.sessions.get(notice.cluster);
    if (!session) return;
    if (notice.kind === 'revoked') session.fail(CloseCode.revoked, 'revoked', 'the cluster credential was revoked');
    else session.pushUpdates();
  }

  private resyncAll(): void {
    for (const session of this.sessions.values()) session.pushUpdates();
  }

  /** How many agents are connected to this replica. */
  get connectedClusters(): number {
    return this.sessions.size;
  }

  /** Closes every session (agents reconnect elsewhere) and stops listening. */
  async close(): Promise<void> {
    await this.notifier.stop();
    for (const session of this.all) session.fail(CloseCode.goingAway, 'going_away', 'the hub is shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function reject(socket: Duplex, status: number, text: string, message: string): void {
  const body = JSON.stringify({ error: { code: status === 401 ? 'FLT_ERR_UNAUTHENTICATED' : 'FLT_ERR_NOT_FOUND', message } });
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
