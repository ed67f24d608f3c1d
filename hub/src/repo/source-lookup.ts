// The Git side of a refresh: list a repository's refs, fetch one source's commit into the bare
// cache and look at it (its type, its source key), read the files under its path, and the object
// ids of the paths a render read. Every fetch goes through the guarded HTTP client within the
// fetch limit and has the cache to itself; reads of a cache run side by side (repo-locks.ts).
import type { SourceLike } from '../store/applications.ts';
import { fetchCommit, gitdirFor, listRemoteRefs, namesAt, oidAt, readFilesUnder, type GitAuth, type RemoteRef, type RepoFile } from './git.ts';
import type { GuardedHttp } from './git-http.ts';
import { normalizeSourcePath } from './render-directory.ts';
import { resolveRevision } from './resolve-revision.ts';
import { detectSourceType, type ClusterCapabilities, type CommitTree } from './render/index.ts';
import { sourceKeyOf } from './render/render-keys.ts';
import { fetchKey, type RepoAccess } from './repo-access.ts';
import { FetchBudget, type RepoLimits } from './repo-limits.ts';
import type { RepoLocks } from './repo-locks.ts';
import type { RenderFailure } from './render-outcome.ts';
import { redactRepoUrl } from './url-userinfo.ts';
import { isRemoteInput, remoteInputOid } from './render/remote-files.ts';
import type { RemoteSources } from './render/remote-sources.ts';

/** The destination facts a render reads. */
export type Facts = { appName: string; namespace: string; project: string; capabilities: ClusterCapabilities };

/** One source, fetched and looked at: what it is and where. */
export interface LookedSource {
  source: SourceLike;
  /** `spec.source` or `spec.sources[i]`, for messages. */
  field: string;
  path: string;
  type: string;
  sourceKey: string;
  /** The commit (or a chart's version). */
  revision: string;
  /** The repository at the commit; absent for a chart from a Helm repository or OCI registry. */
  tree?: CommitTree;
  at: string;
}

/** What the lookups fetch with. */
export interface SourceLookupOptions {
  cacheDir: string;
  http: GuardedHttp;
  limits: RepoLimits;
  access: RepoAccess;
  locks: RepoLocks;
  /** Counts each ls-remote. */
  onListRefs: () => void;
  /** FLOTILLA_REMOTE_SOURCES, for keying remote value files by their content (absent: a render that read one is never reused). */
  remoteSources?: RemoteSources;
}

/** Fetches sources and reads the bare caches. */
export class SourceLookup {
  private readonly options: SourceLookupOptions;

  constructor(options: SourceLookupOptions) {
    this.options = options;
  }

  /** Lists the repository's refs (one ls-remote, counted). */
  listRefs(url: string, auth: GitAuth | undefined): Promise<RemoteRef[]> {
    this.options.onListRefs();
    return listRemoteRefs(this.options.http.client(new FetchBudget(this.options.limits.maxFetchBytes)), url, auth);
  }

  /** Fetches one source at its revision and works out its type and source key; refs and auth: its repository's, when listed already. */
  async lookAt(source: SourceLike, field: string, refs: RemoteRef[] | undefined, auth: GitAuth | undefined, facts: Facts): Promise<LookedSource | RenderFailure> {
    const path = normalizeSourcePath(source.path ?? '');
    if (path === undefined) return { ok: false, type: 'InvalidSpecError', message: `${field}.path ${source.path} leaves the repository` };
    if (source.chart !== undefined) {
      const version = source.targetRevision ?? '';
      const sourceKey = sourceKeyOf({ repoURL: source.repoURL, path: '', type: 'HelmRepository', source, ...facts, revision: version });
      return { source, field, path: '', type: 'HelmRepository', sourceKey, revision: version, at: `${field} (chart ${String(source.chart)} ${version})` };
    }
    const { access, locks, cacheDir, http, limits } = this.options;
    const verdict = await access.mayFetch(source.repoURL);
    if (!verdict.ok) return { ok: false, type: 'ComparisonError', message: `the hub refuses to fetch ${redactRepoUrl(source.repoURL)}: ${verdict.reason}` };
    auth ??= await access.auth(source.repoURL);
    refs ??= await this.listRefs(source.repoURL, auth);
    const resolved = resolveRevision(refs, source.targetRevision);
    if (!resolved.ok) return { ok: false, type: 'ComparisonError', message: resolved.message };
    const gitdir = gitdirFor(cacheDir, fetchKey(source.repoURL));
    const commit = resolved.commit;
    // What a render reads of the cache (its checkout) runs beside other reads, never during a fetch.
    const tree: CommitTree = { gitdir, commit, lock: <T>(fn: () => Promise<T>) => locks.reading(gitdir, fn) };
    // Fetched already (every application of a monorepo after the first): no need to hold the cache alone.
    const present = await locks.reading(gitdir, async () => (await oidAt(gitdir, commit, '')) !== null);
    if (!present) await locks.writing(gitdir, () => fetchCommit(http.client(new FetchBudget(limits.maxFetchBytes)), gitdir, source.repoURL, commit, resolved.ref, auth));
    return locks.reading(gitdir, async (): Promise<LookedSource | RenderFailure> => {
      const detected = detectSourceType(source, new Set(await namesAt(gitdir, commit, path)));
      if ('error' in detected) return { ok: false, type: 'InvalidSpecError', message: detected.error.replaceAll('spec.source', field) };
      const sourceKey = sourceKeyOf({ repoURL: source.repoURL, path, type: detected.type, source, ...facts, revision: commit });
      return { source, field, path, type: detected.type, sourceKey, revision: commit, tree, at: `${path || '.'} at ${commit.slice(0, 7)}` };
    });
  }

  /** The files under the source's path at its commit (none for a chart), each within the file limit. */
  filesOf(looked: LookedSource): Promise<RepoFile[]> {
    const tree = looked.tree;
    if (!tree) return Promise.resolve([]);
    return this.options.locks.reading(tree.gitdir, () => readFilesUnder(tree.gitdir, tree.commit, looked.path, this.options.limits.maxFileBytes));
  }

  /** The object ids, at the render's commits, of the paths a render read (`$ref/…` in that source's repository). */
  oidsOf(inputs: string[], tree: CommitTree | undefined, refs: Record<string, CommitTree>, revision: string): Promise<(string | null)[]> {
    return Promise.all(inputs.map(async (input) => {
      // A remote value file is keyed by its content, fetched now (render/remote-files.ts).
      if (isRemoteInput(input)) return remoteInputOid(input, this.options.remoteSources, 30_000);
      if (!tree) return input === 'version' ? revision : null;
      // `$values/envs/prod.yaml`: the file envs/prod.yaml of the source whose ref is `values`.
      const [name, ...rest] = input.split('/');
      const ref = input.startsWith('$') ? refs[name!.slice(1)] : undefined;
      const at = ref ?? tree;
      const path = ref ? rest.join('/') : input;
      return this.options.locks.reading(at.gitdir, () => oidAt(at.gitdir, at.commit, path));
    }));
  }
}
