// The repo service: turns an application's source into a bundle. It resolves targetRevision with
// one ls-remote per repository, renders each (repo, commit, path, parameters) once (cached in the
// store, single-flighted in process), records the result on the application, and bumps its
// cluster's revision when the bundle or commit changed. A failure becomes a condition on the
// application; the last good bundle stays, so nothing is ever pruned because Git went wrong.
// Every fetch goes through the guarded HTTP client (url-policy.ts, git-http.ts) within the size
// limits (repo-limits.ts), and every message masks a password written into a URL.
import type pg from 'pg';
import type { Logger } from 'pino';
import { withTransaction } from '../store/db.ts';
import { getApplication, primarySource, recordRender, type AppCondition, type ApplicationRecord, type SourceLike } from '../store/applications.ts';
import { assignmentOf, recordAssignment } from '../store/assignments.ts';
import { bundleForRender, saveRender } from '../store/bundles.ts';
import { storedCredentials } from '../store/repositories.ts';
import type { SecretBox } from '../store/secrets.ts';
import { fetchCommit, gitdirFor, listRemoteRefs, readFilesUnder, type GitAuth, type RemoteRef } from './git.ts';
import { resolveRevision } from './resolve-revision.ts';
import { renderDirectory } from './render-directory.ts';
import { bundleKey, renderKey } from './content-key.ts';
import { normalizeRepoUrl } from './repo-url.ts';
import { credentialUrlKey, matchCredential } from './credential-match.ts';
import { GuardedHttp, RepoUrlRefusedError } from './git-http.ts';
import { checkRepoUrl, OPEN_POLICY, type UrlPolicy } from './url-policy.ts';
import { DEFAULT_REPO_LIMITS, FetchBudget, formatBytes, RepoLimitError, type RepoLimits } from './repo-limits.ts';
import { redactRepoUrl, redactUrlsIn } from './url-userinfo.ts';

/** What the service needs from the hub. */
export interface RepoServiceOptions {
  pool: pg.Pool;
  log: Logger;
  /** Directory for the bare Git caches. */
  cacheDir: string;
  secrets: SecretBox;
  /** Which repository URLs may be fetched; default: any http(s) URL but link-local and metadata addresses. */
  policy?: UrlPolicy;
  /** Size bounds of a fetch, a file and a bundle; default DEFAULT_REPO_LIMITS. */
  limits?: Partial<RepoLimits>;
}

/** Counters a test or /metrics can read. */
export interface RepoStats {
  renders: number;
  renderCacheHits: number;
  lsRemote: number;
  failures: number;
}

type RenderOutcome = { ok: true; bundleKey: string; commit: string } | { ok: false; type: string; message: string };

/** Renders applications' sources into bundles. */
export class RepoService {
  readonly stats: RepoStats = { renders: 0, renderCacheHits: 0, lsRemote: 0, failures: 0 };
  private readonly inflight = new Map<string, Promise<RenderOutcome>>();
  private readonly repoLocks = new Map<string, Promise<unknown>>();
  private readonly options: RepoServiceOptions;
  /** Which repository URLs this service fetches (the API checks registrations against it too). */
  readonly urlPolicy: UrlPolicy;
  private readonly limits: RepoLimits;
  private readonly http: GuardedHttp;

  constructor(options: RepoServiceOptions) {
    this.options = options;
    this.urlPolicy = options.policy ?? OPEN_POLICY;
    this.limits = { ...DEFAULT_REPO_LIMITS, ...options.limits };
    this.http = new GuardedHttp(this.urlPolicy);
  }

  /** Closes the pooled Git connections. */
  close(): void {
    this.http.close();
  }

  /** Refreshes the given applications: one ls-remote per repository, one render per content key. */
  async refresh(apps: ApplicationRecord[], options: { hard?: boolean } = {}): Promise<void> {
    // Grouped by scheme, host and path: http:// and https:// of one repository are fetched (and credentialed) apart.
    const byRepo = new Map<string, ApplicationRecord[]>();
    for (const app of apps) {
      const key = fetchKey(primarySource(app.spec).repoURL);
      byRepo.set(key, [...(byRepo.get(key) ?? []), app]);
    }
    await Promise.all([...byRepo.values()].map(async (group) => {
      const url = primarySource(group[0]!.spec).repoURL;
      let refs: RemoteRef[] | undefined;
      let listError: string | undefined;
      let auth: GitAuth | undefined;
      const verdict = checkRepoUrl(url, this.urlPolicy);
      if (!verdict.ok) {
        listError = `the hub refuses to fetch ${redactRepoUrl(url)}: ${verdict.reason}`;
      } else {
        auth = await this.auth(url);
        try {
          this.stats.lsRemote++;
          refs = await listRemoteRefs(this.http.client(new FetchBudget(this.limits.maxFetchBytes)), url, auth);
        } catch (error) {
          listError = isGuard(error) ? `listing the refs of ${redactRepoUrl(url)} failed: ${describe(error)}` : `cannot reach repository ${redactRepoUrl(url)}: ${describe(error)}`;
        }
      }
      for (const app of group) {
        const outcome = refs ? await this.renderApp(app, refs, auth, options.hard ?? false) : { ok: false as const, type: 'ComparisonError', message: listError! };
        await this.record(app.name, outcome);
      }
    }));
  }

  /** The stored credential bound to this URL's scheme, host and path, if any (credential-match.ts). */
  private async auth(url: string): Promise<GitAuth | undefined> {
    const chosen = matchCredential(await storedCredentials(this.options.pool), url);
    return chosen && { username: chosen.username ?? '', password: this.options.secrets.open(chosen.passwordSealed) };
  }

  private async renderApp(app: ApplicationRecord, refs: RemoteRef[], auth: GitAuth | undefined, hard: boolean): Promise<RenderOutcome> {
    const unsupported = unsupportedSource(app);
    if (unsupported) return { ok: false, type: 'InvalidSpecError', message: unsupported };
    const source = primarySource(app.spec);
    const resolved = resolveRevision(refs, source.targetRevision);
    if (!resolved.ok) return { ok: false, type: 'ComparisonError', message: resolved.message };
    const inputs = { repoURL: normalizeRepoUrl(source.repoURL), commit: resolved.commit, path: normalizePath(source.path), params: renderParams(source) };
    const key = renderKey(inputs);
    // A hard refresh renders again even when this content key was rendered before.
    const cached = hard ? undefined : await bundleForRender(this.options.pool, key);
    if (cached) {
      this.stats.renderCacheHits++;
      return { ok: true, bundleKey: cached, commit: resolved.commit };
    }
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.render(key, source, inputs, resolved.ref, auth).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    } else {
      this.stats.renderCacheHits++;
    }
    return pending;
  }

  private async render(key: string, source: SourceLike, inputs: { repoURL: string; commit: string; path: string; params: unknown }, ref: string | undefined, auth: GitAuth | undefined): Promise<RenderOutcome> {
    const gitdir = gitdirFor(this.options.cacheDir, fetchKey(source.repoURL));
    try {
      const files = await this.serialized(gitdir, async () => {
        await fetchCommit(this.http.client(new FetchBudget(this.limits.maxFetchBytes)), gitdir, source.repoURL, inputs.commit, ref, auth);
        return readFilesUnder(gitdir, inputs.commit, inputs.path, this.limits.maxFileBytes);
      });
      this.stats.renders++;
      const tool = detectTool(files, inputs.path);
      if (tool) return { ok: false, type: 'ComparisonError', message: `${inputs.path || '.'} is a ${tool} directory; ${tool} rendering is not supported yet` };
      const rendered = renderDirectory(files, inputs.path, source.directory ?? {});
      if (!rendered.ok) {
        const detail = rendered.errors.slice(0, 10).map((e) => `${e.file}${e.line ? `:${e.line}` : ''}${e.column ? `:${e.column}` : ''}: ${e.message}`).join('; ');
        return { ok: false, type: 'ComparisonError', message: `rendering ${inputs.path || '.'} at ${inputs.commit.slice(0, 7)} failed: ${detail}` };
      }
      const size = Buffer.byteLength(JSON.stringify(rendered.manifests));
      if (size > this.limits.maxBundleBytes) {
        return { ok: false, type: 'ComparisonError', message: `rendering ${inputs.path || '.'} at ${inputs.commit.slice(0, 7)} failed: ${new RepoLimitError('maxBundleBytes', `the rendered bundle (${formatBytes(size)})`, this.limits.maxBundleBytes).message}` };
      }
      const bundle = { key: bundleKey({ ...inputs, manifests: rendered.manifests }), inputs, manifests: rendered.manifests };
      await saveRender(this.options.pool, key, bundle);
      this.options.log.info({ repo: inputs.repoURL, commit: inputs.commit, path: inputs.path, bundle: bundle.key, objects: bundle.manifests.length }, 'rendered');
      return { ok: true, bundleKey: bundle.key, commit: inputs.commit };
    } catch (error) {
      return { ok: false, type: 'ComparisonError', message: `fetching ${redactRepoUrl(source.repoURL)} at ${inputs.commit.slice(0, 7)} failed: ${describe(error)}` };
    }
  }

  /** Runs fn with the repository's cache to itself (isomorphic-git is not safe to run twice on one gitdir). */
  private async serialized<T>(gitdir: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.repoLocks.get(gitdir) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(fn);
    this.repoLocks.set(gitdir, next);
    try {
      return await next;
    } finally {
      if (this.repoLocks.get(gitdir) === next) this.repoLocks.delete(gitdir);
    }
  }

  private async record(name: string, outcome: RenderOutcome): Promise<void> {
    if (!outcome.ok) this.stats.failures++;
    await withTransaction(this.options.pool, async (db) => {
      const before = await getApplication(db, name, { forUpdate: true });
      if (!before) return; // deleted meanwhile
      const conditions = nextConditions(before.conditions, outcome, new Date());
      await recordRender(db, name, outcome.ok ? { bundleKey: outcome.bundleKey, revision: outcome.commit, conditions } : { conditions });
      if (outcome.ok && (outcome.bundleKey !== before.bundleKey || outcome.commit !== before.revision)) {
        const after = await getApplication(db, name);
        await recordAssignment(db, after!.clusterId, name, assignmentOf(after!));
      }
    });
    if (!outcome.ok) this.options.log.warn({ app: name, condition: outcome.type, message: outcome.message }, 'refresh failed; the last good bundle stays');
  }
}

/** The hub's conditions after a render: render errors replace older ones, success clears them. */
export function nextConditions(current: AppCondition[], outcome: RenderOutcome, now: Date): AppCondition[] {
  const kept = current.filter((c) => c.type !== 'ComparisonError' && c.type !== 'InvalidSpecError');
  if (outcome.ok) return kept;
  const same = current.find((c) => c.type === outcome.type && c.message === outcome.message);
  return [...kept, same ?? { type: outcome.type, message: outcome.message, lastTransitionTime: now.toISOString() }];
}

/** Why a source cannot be rendered yet, or undefined for a plain directory source. */
export function unsupportedSource(app: ApplicationRecord): string | undefined {
  if ((app.spec.sources?.length ?? 0) > 1) return 'multi-source applications are not supported yet (only one source can be rendered)';
  const source = primarySource(app.spec);
  for (const kind of ['chart', 'helm', 'kustomize', 'plugin'] as const) {
    if (source[kind] !== undefined) return `${kind} sources are not supported yet: only plain directories of YAML and JSON are rendered`;
  }
  if (source.directory?.jsonnet !== undefined) return 'jsonnet directories are not supported yet';
  return undefined;
}

/** Argo CD detects Kustomize and Helm directories by these files; plain directory rendering must not. */
function detectTool(files: { path: string }[], path: string): string | undefined {
  const base = path ? `${path}/` : '';
  const names = new Set(files.map((f) => f.path.slice(base.length)));
  if (['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((n) => names.has(n))) return 'Kustomize';
  if (names.has('Chart.yaml')) return 'Helm';
  return undefined;
}

function renderParams(source: SourceLike): unknown {
  const d = source.directory ?? {};
  return { type: 'directory', recurse: d.recurse ?? false, include: d.include ?? '', exclude: d.exclude ?? '' };
}

function normalizePath(path: string | undefined): string {
  return (path ?? '').replace(/^\.?\/+|\/+$/g, '').replace(/^\.$/, '');
}

/** The key a repository is fetched, cached and credentialed under: scheme, host and path. */
function fetchKey(url: string): string {
  return credentialUrlKey(url) ?? normalizeRepoUrl(url);
}

/** Whether the hub itself stopped the fetch (policy or limit), rather than the network or the server. */
function isGuard(error: unknown): boolean {
  return error instanceof RepoUrlRefusedError || error instanceof RepoLimitError || (error as { cause?: unknown }).cause instanceof RepoLimitError;
}

/** An error as a condition can say it, with any password in a URL masked. */
function describe(error: unknown): string {
  const e = error as { code?: string; message?: string; data?: { statusCode?: number } };
  // A 401 without credentials is an HttpError; with credentials that failed, onAuthFailure cancels.
  if (e.data?.statusCode === 401 || e.code === 'UserCanceledError') return 'authentication failed (HTTP 401): check the repository credentials';
  return redactUrlsIn(e.message ?? String(error));
}
