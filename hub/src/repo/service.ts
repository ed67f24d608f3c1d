// The repo service: turns an application's source into a bundle. It resolves targetRevision with
// one ls-remote per repository, renders each (repo, commit, path, parameters) once (cached in the
// store, single-flighted in process), records the result on the application, and bumps its
// cluster's revision when the bundle or commit changed. A failure becomes a condition on the
// application; the last good bundle stays, so nothing is ever pruned because Git went wrong.
// Every fetch goes through the guarded HTTP client (url-policy.ts, git-http.ts) within the size
// limits (repo-limits.ts), and every message masks a password written into a URL.
import { lookup } from 'node:dns/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type pg from 'pg';
import type { Logger } from 'pino';
import { withTransaction } from '../store/db.ts';
import { getApplication, primarySource, recordRender, type AppCondition, type ApplicationRecord, type SourceLike } from '../store/applications.ts';
import { assignmentOf, recordAssignment } from '../store/assignments.ts';
import { bundleForRender, saveRender } from '../store/bundles.ts';
import { storedCredentials } from '../store/repositories.ts';
import type { SecretBox } from '../store/secrets.ts';
import { fetchCommit, gitdirFor, listRemoteRefs, namesAt, oidAt, readFilesUnder, type GitAuth, type RemoteRef } from './git.ts';
import { resolveRevision } from './resolve-revision.ts';
import { sameRevisions } from './source-revisions.ts';
import { normalizeSourcePath, type RenderError } from './render-directory.ts';
import { bundleKey } from './content-key.ts';
import { detectSourceType, Renderer, type ClusterCapabilities, type CommitTree, type RendererOptions } from './render/index.ts';
import { combinedKey, sourceKeyOf } from './render/render-keys.ts';
import { findTools } from './render/tools.ts';
import { renderInputsOf, saveRenderInputs } from '../store/render-inputs.ts';
import { reconcileAfterRender } from '../controllers/app-of-apps.ts';
import { normalizeRepoUrl } from './repo-url.ts';
import { credentialUrlKey, matchCredential } from './credential-match.ts';
import { GuardedHttp, RepoUrlRefusedError } from './git-http.ts';
import { checkDialedAddress, checkRepoUrl, OPEN_POLICY, type UrlPolicy, type Verdict } from './url-policy.ts';
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
  /** Tools, bounds, scratch directory and concurrency of renders (defaults: found tools, 90 s, CPU count). */
  render?: Partial<RendererOptions>;
  /** The destination cluster's capabilities (what its agent reported); default: none known. */
  capabilitiesOf?: (clusterId: number) => Promise<ClusterCapabilities>;
}

const NO_CAPABILITIES: ClusterCapabilities = { kubeVersion: '', apiVersions: [] };

/** Counters a test or /metrics can read. */
export interface RepoStats {
  renders: number;
  renderCacheHits: number;
  lsRemote: number;
  failures: number;
}

/** `revisions`: one per source of a `spec.sources` application, in source order (a chart's version for a chart source). */
type RenderOutcome = { ok: true; bundleKey: string; commit: string; revisions?: string[] } | RenderFailure;
type RenderFailure = { ok: false; type: string; message: string };
type Facts = { appName: string; namespace: string; project: string; capabilities: ClusterCapabilities };

/** One source, fetched and looked at: what it is and, when its inputs are known, their ids. */
interface LookedSource {
  source: SourceLike;
  /** `spec.source` or `spec.sources[i]`, for messages. */
  field: string;
  path: string;
  type: string;
  sourceKey: string;
  /** The commit (or a chart's version). */
  revision: string;
  tree?: CommitTree;
  at: string;
  /** The paths its last render read, when it was rendered before (and this is no hard refresh). */
  inputs?: string[];
}

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
  private readonly renderer: Renderer;

  constructor(options: RepoServiceOptions) {
    this.options = options;
    this.urlPolicy = options.policy ?? OPEN_POLICY;
    this.limits = { ...DEFAULT_REPO_LIMITS, ...options.limits };
    this.http = new GuardedHttp(this.urlPolicy);
    this.renderer = new Renderer({
      tools: findTools(),
      bounds: { timeoutMs: 90_000, maxOutputBytes: 2 * this.limits.maxBundleBytes },
      scratchDir: join(dirname(options.cacheDir), 'render'),
      concurrency: availableParallelism(),
      maxFileBytes: this.limits.maxFileBytes,
      kustomizeBuildOptions: [],
      helmCredentials: () => undefined,
      mayFetch: (url) => this.mayFetch(url, true),
      ...options.render,
    });
  }

  /** The tools renders run (the hub logs them at start). */
  get tools(): RendererOptions['tools'] {
    return this.renderer.tools;
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
      const chartsOnly = group.every((a) => primarySource(a.spec).chart !== undefined);
      const verdict = await this.mayFetch(url, chartsOnly);
      if (!verdict.ok) {
        listError = `the hub refuses to fetch ${redactRepoUrl(url)}: ${verdict.reason}`;
      } else if (chartsOnly) {
        // A Helm repository or OCI registry: helm fetches the chart, there are no Git refs to list.
        auth = await this.auth(url);
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
        const outcome = !listError ? await this.renderApp(app, refs, auth, options.hard ?? false) : { ok: false as const, type: 'ComparisonError', message: listError };
        await this.record(app.name, outcome);
      }
    }));
  }

  /**
   * Whether the policy lets the hub fetch from this URL. Git goes through the guarded client, which
   * checks every address it dials; helm dials on its own, so for a Helm repository or OCI registry
   * the host's addresses are checked here, before helm runs (oci:// is checked as https://).
   */
  private async mayFetch(url: string, byTool = false): Promise<Verdict> {
    const asHttp = url.replace(/^oci:\/\//, 'https://');
    const verdict = checkRepoUrl(asHttp, this.urlPolicy);
    if (!verdict.ok || (!byTool && asHttp === url)) return verdict;
    let host: string;
    try {
      host = new URL(asHttp).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return { ok: false, reason: 'not a URL' };
    }
    const addresses = await lookup(host, { all: true }).catch(() => []);
    for (const { address } of addresses) {
      const dialed = checkDialedAddress(host, address, this.urlPolicy);
      if (!dialed.ok) return dialed;
    }
    return { ok: true };
  }

  /** Credentials for the Helm repositories and OCI registries a chart pulls from, matched as Git's are. */
  private async helmCredentials(): Promise<(url: string) => { username: string; password: string } | undefined> {
    const stored = await storedCredentials(this.options.pool);
    return (url) => {
      const chosen = matchCredential(stored, url.replace(/^oci:\/\//, 'https://'));
      return chosen && { username: chosen.username ?? '', password: this.options.secrets.open(chosen.passwordSealed) };
    };
  }

  /** The stored credential bound to this URL's scheme, host and path, if any (credential-match.ts). */
  private async auth(url: string): Promise<GitAuth | undefined> {
    const chosen = matchCredential(await storedCredentials(this.options.pool), url);
    return chosen && { username: chosen.username ?? '', password: this.options.secrets.open(chosen.passwordSealed) };
  }

  /**
   * Renders an application's sources (one, or `spec.sources`) into one bundle. Each source is
   * fetched and looked at first (its type, its source key, the object ids of what its last render
   * read); when every source's content is known, the bundle is the one rendered for that content
   * and nothing renders. Otherwise each rendering source is rendered (`ref` sources lend their
   * files to `$ref/…` value files) and the manifests are merged; one object from two sources is an
   * error.
   */
  private async renderApp(app: ApplicationRecord, refs: RemoteRef[] | undefined, auth: GitAuth | undefined, hard: boolean): Promise<RenderOutcome> {
    const unsupported = unsupportedSource(app);
    if (unsupported) return { ok: false, type: 'InvalidSpecError', message: unsupported };
    const facts = { appName: app.name, namespace: app.spec.destination.namespace ?? '', project: app.project, capabilities: await this.capabilitiesOf(app) };
    const sources = app.spec.sources?.length ? app.spec.sources : [primarySource(app.spec)];
    if (sources.length === 1 && sources[0]!.chart !== undefined) {
      const outcome = await this.renderChart(app, sources[0]!, facts, hard);
      return outcome.ok && app.spec.sources?.length ? { ...outcome, revisions: [outcome.commit] } : outcome;
    }
    const looked: LookedSource[] = [];
    try {
      for (const [index, source] of sources.entries()) {
        const field = app.spec.sources?.length ? `spec.sources[${index}]` : 'spec.source';
        // The refs and credentials listed for the application's first repository serve every source in it.
        const sameRepo = fetchKey(source.repoURL) === fetchKey(sources[0]!.repoURL);
        const one = await this.lookAt(source, field, sameRepo ? refs : undefined, sameRepo ? auth : undefined, facts, hard);
        if ('ok' in one) return one;
        looked.push(one);
      }
    } catch (error) {
      return { ok: false, type: 'ComparisonError', message: `fetching ${redactRepoUrl(sources[0]!.repoURL)} failed: ${describe(error)}` };
    }
    const refTrees = Object.fromEntries(looked.filter((l) => l.source.ref && l.tree).map((l) => [String(l.source.ref), l.tree!]));
    const rendering = looked.filter((l) => !(l.source.ref && !l.source.path && l.source.chart === undefined));
    if (!rendering.length) return { ok: false, type: 'InvalidSpecError', message: 'no source renders anything: every source only lends files (ref)' };
    const commit = looked[0]!.revision;
    // Argo CD's status.sync.revisions: every source's revision, ref sources too, in source order.
    const revisions = app.spec.sources?.length ? { revisions: looked.map((l) => l.revision) } : {};
    // Every source's inputs known: their ids now (`$ref/…` ones in the ref source's repository) name the content.
    const known = rendering.every((l) => l.inputs)
      ? combinedKey(await Promise.all(rendering.map(async (l) => ({ sourceKey: l.sourceKey, inputs: l.inputs!, oids: await this.oidsOf(l.inputs!, l.tree, refTrees, l.revision) }))))
      : undefined;
    const cached = known && await bundleForRender(this.options.pool, known);
    if (cached) {
      this.stats.renderCacheHits++;
      return { ok: true, bundleKey: cached, commit, ...revisions };
    }
    const rendered = await this.once(known ?? `${rendering.map((l) => `${l.sourceKey}@${l.revision}`).join('+')}`, async () => {
      this.stats.renders++;
      const manifests: object[] = [];
      const owners = new Map<string, string>();
      const parts: { sourceKey: string; inputs: string[]; oids: (string | null)[] }[] = [];
      const helmCredentials = await this.helmCredentials();
      for (const l of rendering) {
        const files = l.tree ? await this.serialized(l.tree.gitdir, () => readFilesUnder(l.tree!.gitdir, l.tree!.commit, l.path, this.limits.maxFileBytes)) : [];
        const answer = await this.renderer.render({ source: l.source, path: l.path, files, ...facts, revision: l.revision, refs: refTrees, helmCredentials, ...(l.tree ? { tree: l.tree } : {}) });
        if (!answer.ok) return { ok: false, type: 'ComparisonError', message: `rendering ${l.at} failed: ${formatErrors(answer.errors)}` };
        for (const object of answer.manifests) {
          const id = objectId(object);
          const other = owners.get(id);
          if (other !== undefined) return { ok: false, type: 'ComparisonError', message: `${id} is rendered by ${other} and by ${l.field}: an object may come from one source only` };
          owners.set(id, l.field);
          manifests.push(object);
        }
        parts.push({ sourceKey: l.sourceKey, inputs: answer.inputs, oids: await this.oidsOf(answer.inputs, l.tree, refTrees, l.revision) });
      }
      for (const part of parts) await saveRenderInputs(this.options.pool, part.sourceKey, part.inputs);
      return this.keep(combinedKey(parts), manifests, { repoURL: rendering[0]!.source.repoURL, commit, path: rendering[0]!.path, type: rendering.map((l) => l.type).join('+') }, rendering[0]!.at);
    });
    // A shared (single-flight) render answers for its content; the revisions are this application's.
    return rendered.ok ? { ...rendered, commit, ...revisions } : rendered;
  }

  /** Fetches one source at its revision and works out its type, source key and (if known) content. */
  private async lookAt(source: SourceLike, field: string, refs: RemoteRef[] | undefined, auth: GitAuth | undefined, facts: Facts, hard: boolean): Promise<LookedSource | RenderFailure> {
    const path = normalizeSourcePath(source.path ?? '');
    if (path === undefined) return { ok: false, type: 'InvalidSpecError', message: `${field}.path ${source.path} leaves the repository` };
    if (source.chart !== undefined) {
      const version = source.targetRevision ?? '';
      const sourceKey = sourceKeyOf({ repoURL: source.repoURL, path: '', type: 'HelmRepository', source, ...facts, revision: version });
      return { source, field, path: '', type: 'HelmRepository', sourceKey, revision: version, at: `${field} (chart ${String(source.chart)} ${version})`, inputs: ['version'] };
    }
    const verdict = await this.mayFetch(source.repoURL, source.chart !== undefined);
    if (!verdict.ok) return { ok: false, type: 'ComparisonError', message: `the hub refuses to fetch ${redactRepoUrl(source.repoURL)}: ${verdict.reason}` };
    auth ??= await this.auth(source.repoURL);
    if (!refs) {
      this.stats.lsRemote++;
      refs = await listRemoteRefs(this.http.client(new FetchBudget(this.limits.maxFetchBytes)), source.repoURL, auth);
    }
    const resolved = resolveRevision(refs, source.targetRevision);
    if (!resolved.ok) return { ok: false, type: 'ComparisonError', message: resolved.message };
    const gitdir = gitdirFor(this.options.cacheDir, fetchKey(source.repoURL));
    const commit = resolved.commit;
    const tree = { gitdir, commit, lock: <T>(fn: () => Promise<T>) => this.serialized(gitdir, fn) };
    return this.serialized(gitdir, async (): Promise<LookedSource | RenderFailure> => {
      await fetchCommit(this.http.client(new FetchBudget(this.limits.maxFetchBytes)), gitdir, source.repoURL, commit, resolved.ref, auth);
      const detected = detectSourceType(source, new Set(await namesAt(gitdir, commit, path)));
      if ('error' in detected) return { ok: false, type: 'InvalidSpecError', message: detected.error.replaceAll('spec.source', field) };
      const sourceKey = sourceKeyOf({ repoURL: source.repoURL, path, type: detected.type, source, ...facts, revision: commit });
      const inputs = hard ? undefined : await renderInputsOf(this.options.pool, sourceKey);
      return { source, field, path, type: detected.type, sourceKey, revision: commit, tree, at: `${path || '.'} at ${commit.slice(0, 7)}`, ...(inputs ? { inputs } : {}) };
    });
  }

  /** The object ids, at the render's commits, of the paths a render read (`$ref/…` in that source's repository). */
  private async oidsOf(inputs: string[], tree: CommitTree | undefined, refs: Record<string, CommitTree>, revision: string): Promise<(string | null)[]> {
    return Promise.all(inputs.map(async (input) => {
      if (!tree) return input === 'version' ? revision : null;
      // `$values/envs/prod.yaml`: the file envs/prod.yaml of the source whose ref is `values`.
      const [name, ...rest] = input.split('/');
      const ref = input.startsWith('$') ? refs[name!.slice(1)] : undefined;
      const at = ref ?? tree;
      const path = ref ? rest.join('/') : input;
      return this.serialized(at.gitdir, () => oidAt(at.gitdir, at.commit, path));
    }));
  }

  /** A chart from a Helm repository or OCI registry: its version is its revision, and immutable. */
  private async renderChart(app: ApplicationRecord, source: SourceLike, facts: Facts, hard: boolean): Promise<RenderOutcome> {
    const version = source.targetRevision ?? '';
    const sourceKey = sourceKeyOf({ repoURL: source.repoURL, path: '', type: 'HelmRepository', source, ...facts, revision: version });
    const key = combinedKey([{ sourceKey, inputs: ['version'], oids: [version] }]);
    const cached = hard ? undefined : await bundleForRender(this.options.pool, key);
    if (cached) {
      this.stats.renderCacheHits++;
      return { ok: true, bundleKey: cached, commit: version };
    }
    const at = `chart ${String(source.chart)} ${version || '(latest)'}`;
    return this.once(key, async () => {
      this.stats.renders++;
      const answer = await this.renderer.render({ source, path: '', files: [], ...facts, revision: version, refs: {}, helmCredentials: await this.helmCredentials() });
      if (!answer.ok) return { ok: false, type: 'ComparisonError', message: `rendering ${at} from ${redactRepoUrl(source.repoURL)} failed: ${formatErrors(answer.errors)}` };
      await saveRenderInputs(this.options.pool, sourceKey, ['version']);
      return this.keep(key, answer.manifests, { repoURL: source.repoURL, commit: version, path: '', type: answer.type }, at);
    });
  }

  /** Single flight: concurrent refreshes of one content share one render. */
  private once(key: string, fn: () => Promise<RenderOutcome>): Promise<RenderOutcome> {
    let pending = this.inflight.get(key);
    if (pending) {
      this.stats.renderCacheHits++;
      return pending;
    }
    pending = fn().finally(() => this.inflight.delete(key));
    this.inflight.set(key, pending);
    return pending;
  }

  /** Stores a render's bundle under its content key. */
  private async keep(contentKey: string, manifests: object[], info: { repoURL: string; commit: string; path: string; type: string }, at: string): Promise<RenderOutcome> {
    const size = Buffer.byteLength(JSON.stringify(manifests));
    if (size > this.limits.maxBundleBytes) {
      return { ok: false, type: 'ComparisonError', message: `rendering ${at} failed: ${new RepoLimitError('maxBundleBytes', `the rendered bundle (${formatBytes(size)})`, this.limits.maxBundleBytes).message}` };
    }
    const bundle = { key: bundleKey(manifests), manifests };
    await saveRender(this.options.pool, this.options.secrets, contentKey, bundle);
    this.options.log.info({ repo: redactRepoUrl(info.repoURL), commit: info.commit, path: info.path, type: info.type, bundle: bundle.key, objects: manifests.length }, 'rendered');
    return { ok: true, bundleKey: bundle.key, commit: info.commit };
  }

  private capabilitiesOf(app: ApplicationRecord): Promise<ClusterCapabilities> {
    // An application whose destination is the hub renders for no cluster.
    if (app.clusterId === null || !this.options.capabilitiesOf) return Promise.resolve(NO_CAPABILITIES);
    return this.options.capabilitiesOf(app.clusterId);
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
      await recordRender(db, name, outcome.ok ? { bundleKey: outcome.bundleKey, revision: outcome.commit, revisions: outcome.revisions ?? null, conditions } : { conditions });
      // A new commit in any source moves the assignment, even one (a ref source's) that left the bundle as it was.
      if (outcome.ok && (outcome.bundleKey !== before.bundleKey || outcome.commit !== before.revision || !sameRevisions(outcome.revisions ?? null, before.revisions))) {
        const after = await getApplication(db, name);
        await recordAssignment(db, after!.clusterId, name, assignmentOf(after!));
      }
    });
    if (!outcome.ok) {
      this.options.log.warn({ app: name, condition: outcome.type, message: outcome.message }, 'refresh failed; the last good bundle stays');
      return;
    }
    // App of apps: a parent whose destination is the hub applies its rendered children on the hub
    // (nothing for an application on a cluster), then the children it created or changed render.
    const children = await reconcileAfterRender({ pool: this.options.pool, secrets: this.options.secrets }, name);
    if (children.length) await this.refresh(children);
  }
}

/** The hub's conditions after a render: render errors replace older ones, success clears them. */
export function nextConditions(current: AppCondition[], outcome: RenderOutcome, now: Date): AppCondition[] {
  const kept = current.filter((c) => c.type !== 'ComparisonError' && c.type !== 'InvalidSpecError');
  if (outcome.ok) return kept;
  const same = current.find((c) => c.type === outcome.type && c.message === outcome.message);
  return [...kept, same ?? { type: outcome.type, message: outcome.message, lastTransitionTime: now.toISOString() }];
}

/** Why a source cannot be rendered yet, or undefined when it can. */
export function unsupportedSource(app: ApplicationRecord): string | undefined {
  const sources = app.spec.sources ?? [];
  const names = sources.map((src) => src.ref).filter((r): r is string => typeof r === 'string');
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) return `spec.sources: ref ${twice} is named twice`;
  return undefined;
}

/** `group/Kind/namespace/name` of a manifest, for telling sources' objects apart. */
function objectId(object: object): string {
  const o = object as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };
  const group = (o.apiVersion ?? '').includes('/') ? o.apiVersion!.split('/')[0] : '';
  return `${group ? `${group}/` : ''}${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
}

/** Render errors as a condition says them: file, line and column, at most ten. */
function formatErrors(errors: RenderError[]): string {
  return redactUrlsIn(errors.slice(0, 10).map((e) => `${e.file}${e.line ? `:${e.line}` : ''}${e.column ? `:${e.column}` : ''}: ${e.message}`).join('; '));
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
