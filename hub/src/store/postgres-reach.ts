// Whether the `postgres` user can reach a path. As root, the embedded PostgreSQL runs as that user
// (PostgreSQL refuses to run as root), and the kernel lets it open a path only if it may search
// (x) every folder on the way: one 0700 folder owned by root (root's home folder, any `mktemp -d`
// folder) blocks it. Node's spawn with a uid drops supplementary groups, so only the user and its
// primary group count. Pure: the caller stats the folders; see postgres-placement.ts.
import { dirname } from 'node:path';

/** One folder on the way to a path, as stat reports it. */
export interface FolderMode {
  path: string;
  mode: number;
  uid: number;
  gid: number;
}

/** The account a child process runs as (spawn's uid and gid). */
export interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** Pure: the folders from `/` down to `path` itself, in that order (path must be absolute). */
export function foldersTo(path: string): string[] {
  const chain: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) return chain;
  }
}

/** Pure: whether the account may search (enter) the folder. */
export function canSearch(folder: FolderMode, account: Account): boolean {
  if (account.uid === 0) return true;
  if (folder.uid === account.uid) return (folder.mode & 0o100) !== 0;
  if (folder.gid === account.gid) return (folder.mode & 0o010) !== 0;
  return (folder.mode & 0o001) !== 0;
}

/** Pure: the first folder on the chain the account cannot search, or undefined when it gets through. */
export function findBlockingFolder(chain: FolderMode[], account: Account): FolderMode | undefined {
  return chain.find((folder) => !canSearch(folder, account));
}

/** Pure: "/root (mode 0700, owner uid 0)", for messages. */
export function describeFolder(folder: FolderMode): string {
  return `${folder.path} (mode ${(folder.mode & 0o7777).toString(8).padStart(4, '0')}, owner uid ${folder.uid})`;
}
