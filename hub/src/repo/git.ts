// The hub's Git edge (isomorphic-git over HTTP): list a remote's refs, fetch one commit into a
// bare cache per repository, and read the files under a path at that commit. Every call takes the
// HTTP client to fetch through (git-http.ts: the URL policy and the fetch budget live there).
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as git from 'isomorphic-git';
import type { HttpClient } from 'isomorphic-git';
import { stripUserinfo } from './url-userinfo.ts';

/** Credentials for an HTTPS repository (basic auth, or a token as the password). */
export interface GitAuth {
  username: string;
  password: string;
}

/** One ref the remote advertises; `peeled` is the commit an annotated tag points at. */
export interface RemoteRef {
  ref: string;
  oid: string;
  target?: string;
  peeled?: string;
}

/** A file at a commit; one larger than the caller's limit comes without content, with its size and the limit in `tooLarge`. */
export interface RepoFile {
  path: string;
  content: string;
  tooLarge?: { size: number; limit: number };
  /** A symbolic link: `content` is the name of its target. */
  symlink?: boolean;
}

const onAuth = (auth?: GitAuth) => (auth ? () => ({ username: auth.username, password: auth.password }) : undefined);
const onAuthFailure = () => ({ cancel: true as const });

/** Lists the remote's refs (ls-remote), HEAD's symbolic target included. */
export async function listRemoteRefs(http: HttpClient, url: string, auth?: GitAuth): Promise<RemoteRef[]> {
  return (await git.listServerRefs({ http, url, symrefs: true, peelTags: true, onAuth: onAuth(auth), onAuthFailure })) as RemoteRef[];
}

/** Where a repository's bare cache lives under the hub's data directory. */
export function gitdirFor(cacheRoot: string, normalizedUrl: string): string {
  return join(cacheRoot, createHash('sha256').update(normalizedUrl).digest('hex').slice(0, 24));
}

/** Makes `commit` present in the bare cache, fetching `ref` (or everything, for a bare SHA). */
export async function fetchCommit(http: HttpClient, gitdir: string, url: string, commit: string, ref: string | undefined, auth?: GitAuth): Promise<void> {
  if (!fs.existsSync(join(gitdir, 'HEAD'))) await git.init({ fs, gitdir, bare: true });
  if (await hasCommit(gitdir, commit)) return;
  // The URL can change (a moved repository): keep the remote pointing at it, without any user info.
  await git.addRemote({ fs, gitdir, remote: 'origin', url: stripUserinfo(url), force: true });
  const common = { fs, http, gitdir, remote: 'origin', url, onAuth: onAuth(auth), onAuthFailure, tags: false };
  if (ref) {
    await git.fetch({ ...common, ref, remoteRef: ref, singleBranch: true, depth: 1 });
  }
  if (!(await hasCommit(gitdir, commit))) {
    // A commit behind a branch tip (an older revision): the cache is shallow (depth-1 fetches), so
    // deepen it fully, as `git fetch --unshallow` does (deepen 2^31-1); a plain fetch would stop at
    // the shallow boundary and never bring the commit.
    await git.fetch({ ...common, singleBranch: false, depth: 0x7fffffff });
  }
  if (!(await hasCommit(gitdir, commit))) throw new Error(`commit ${commit} is not in the repository`);
}

async function hasCommit(gitdir: string, oid: string): Promise<boolean> {
  try {
    await git.readCommit({ fs, gitdir, oid });
    return true;
  } catch {
    return false;
  }
}

/** The files under `path` (repo-relative, '' for the root) at a commit that is in the cache; content over maxFileBytes is left out. */
export async function readFilesUnder(gitdir: string, commit: string, path: string, maxFileBytes = Infinity): Promise<RepoFile[]> {
  const prefix = path.replace(/^\.?\/+|\/+$/g, '').replace(/^\.$/, '');
  const files: RepoFile[] = [];
  await git.walk({
    fs,
    gitdir,
    trees: [git.TREE({ ref: commit })],
    map: async (filepath, entries) => {
      const entry = entries[0];
      if (!entry) return null;
      const inside = prefix === '' || filepath === prefix || filepath.startsWith(`${prefix}/`);
      const onTheWay = filepath === '.' || prefix.startsWith(`${filepath}/`);
      if (!inside && !onTheWay) return null; // skip this subtree
      if (inside && (await entry.type()) === 'blob') {
        const content = await entry.content();
        if (content && content.byteLength > maxFileBytes) files.push({ path: filepath, content: '', tooLarge: { size: content.byteLength, limit: maxFileBytes } });
        else if (content) files.push({ path: filepath, content: Buffer.from(content).toString('utf8'), ...((await entry.mode()) === 0o120000 ? { symlink: true } : {}) });
      }
      return true;
    },
  });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The object id at `path` of a commit (a tree for a directory, a blob for a file), or null when absent. */
export async function oidAt(gitdir: string, commit: string, path: string): Promise<string | null> {
  const clean = path.replace(/^\.?\/+|\/+$/g, '').replace(/^\.$/, '');
  try {
    if (clean === '') return (await git.readTree({ fs, gitdir, oid: commit })).oid;
    const slash = clean.lastIndexOf('/');
    const parent = await git.readTree({ fs, gitdir, oid: commit, ...(slash > 0 ? { filepath: clean.slice(0, slash) } : {}) });
    return parent.tree.find((e) => e.path === clean.slice(slash + 1))?.oid ?? null;
  } catch {
    return null; // a missing directory on the way
  }
}

/**
 * Writes the whole tree of a commit into `dir` (a render's scratch directory): files with their
 * executable bit, symbolic links as links (a driver refuses any that leaves the repository),
 * submodules left out. A file over maxFileBytes is not written; its path is returned, so a tool that
 * needs it fails naming it.
 */
export async function checkoutTree(gitdir: string, commit: string, dir: string, maxFileBytes = Infinity): Promise<{ tooLarge: string[] }> {
  const tooLarge: string[] = [];
  await git.walk({
    fs,
    gitdir,
    trees: [git.TREE({ ref: commit })],
    map: async (filepath, entries) => {
      const entry = entries[0];
      if (!entry || filepath === '.') return true;
      const type = await entry.type();
      const target = join(dir, filepath);
      if (type === 'tree') {
        fs.mkdirSync(target, { recursive: true });
        return true;
      }
      if (type !== 'blob') return null; // a submodule
      const mode = await entry.mode();
      const content = await entry.content();
      if (!content) return null;
      if (content.byteLength > maxFileBytes) {
        tooLarge.push(filepath);
        return null;
      }
      if (mode === 0o120000) fs.symlinkSync(Buffer.from(content).toString('utf8'), target);
      else fs.writeFileSync(target, content, { mode: mode === 0o100755 ? 0o755 : 0o644 });
      return null;
    },
  });
  return { tooLarge };
}

/** The names directly under `path` at a commit (files and directories), empty when the path is absent. */
export async function namesAt(gitdir: string, commit: string, path: string): Promise<string[]> {
  const clean = path.replace(/^\.?\/+|\/+$/g, '').replace(/^\.$/, '');
  try {
    return (await git.readTree({ fs, gitdir, oid: commit, ...(clean ? { filepath: clean } : {}) })).tree.map((e) => e.path);
  } catch {
    return [];
  }
}
