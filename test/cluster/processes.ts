// Child processes of the harness. In a test run they carry a parent-death signal (setpriv
// --pdeathsig), so a crashed or killed test leaves no strays; `cluster:up` starts them detached
// instead and records their pids for `cluster:down`.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

/** A started child process and the file its output goes to. */
export interface Proc {
  name: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** How a harness process is started. */
export interface StartOptions {
  /** Outlive this Node process (cluster:up); otherwise killed when it dies. */
  detached?: boolean;
  env?: NodeJS.ProcessEnv;
}

const live = new Set<Proc>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const proc of live) killQuietly(proc.pid, 'SIGKILL');
  });
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Starts `command args`, sending stdout and stderr to logFile. */
export function startProcess(name: string, command: string, args: string[], logFile: string, options: StartOptions = {}): Proc {
  const fd = openSync(logFile, 'a');
  const [cmd, argv] = options.detached
    ? [command, args]
    : ['setpriv', ['--pdeathsig', 'SIGKILL', '--', command, ...args]];
  const child = spawn(cmd, argv, {
    stdio: ['ignore', fd, fd],
    detached: options.detached ?? false,
    env: options.env ?? process.env,
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc: Proc = { name, pid: child.pid, logFile, child, exited };
  // Never keep the event loop alive: test processes die with their parent through the
  // parent-death signal, detached ones outlive it on purpose.
  child.unref();
  if (!options.detached) {
    installExitHook();
    live.add(proc);
    void exited.then(() => live.delete(proc));
  }
  return proc;
}

/** Kills a process outright (SIGKILL) and resolves once its exit is seen (keeping the event loop alive until then: the child is unref'd). */
export async function killProcess(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const keepAlive = setInterval(() => {}, 1000);
  killQuietly(proc.pid, 'SIGKILL');
  await proc.exited;
  clearInterval(keepAlive);
}

/** Stops a process: SIGTERM, then SIGKILL after graceMs. */
export async function stopProcess(proc: Proc, graceMs = 3000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  killQuietly(proc.pid, 'SIGTERM');
  // The child is unref'd: this timer also keeps the event loop alive until its exit is seen.
  const timer = setTimeout(() => killQuietly(proc.pid, 'SIGKILL'), graceMs);
  const keepAlive = setInterval(() => {}, 1000);
  await proc.exited;
  clearTimeout(timer);
  clearInterval(keepAlive);
}

/** Stops a process known only by pid (cluster:down): SIGTERM, then SIGKILL after graceMs. */
export async function stopPid(pid: number, graceMs = 3000): Promise<void> {
  killQuietly(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  killQuietly(pid, 'SIGKILL');
}

/** Whether a pid names a running process. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
