// A read-only view of a repository checkout, by repository-relative path, for the pure walks that
// find what a render reads (kustomization trees, Jsonnet imports). The disk view never looks past
// the repository: a path whose real location is outside answers `outside` and is never read.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkInsideRepo, cleanRepoPath } from './inside-repo.ts';

/** What a path is: a file, a directory, somewhere outside the repository (through a symlink), or nothing. */
export type PathKind = 'file' | 'dir' | 'outside' | undefined;

/** Repository files by clean repository-relative path. */
export interface RepoView {
  kind(path: string): PathKind;
  /** The file's text, or undefined when it is not a file inside the repository. */
  read(path: string): string | undefined;
}

/** The checkout at `root` on disk (symlinks followed while they stay inside). */
export function diskView(root: string): RepoView {
  const kind = (path: string): PathKind => {
    const inside = checkInsideRepo(root, path);
    if (!inside.ok) return 'outside';
    if (!inside.exists) return undefined;
    const stat = statSync(join(root, inside.real), { throwIfNoEntry: false });
    return stat?.isDirectory() ? 'dir' : stat?.isFile() ? 'file' : undefined;
  };
  return {
    kind,
    read: (path) => (kind(path) === 'file' ? readFileSync(join(root, path), 'utf8') : undefined),
  };
}

/** An in-memory repository (tests): files by path; `outside` lists paths that stand for symlinks leaving it. */
export function memoryView(files: Record<string, string>, outside: readonly string[] = []): RepoView {
  const kind = (path: string): PathKind => {
    const clean = cleanRepoPath(path);
    if (clean === undefined || outside.some((o) => clean === o || clean.startsWith(`${o}/`))) return 'outside';
    if (clean in files) return 'file';
    return clean === '' || Object.keys(files).some((f) => f.startsWith(`${clean}/`)) ? 'dir' : undefined;
  };
  return { kind, read: (path) => (kind(path) === 'file' ? files[cleanRepoPath(path)!] : undefined) };
}
