// The suite's log check (issue 16): reads every log of a run's log directory (in-process hubs'
// files and the listed hub and agent process logs) and every secret of its ledger, and answers the
// leaks found, and why the check could not be meaningful (no ledger, no logs) if so.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LOGS_SUBDIR, readLedger, readLogPaths } from '../support/secret-ledger.ts';
import { leakScanner, type Leak } from '../support/secret-scan.ts';

/** What a check of one log directory found. */
export interface LogCheck {
  secrets: number;
  files: number;
  bytes: number;
  leaks: Leak[];
  /** Why the check proves nothing (it must then fail): no secrets recorded, or nothing logged. */
  vacuous?: string;
}

/** Checks every log of a run's directory against its ledger. */
export function checkLogDir(dir: string): LogCheck {
  const ledger = readLedger(dir);
  const inside = existsSync(join(dir, LOGS_SUBDIR)) ? readdirSync(join(dir, LOGS_SUBDIR)).map((f) => join(dir, LOGS_SUBDIR, f)) : [];
  // A listed process log may be gone with its test's temporary directory: only those still there are read.
  const files = [...inside, ...readLogPaths(dir)].filter((f) => existsSync(f) && statSync(f).isFile());
  const scan = leakScanner(ledger);
  const leaks: Leak[] = [];
  let bytes = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    bytes += text.length;
    leaks.push(...scan(file, text));
  }
  const vacuous = !ledger.length ? `no secret was recorded in ${dir}` : !bytes ? `nothing was logged in ${dir}` : undefined;
  return { secrets: ledger.length, files: files.length, bytes, leaks, ...(vacuous ? { vacuous } : {}) };
}
