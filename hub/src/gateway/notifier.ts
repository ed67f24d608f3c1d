// Fan-out across hub replicas: one LISTEN connection per hub on the cluster channel; a revision
// bump or revocation committed by any replica reaches the sessions this replica holds.
import pg from 'pg';
import type { Logger } from 'pino';
import { CLUSTER_CHANNEL } from '../store/assignments.ts';

/** What a notification says. */
export interface ClusterNotice {
  cluster: number;
  kind: 'revision' | 'revoked';
}

/** Listens until stopped; reconnects on errors and then calls onResync (notices may be lost). */
export class ClusterNotifier {
  private client: pg.Client | undefined;
  private stopped = false;
  private readonly url: string;
  private readonly log: Logger;
  private readonly onNotice: (notice: ClusterNotice) => void;
  private readonly onResync: () => void;

  constructor(url: string, log: Logger, onNotice: (notice: ClusterNotice) => void, onResync: () => void) {
    this.url = url;
    this.log = log;
    this.onNotice = onNotice;
    this.onResync = onResync;
  }

  /** Connects and starts listening. */
  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (msg) => {
      try {
        this.onNotice(JSON.parse(msg.payload ?? '') as ClusterNotice);
      } catch (error) {
        this.log.warn({ err: error, payload: msg.payload }, 'ignoring a malformed cluster notice');
      }
    });
    client.on('error', (error) => {
      this.log.warn({ err: error }, 'cluster notifier lost its connection; reconnecting');
      void client.end().catch(() => {});
      this.reconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${CLUSTER_CHANNEL}`);
    this.client = client;
  }

  private reconnect(): void {
    if (this.stopped) return;
    setTimeout(() => {
      this.start().then(this.onResync, () => this.reconnect());
    }, 1000).unref();
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => {});
  }
}
