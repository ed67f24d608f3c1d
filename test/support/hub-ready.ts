// Waiting for a started hub process: it is ready once /readyz answers, and a hub that exits first
// is reported at once with the cause its log names (not after the whole timeout).
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Proc } from '../cluster/processes.ts';
import { hubExitReason } from './hub-exit-reason.ts';

async function answersReady(url: string): Promise<boolean> {
  const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
  return res?.ok ?? false;
}

/** The log from byte `from` on (a restarted hub appends to the same file). */
function readLog(file: string, from: number): string {
  try {
    return readFileSync(file).subarray(from).toString('utf8');
  } catch {
    return '';
  }
}

/** Resolves once url/readyz answers 200; rejects as soon as the process exits (with the cause from its log), or after timeoutMs. */
export async function waitForHubReady(proc: Proc, url: string, timeoutMs = 60_000): Promise<void> {
  const from = existsSync(proc.logFile) ? statSync(proc.logFile).size : 0;
  let exit: { code: number | null } | undefined;
  void proc.exited.then((code) => (exit = { code }));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit) throw new Error(`${proc.name} exited (${exit.code === null ? 'killed by a signal' : `code ${exit.code}`}) before it was ready: ${hubExitReason(readLog(proc.logFile, from))} (log: ${proc.logFile})`);
    if (await answersReady(url)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${url}/readyz: ${hubExitReason(readLog(proc.logFile, from))} (log: ${proc.logFile})`);
}
