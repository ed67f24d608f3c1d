// An embedded PostgreSQL left running by a hub that was killed (SIGKILL, the OOM killer): its
// server outlives the hub and keeps the data directory locked, so the next hub could not start.
// Before starting the embedded server, the hub reads the directory's `postmaster.pid`: a live
// PostgreSQL whose parent is no longer a Node process (it was re-parented to init or a subreaper
// when its hub died) is stopped (fast shutdown, as `pg_ctl stop -m fast`); one whose parent is
// still a Node process belongs to a running hub, and this hub refuses to share the directory.
// Linux only (/proc); elsewhere PostgreSQL's own lock-file check decides.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

/** What to do about the server a data directory's postmaster.pid names. */
export type OrphanVerdict = 'none' | 'orphan' | 'owned';

/** Pure: given what /proc says about the pid in postmaster.pid and its parent. */
export function judgePostmaster(server: { alive: boolean; command: string; parentPid?: number; parentCommand?: string }): OrphanVerdict {
  if (!server.alive || !/postgres/.test(server.command)) return 'none'; // stale file, or the pid is reused: PostgreSQL handles that
  if (server.parentPid === undefined || server.parentPid <= 1) return 'orphan';
  return /(^|\/)node(\s|$)|flotilla-hub/.test(server.parentCommand ?? '') ? 'owned' : 'orphan';
}

/** A process's command line and parent pid from /proc, or undefined when it does not exist. */
function proc(pid: number): { command: string; parentPid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parentPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { command, parentPid };
  } catch {
    return undefined;
  }
}

async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !proc(pid);
}

/** Stops the PostgreSQL a killed hub left running on `dir`; throws when a running hub owns it. */
export async function stopOrphanedPostgres(dir: string, log: Logger): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile) || !existsSync('/proc/self/stat')) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const server = proc(pid);
  const parent = server ? proc(server.parentPid) : undefined;
  const verdict = judgePostmaster({ alive: !!server, command: server?.command ?? '', parentPid: server?.parentPid, parentCommand: parent?.command });
  if (verdict === 'none') return;
  if (verdict === 'owned') {
    throw new Error(`the embedded PostgreSQL in ${dir} (pid ${pid}) belongs to a running hub (pid ${server!.parentPid}): stop that hub first, or give this one another --data-dir`);
  }
  log.warn({ pid, dir }, 'stopping the embedded PostgreSQL that a killed hub left running');
  process.kill(pid, 'SIGINT');
  if (await exited(pid, 30_000)) return;
  process.kill(pid, 'SIGKILL');
  if (!(await exited(pid, 5_000))) throw new Error(`the embedded PostgreSQL in ${dir} (pid ${pid}) did not stop`);
}
