// A real PostgreSQL server for `DATABASE_URL` tests: Debian's postgresql package (initdb and
// postgres from /usr/lib/postgresql/<major>/bin), in a temporary folder on a free loopback port,
// run as the `postgres` user when the test runs as root (the server refuses to run as root), under
// a parent-death signal so a crashed test leaves no server behind. It can be stopped (fast
// shutdown, as `pg_ctl stop -m fast` does) and started again on the same port and data.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../cluster/ports.ts';
import { eventually } from './hub.ts';

/** A running (or stopped) PostgreSQL server. */
export interface PostgresServer {
  /** postgres://flotilla@127.0.0.1:<port>/flotilla (trust authentication on loopback). */
  url: string;
  port: number;
  dir: string;
  /** Fast shutdown (SIGINT: open sessions are ended, no new ones accepted); resolves once it exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  remove(): Promise<void>;
}

/** The bin folder of the newest Debian PostgreSQL server installed, or undefined. */
export function findPostgresBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base).filter((m) => existsSync(join(base, m, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
  return majors[0] && join(base, majors[0], 'bin');
}

/** Initialises and starts a server; its database `flotilla` exists. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('no PostgreSQL server in /usr/lib/postgresql: apt-get install postgresql (.ci/run does)');
  const asRoot = process.getuid?.() === 0;
  // The server runs as `postgres`: every folder above its data must be traversable by that user.
  const dir = mkdtempSync('/tmp/flotilla-pg-');
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  let user: { uid: number; gid: number } | undefined;
  if (asRoot) {
    user = { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) };
    chownSync(dir, user.uid, user.gid);
    chownSync(data, user.uid, user.gid);
  }
  const drop = asRoot ? ['--reuid=postgres', '--regid=postgres', '--clear-groups'] : [];
  execFileSync('setpriv', [...drop, '--', join(bin, 'initdb'), '-D', data, '-U', 'flotilla', '--auth=trust', '-E', 'UTF8', '--no-sync'], { stdio: 'pipe' });
  const port = await freePort();
  let proc: { child: ChildProcess; exited: Promise<unknown> } | undefined;
  const start = async () => {
    // setpriv sets the parent-death signal after dropping to `postgres`, so it survives the switch.
    const log = openSync(join(dir, 'postgres.log'), 'a');
    const child = spawn('setpriv', [...drop, '--pdeathsig', 'SIGKILL', '--', join(bin, 'postgres'), '-D', data, '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off', '-c', 'max_connections=100'], { stdio: ['ignore', log, log] });
    closeSync(log);
    child.unref();
    proc = { child, exited: new Promise((resolve) => child.once('exit', resolve)) };
    await eventually('PostgreSQL accepting connections', async () => {
      if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}; see ${join(dir, 'postgres.log')}`);
      const client = new pg.Client({ connectionString: `postgres://flotilla@127.0.0.1:${port}/postgres` });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.end();
        return true;
      } catch {
        await client.end().catch(() => {});
        return false;
      }
    }, 30_000, 100);
  };
  const stop = async () => {
    if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    const keepAlive = setInterval(() => {}, 1000);
    proc.child.kill('SIGINT');
    await proc.exited;
    clearInterval(keepAlive);
  };
  await start();
  const admin = new pg.Client({ connectionString: `postgres://flotilla@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE flotilla');
  await admin.end();
  return {
    url: `postgres://flotilla@127.0.0.1:${port}/flotilla`,
    port,
    dir,
    stop,
    start,
    async remove() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
