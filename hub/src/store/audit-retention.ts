// Audit retention: entries older than the retention (default 90 days, `--audit-retention`) are
// deleted at start and then every hour. Every replica prunes; deleting what another replica
// deleted already is a no-op. A retention of 0 keeps everything.
import type { Logger } from 'pino';
import type { Queryable } from './db.ts';
import { pruneAudit } from './audit.ts';

/** The default retention: 90 days, in ms. */
export const DEFAULT_AUDIT_RETENTION_MS = 90 * 86_400_000;

/** How often the audit log is pruned. */
export const AUDIT_PRUNE_INTERVAL_MS = 3_600_000;

/** Prunes the audit log on a timer; `stop` waits for a prune in flight. */
export class AuditRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly db: Queryable;
  private readonly retentionMs: number;
  private readonly log: Logger;
  private readonly intervalMs: number;

  constructor(db: Queryable, retentionMs: number, log: Logger, intervalMs = AUDIT_PRUNE_INTERVAL_MS) {
    this.db = db;
    this.retentionMs = retentionMs;
    this.log = log;
    this.intervalMs = intervalMs;
  }

  /** Prunes now and then every interval (nothing when the retention is 0: keep forever). */
  start(): void {
    if (this.retentionMs <= 0) return;
    void this.prune();
    this.timer = setInterval(() => void this.prune(), this.intervalMs);
    this.timer.unref();
  }

  /** One prune; answers how many entries went (0 when one is already running). */
  async prune(now = new Date()): Promise<number> {
    if (this.running || this.retentionMs <= 0) return 0;
    let deleted = 0;
    this.running = (async () => {
      try {
        deleted = await pruneAudit(this.db, new Date(now.getTime() - this.retentionMs));
        if (deleted) this.log.info({ deleted, retentionDays: this.retentionMs / 86_400_000 }, 'pruned the audit log');
      } catch (error) {
        this.log.error({ err: error }, 'cannot prune the audit log');
      }
    })();
    await this.running;
    this.running = undefined;
    return deleted;
  }

  /** Stops the timer and waits for a prune in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
