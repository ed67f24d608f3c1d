// The repo service: turns applications' sources into bundles. A refresh groups the applications by
// repository and resolves targetRevision with one ls-remote per repository; then the applications
// of a group render concurrently, at most the render concurrency (the CPU count) at a time, each
// recorded as soon as it is done, a failure (a condition, the last good bundle kept) touching no
// other. The render step (app-render.ts) renders each content once, cached in the store and
// single-flighted in process, so applications with the same inputs share one render; an app of
// apps' child in the same batch waits for its parent (refresh-order.ts). Every fetch goes through
// the guarded HTTP client (url-policy.ts, git-http.ts) within the size limits (repo-limits.ts), and
// every message masks a password written into a URL.
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type pg from 'pg';
import type { Logger } from 'pino';
import { getApplication, primarySource, type ApplicationRecord } from '../store/applications.ts';
import type { SecretBox } from '../store/secrets.ts';
import { reconcileAfterRender } from '../controllers/app-of-apps.ts';
import { AppRender, atRevision } from './app-render.ts';
import { boundedEach } from './bounded-each.ts';
import { describeFetchError, isGuard } from './fetch-error.ts';
import type { GitAuth, RemoteRef } from './git.ts';
import { GuardedHttp } from './git-http.ts';
import { recordOutcome } from './record-outcome.ts';
import { parentsInBatch, refreshGroups } from './refresh-order.ts';
import { Renderer, type ClusterCapabilities, type RendererOptions } from './render/index.ts';
import { findTools } from './render/tools.ts';
import type { RenderOutcome } from './render-outcome.ts';
import { fetchKey, RepoAccess } from './repo-access.ts';
import { DEFAULT_REPO_LIMITS, type RepoLimits } from './repo-limits.ts';
import { RepoLocks } from './repo-locks.ts';
import { SourceLookup } from './source-lookup.ts';
import { OPEN_POLICY, type UrlPolicy } from './url-policy.ts';
import { redactRepoUrl } from './url-userinfo.ts';

export { nextConditions } from './render-outcome.ts';
export { unsupportedSource } from './app-render.ts';

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

/** Counters a test or /metrics can read. */
export interface RepoStats {
  renders: number;
  renderCacheHits: number;
  lsRemote: number;
  failures: number;
  /** Renders running now, and the most that ever ran at once. */
  rendersRunning: number;
  rendersRunningPeak: number;
}

/** What listing a group's repository gave: its refs and credentials, or why the group cannot render. */
type Listed = { refs?: RemoteRef[]; auth?: GitAuth; error?: string };

/** Renders applications' sources into bundles. */
export class RepoService {
  readonly stats: RepoStats = { renders: 0, renderCacheHits: 0, lsRemote: 0, failures: 0, rendersRunning: 0, rendersRunningPeak: 0 };
  /** Which repository URLs this service fetches (the API checks registrations against it too). */
  readonly urlPolicy: UrlPolicy;
  private readonly options: RepoServiceOptions;
  private readonly http: GuardedHttp;
  private readonly renderer: Renderer;
  private readonly access: RepoAccess;
  private readonly lookup: SourceLookup;
  private readonly apps: AppRender;
  /** Applications of one repository rendering at once in a refresh: the renderer's hub-wide limit. */
  private readonly concurrency: number;

  constructor(options: RepoServiceOptions) {
    this.options = options;
    this.urlPolicy = options.policy ?? OPEN_POLICY;
    const limits = { ...DEFAULT_REPO_LIMITS, ...options.limits };
    this.http = new GuardedHttp(this.urlPolicy);
    this.access = new RepoAccess(options.pool, options.secrets, this.urlPolicy);
    this.concurrency = options.render?.concurrency ?? availableParallelism();
    this.renderer = new Renderer({
      tools: findTools(),
      bounds: { timeoutMs: 90_000, maxOutputBytes: 2 * limits.maxBundleBytes },
      scratchDir: join(dirname(options.cacheDir), 'render'),
      maxFileBytes: limits.maxFileBytes,
      kustomizeBuildOptions: [],
      helmCredentials: () => undefined,
      mayFetch: (url) => this.access.mayFetch(url, true),
      ...options.render,
      concurrency: this.concurrency,
    });
    this.lookup = new SourceLookup({ cacheDir: options.cacheDir, http: this.http, limits, access: this.access, locks: new RepoLocks(), onListRefs: () => this.stats.lsRemote++,
      ...(options.render?.remoteSources ? { remoteSources: options.render.remoteSources } : {}) });
    this.apps = new AppRender({
      pool: options.pool, secrets: options.secrets, log: options.log, limits, renderer: this.renderer, lookup: this.lookup, access: this.access, stats: this.stats,
      ...(options.capabilitiesOf ? { capabilitiesOf: options.capabilitiesOf } : {}),
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

  /**
   * Refreshes the given applications: one ls-remote per repository, one render per content key,
   * the applications of a repository concurrently. Every application is refreshed and recorded
   * even when another's refresh throws (the store went away); the first such error is thrown after.
   */
  async refresh(apps: ApplicationRecord[], options: { hard?: boolean } = {}): Promise<void> {
    const hard = options.hard ?? false;
    const parents = parentsInBatch(apps);
    const finished = new Map(apps.map((a) => [a.name, Promise.withResolvers<void>()]));
    // Grouped by scheme, host and path: http:// and https:// of one repository are fetched (and credentialed) apart.
    const keyOf = (app: ApplicationRecord) => fetchKey(primarySource(app.spec).repoURL);
    const groups = refreshGroups(apps, keyOf);
    const settled = await Promise.allSettled(groups.map(async (group) => {
      const key = keyOf(group[0]!);
      const listed = await this.list(primarySource(group[0]!.spec).repoURL, group.every((a) => primarySource(a.spec).chart !== undefined));
      await boundedEach(group, this.concurrency, async (app) => {
        try {
          const parent = parents.get(app.name);
          if (parent === undefined) return await this.refreshOne(app, listed, hard);
          await finished.get(parent)!.promise;
          // The parent's render may have changed or deleted this child (and refreshed it): render it as stored now.
          const current = await getApplication(this.options.pool, app.name);
          if (!current || current.deletion) return;
          await this.refreshOne(current, keyOf(current) === key ? listed : {}, hard);
        } finally {
          finished.get(app.name)!.resolve();
        }
      });
    }));
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Renders one application at `revision` (its source's, or its first source's) WITHOUT changing
   * its target: the bundle is stored like any render's and its key answered, for an operation to
   * carry (`app sync --revision`). Nothing is recorded on the application.
   */
  async renderAtRevision(app: ApplicationRecord, revision: string): Promise<RenderOutcome> {
    const pinned = atRevision(app, revision);
    const sources = pinned.spec.sources?.length ? pinned.spec.sources : [primarySource(pinned.spec)];
    const listed = await this.list(sources[0]!.repoURL, sources.every((s) => s.chart !== undefined));
    if (listed.error !== undefined) return { ok: false, type: 'ComparisonError', message: listed.error };
    return this.apps.render(pinned, listed.refs, listed.auth, false);
  }

  /** Checks the policy for the repository and lists its refs (a Helm repository or OCI registry has none). */
  private async list(url: string, chartsOnly: boolean): Promise<Listed> {
    const verdict = await this.access.mayFetch(url, chartsOnly);
    if (!verdict.ok) return { error: `the hub refuses to fetch ${redactRepoUrl(url)}: ${verdict.reason}` };
    const auth = await this.access.auth(url);
    // A Helm repository or OCI registry: helm fetches the chart, there are no Git refs to list.
    if (chartsOnly) return auth ? { auth } : {};
    try {
      return { refs: await this.lookup.listRefs(url, auth), ...(auth ? { auth } : {}) };
    } catch (error) {
      return { error: isGuard(error) ? `listing the refs of ${redactRepoUrl(url)} failed: ${describeFetchError(error)}` : `cannot reach repository ${redactRepoUrl(url)}: ${describeFetchError(error)}` };
    }
  }

  /** Renders one application, records the outcome and, for an app of apps, reconciles and refreshes its children. */
  private async refreshOne(app: ApplicationRecord, listed: Listed, hard: boolean): Promise<void> {
    const outcome: RenderOutcome = listed.error === undefined ? await this.apps.render(app, listed.refs, listed.auth, hard) : { ok: false, type: 'ComparisonError', message: listed.error };
    const recorded = await recordOutcome(this.options.pool, this.options.log, app.name, outcome, new Date(), this.options.secrets);
    if (!recorded.ok) this.stats.failures++;
    if (!recorded.ok) return;
    // App of apps: a parent whose destination is the hub applies its rendered children on the hub
    // (nothing for an application on a cluster), then the children it created or changed render.
    const children = await reconcileAfterRender({ pool: this.options.pool, secrets: this.options.secrets }, app.name);
    if (children.length) await this.refresh(children);
  }
}
