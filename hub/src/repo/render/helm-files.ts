// Where a Helm value file or file parameter is, and whether the driver may hand it to helm. Argo
// CD's rules (util/io/path ResolveValueFilePathOrUrl): a relative path is relative to the chart's
// directory, an absolute one to the repository root, `$ref/…` to the root of the source with that
// `ref` (multi-source). A value file's URL is fetched by the hub only from the hosts
// FLOTILLA_REMOTE_SOURCES lists (remote-sources.ts, remote-files.ts; helm.ts decides before
// placeFile); a file parameter's URL is refused. Whatever the spelling, the file must stay in its repository: `..` past the
// root is refused as written (placeFile, pure), and a symbolic link that leads out of the
// repository is refused once the path is looked at on disk (locateFile). Charts themselves are
// read by helm, which follows symbolic links: findEscapingLink refuses a chart holding one that
// leads out of the repository, so `.Files.Get` cannot read the hub's own files.
import type { Dirent } from 'node:fs';
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** A file's repository (`ref` for a multi-source ref, absent for the source's own) and its clean path there. */
export type Placement = { ok: true; ref?: string; path: string } | { ok: false; message: string };

/** Go's url.Parse finds a scheme (as Argo CD checks it): `https://…`, `s3:…`, `file:…`. */
const URL_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** Whether a value file is written as a URL (Go's url.Parse finds a scheme), not a path (pure). */
export function isUrl(raw: string): boolean {
  return URL_SCHEME.test(raw);
}

/** Places `raw`, named by `field` (e.g. `helm.valueFiles[0]`), for a chart at `chartPath`; `refs` are the known ref names (pure). */
export function placeFile(raw: string, field: string, chartPath: string, refs: readonly string[]): Placement {
  if (URL_SCHEME.test(raw)) {
    return { ok: false, message: `${field}: ${JSON.stringify(raw)} is a URL; the hub fetches remote value files only from hosts listed in FLOTILLA_REMOTE_SOURCES (hub option remoteSources), and file parameters never: put the file in the repository, or in a source with a ref and write "$<ref>/<path>"` };
  }
  if (raw.startsWith('$')) {
    const slash = raw.indexOf('/');
    const ref = raw.slice(1, slash === -1 ? undefined : slash);
    if (!refs.includes(ref)) {
      const known = refs.length === 0 ? 'no source has a ref' : `the refs are ${refs.map((r) => `$${r}`).join(', ')}`;
      return { ok: false, message: `${field}: ${JSON.stringify(raw)} refers to the source with ref "${ref}", but ${known}` };
    }
    const path = cleanPath('', slash === -1 ? '' : raw.slice(slash + 1));
    if (path === undefined || path === '') return { ok: false, message: `${field}: ${JSON.stringify(raw)} ${path === '' ? 'names no file' : 'is outside the repository'} of the source with ref "${ref}"` };
    return { ok: true, ref, path };
  }
  const path = cleanPath(raw.startsWith('/') ? '' : chartPath, raw);
  if (path === undefined) return { ok: false, message: `${field}: ${JSON.stringify(raw)} is outside the repository` };
  if (path === '') return { ok: false, message: `${field}: ${JSON.stringify(raw)} names no file` };
  return { ok: true, path };
}

/** How a placement reads as an input path: the repository path, or `$ref/path` for a ref source's file (pure). */
export function inputPath(placement: { ref?: string; path: string }): string {
  return placement.ref === undefined ? placement.path : `$${placement.ref}/${placement.path}`;
}

/** `base/raw` with `.` and `..` folded, or undefined when `..` climbs above the root (pure). */
export function cleanPath(base: string, raw: string): string | undefined {
  const parts: string[] = [];
  for (const part of `${base}/${raw}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.pop() === undefined) return undefined;
    } else parts.push(part);
  }
  return parts.join('/');
}

/** What a repository path is on disk. */
export type Located =
  | { kind: 'file'; abs: string }
  | { kind: 'missing' }
  | { kind: 'outside' }
  | { kind: 'not-a-file' };

/** Looks at `path` under `root`, following symbolic links, and says where it really is. */
export async function locateFile(root: string, path: string): Promise<Located> {
  const realRoot = await realpath(root);
  const abs = join(realRoot, path);
  let real: string;
  try {
    real = await realpath(abs);
  } catch {
    return (await missingButInside(realRoot, abs)) ? { kind: 'missing' } : { kind: 'outside' };
  }
  if (!isInside(realRoot, real)) return { kind: 'outside' };
  return (await stat(real)).isFile() ? { kind: 'file', abs: real } : { kind: 'not-a-file' };
}

/** A path that does not resolve: missing, unless a link on the way (dangling or not) leads out of the root. */
async function missingButInside(realRoot: string, abs: string): Promise<boolean> {
  const link = await lstat(abs).catch(() => undefined);
  if (link?.isSymbolicLink()) {
    const target = resolve(dirname(abs), await readlink(abs));
    if (!isInside(realRoot, target)) return false;
  }
  for (let dir = dirname(abs); isInside(realRoot, dir) && dir !== realRoot; dir = dirname(dir)) {
    const real = await realpath(dir).catch(() => undefined);
    if (real !== undefined) return isInside(realRoot, real);
  }
  return true;
}

/** The first symbolic link under `dir` (followed, as helm does) that leads out of `root`, as a path relative to `root`. */
export async function findEscapingLink(root: string, dir: string): Promise<string | undefined> {
  const realRoot = await realpath(root);
  const seen = new Set<string>();
  const walk = async (at: string): Promise<string | undefined> => {
    const real = await realpath(at);
    if (seen.has(real)) return undefined;
    seen.add(real);
    let entries: Dirent[];
    try {
      entries = await readdir(at, { withFileTypes: true });
    } catch {
      return undefined;
    }
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.isSymbolicLink()) {
        const target = await realpath(path).catch(() => undefined);
        if (target === undefined) continue; // dangling: helm fails on it with its own message
        if (!isInside(realRoot, target)) return relative(root, path);
        if ((await stat(target)).isDirectory()) {
          const found = await walk(path);
          if (found) return found;
        }
      } else if (entry.isDirectory()) {
        const found = await walk(path);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(dir);
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}
