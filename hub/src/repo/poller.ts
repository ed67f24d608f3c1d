// Polls every application's repository on an interval (with jitter). One replica polls at a time:
// each round runs under a PostgreSQL advisory lock that the other replicas skip past.
import type pg from 'pg';
import type { Logger } from 'pino';
import { listApplications } from '../store/applications.ts';
import type { RepoService } from './service.ts';

const POLL_LOCK_ID = 0x506f6c6c; // "Poll"

/** The delay before the next round: interval ± up to 10 % (pure, so it can be tested). */
export function nextDelay(intervalMs: number, random: number): number {
  return Math.max(100, Math.round(intervalMs * (0.9 + 0.2 * random)));
}

/** Runs refresh rounds until stopped. */
export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  private readonly pool: pg.Pool;
  private readonly repo: RepoService;
  private readonly log: Logger;
  private readonly intervalMs: number;

  constructor(pool: pg.Pool, repo: RepoService, log: Logger, intervalMs: number) {
    this.pool = pool;
    this.repo = repo;
    this.log = log;
    this.intervalMs = intervalMs;
  }

  /** Schedules the first round. */
  start(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // round() never rejects; the catch is the last guard, since a rejection here ends the process.
      this.running = this.round().catch((error: unknown) => this.log.error({ err: error }, 'poll round failed')).finally(() => this.schedule());
    }, nextDelay(this.intervalMs, Math.random()));
    this.timer.unref();
  }

  /** One round: all applications not being deleted, if this replica holds the lock. Never rejects. */
  async round(): Promise<void> {
    let client: pg.PoolClient | undefined;
    try {
      // PostgreSQL may be away (restart, failover): that fails this round, not the hub.
      client = await this.pool.connect();
      const locked = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [POLL_LOCK_ID])).rows[0]?.ok;
      if (!locked) return;
      try {
        const apps = (await listApplications(this.pool)).filter((a) => !a.deletion);
        if (apps.length) await this.repo.refresh(apps);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [POLL_LOCK_ID]);
      }
    } catch (error) {
      this.log.error({ err: error }, 'poll round failed');
      // A connection that failed may still hold the lock: destroy it rather than pool it.
      client?.release(true);
      client = undefined;
    } finally {
      client?.release();
    }
  }

  /** Stops scheduling and waits for a running round. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
