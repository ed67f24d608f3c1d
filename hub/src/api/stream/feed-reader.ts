// One reader of the change feed per hub replica (per pool): a LISTEN connection of its own wakes it
// when any replica commits a change of an application or cluster, a poll every 100 ms reads the
// agents' status reports (written without a NOTIFY, which would serialise their commits:
// migration 015) and whatever a lost notice missed, and every batch read goes to the streams open
// on this replica. Started by the first
// stream, so a hub nobody watches holds no connection. The hub prunes the feed (hub.ts), open streams or not.
import pg from 'pg';
import type { Logger } from 'pino';
import { CHANGE_CHANNEL, latestChangeId, readChanges, type Change } from '../../store/change-feed.ts';
import { advanceCursor, cursorAt, type FeedCursor } from './feed-cursor.ts';

/** How the reader reads, and what the hub keeps of the feed. */
export interface FeedReaderOptions {
  /** Poll this often even without a notice (status reports, lost notices, a LISTEN connection being re-made). */
  pollMs: number;
  /** How long a hole in the ids is asked for again (a transaction still committing). */
  gapTtlMs: number;
  /** The hub prunes the feed this often (hub.ts), keeping changes this long and at most this many. */
  pruneEveryMs: number;
  maxAgeMs: number;
  maxRows: number;
}

/** The defaults: a read every 100 ms at least, 10 minutes or 100,000 changes of history, holes kept 30 s. */
export const FEED_DEFAULTS: FeedReaderOptions = { pollMs: 100, gapTtlMs: 30_000, pruneEveryMs: 60_000, maxAgeMs: 10 * 60_000, maxRows: 100_000 };

const BATCH = 2_000;

/** Reads the change feed and hands each batch to its subscribers. */
export class FeedReader {
  readonly #pool: pg.Pool;
  readonly #log: Logger;
  readonly #options: FeedReaderOptions;
  readonly #subscribers = new Set<(changes: Change[]) => void>();
  #cursor: FeedCursor = cursorAt(0);
  #client: pg.Client | undefined;
  #started: Promise<void> | undefined;
  #reading: Promise<void> | undefined;
  #again = false;
  #timers: NodeJS.Timeout[] = [];
  #stopped = false;
  #ready = false;

  constructor(pool: pg.Pool, log: Logger, options: FeedReaderOptions = FEED_DEFAULTS) {
    this.#pool = pool;
    this.#log = log.child({ component: 'change-feed' });
    this.#options = options;
  }

  /** Subscribes to batches; resolves once the reader listens, with the id it stands at and an unsubscribe. */
  async subscribe(onChanges: (changes: Change[]) => void): Promise<{ position: number; unsubscribe: () => void }> {
    const idle = this.#ready && this.#subscribers.size === 0;
    this.#subscribers.add(onChanges);
    try {
      await (this.#started ??= this.#start());
      // Nobody listened, so nothing was read: start from now rather than hand out what piled up.
      if (idle) this.#cursor = cursorAt(await latestChangeId(this.#pool));
    } catch (error) {
      this.#subscribers.delete(onChanges);
      if (!this.#ready) this.#started = undefined;
      throw error;
    }
    return { position: this.#cursor.last, unsubscribe: () => this.#subscribers.delete(onChanges) };
  }

  /** The highest id this reader has handed out. */
  get position(): number {
    return this.#cursor.last;
  }

  async #start(): Promise<void> {
    await this.#listen();
    this.#cursor = cursorAt(await latestChangeId(this.#pool));
    this.#ready = true;
    this.#timers.push(setInterval(() => this.wake(), this.#options.pollMs).unref());
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#pool.options.connectionString });
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      this.#log.warn({ err: error }, 'change feed lost its LISTEN connection; reconnecting');
      void client.end().catch(() => {});
      if (this.#client === client) this.#client = undefined;
      this.#relisten();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    this.#client = client;
  }

  #relisten(): void {
    if (this.#stopped) return;
    setTimeout(() => {
      // Changes committed while it was down are read by the next read (the cursor did not move).
      this.#listen().then(() => this.wake(), () => this.#relisten());
    }, 1_000).unref();
  }

  /** Reads what is new now (one read at a time; a wake during a read reads again after it). */
  wake(): void {
    if (this.#stopped || !this.#ready || !this.#subscribers.size) return;
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = this.#read().catch((error: unknown) => this.#log.warn({ err: error }, 'reading the change feed failed; the next notice or poll tries again'))
      .finally(() => {
        this.#reading = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  async #read(): Promise<void> {
    for (;;) {
      const changes = await readChanges(this.#pool, this.#cursor.last, [...this.#cursor.gaps.keys()], BATCH);
      this.#cursor = advanceCursor(this.#cursor, changes.map((c) => c.id), Date.now(), this.#options.gapTtlMs);
      if (changes.length) {
        for (const subscriber of this.#subscribers) {
          try {
            subscriber(changes);
          } catch (error) {
            this.#log.error({ err: error }, 'a stream failed to take changes');
          }
        }
      }
      if (changes.length < BATCH) return;
    }
  }

  /** Stops reading and closes the LISTEN connection. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    await this.#reading;
    await this.#client?.end().catch(() => {});
  }
}

const readers = new WeakMap<pg.Pool, FeedReader>();

/** The reader of this pool's change feed (one per pool, shared by the streams). */
export function feedReaderOf(pool: pg.Pool, log: Logger, options?: FeedReaderOptions): FeedReader {
  let reader = readers.get(pool);
  if (!reader) readers.set(pool, (reader = new FeedReader(pool, log, options)));
  return reader;
}

/** Stops this pool's reader, if any (the hub is closing). */
export async function stopFeedReader(pool: pg.Pool): Promise<void> {
  const reader = readers.get(pool);
  readers.delete(pool);
  await reader?.stop();
}
