// Keeping a render inside its repository (issue 14, point 9). A driver's tool reads whatever path a
// kustomization, an import or a library path names, so every such path is checked before the tool
// runs: a `..` that climbs above the root or an absolute path is refused by its spelling, and a
// path whose real location (symlinks resolved) is outside the root is refused by `realpath`. Argo
// CD has had a CVE for each (CVE-2022-24348 `..` in value files, CVE-2022-24730/24731 symlinks).
// `findOutOfBoundsSymlinks` is Argo CD's repository-wide check (util/app/path
// CheckOutOfBoundsSymlinks), for what a tool reads without naming it (a Helm chart's templates).
import { realpathSync } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, sep } from 'node:path';

/** A repository path checked to stay inside: its clean spelling, its real repository-relative location, whether it exists. */
export interface InsidePath {
  ok: true;
  /** The clean repository-relative spelling (`''` for the root). */
  path: string;
  /** Where it really is, symlinks resolved, repository-relative (the spelling when it does not exist). */
  real: string;
  exists: boolean;
}

/** Why a path was refused. */
export interface OutsidePath {
  ok: false;
  reason: 'absolute' | 'escapes' | 'symlink';
  message: string;
}

/** The clean repository-relative form of a `/`-separated path, or undefined when `..` climbs above the root. */
export function cleanRepoPath(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.pop() === undefined) return undefined;
    } else parts.push(part);
  }
  return parts.join('/');
}

/** Joins a repository-relative directory and a relative entry, or undefined when the result climbs above the root. */
export function joinRepoPath(dir: string, entry: string): string | undefined {
  return cleanRepoPath(dir === '' ? entry : `${dir}/${entry}`);
}

/** Checks that `relativePath` (repository-relative, `/`-separated) stays inside the repository at `root`, symlinks resolved. */
export function checkInsideRepo(root: string, relativePath: string): InsidePath | OutsidePath {
  if (isAbsolute(relativePath) || posix.isAbsolute(relativePath)) {
    return { ok: false, reason: 'absolute', message: `"${relativePath}" is an absolute path; paths are relative and stay inside the repository` };
  }
  const path = cleanRepoPath(relativePath);
  if (path === undefined) return { ok: false, reason: 'escapes', message: `"${relativePath}" leaves the repository` };
  const realRoot = realpathSync(root);
  // The deepest part that exists decides: a missing tail cannot lead anywhere by itself.
  const parts = path === '' ? [] : path.split('/');
  for (let n = parts.length; n >= 0; n--) {
    let real: string;
    try {
      real = realpathSync(join(realRoot, ...parts.slice(0, n)));
    } catch {
      continue;
    }
    const inside = relative(realRoot, real);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      return { ok: false, reason: 'symlink', message: `"${relativePath}" leads through a symlink to outside the repository` };
    }
    const realPath = [...inside.split(sep).filter(Boolean), ...parts.slice(n)].join('/');
    return { ok: true, path, real: realPath, exists: n === parts.length };
  }
  return { ok: false, reason: 'escapes', message: `"${relativePath}" cannot be resolved` };
}

/** Every symlink under `root` that is absolute or whose target climbs out of `root` (repository-relative paths, walk order). */
export async function findOutOfBoundsSymlinks(root: string, skip: ReadonlySet<string> = new Set(['.git'])): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(join(root, dir), { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    for (const entry of entries) {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (skip.has(path)) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isSymbolicLink() && isOutOfBounds(dir, await readlink(join(root, path)))) found.push(path);
    }
  };
  if ((await lstat(root)).isDirectory()) await walk('');
  return found;
}

/** Argo CD's rule: an absolute target is out, and so is a relative one that climbs above the root at any step. */
export function isOutOfBounds(linkDir: string, target: string): boolean {
  if (isAbsolute(target) || posix.isAbsolute(target)) return true;
  let depth = linkDir === '' ? 0 : linkDir.split('/').length;
  for (const part of target.split('/')) {
    if (part === '..') depth--;
    else if (part !== '' && part !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}
