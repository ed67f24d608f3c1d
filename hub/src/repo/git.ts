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
    await git.fetch({ ...common, singleBranch: false });
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
        else if (content) files.push({ path: filepath, content: Buffer.from(content).toString('utf8') });
      }
      return true;
    },
  });
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
