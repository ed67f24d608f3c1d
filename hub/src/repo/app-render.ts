// The render step of one application: its sources (one, or `spec.sources`) into one bundle. Each
// source is fetched and looked at first (source-lookup.ts); when every source's inputs are known
// from its last render, their object ids now name the content, and a bundle stored for that
// content answers without rendering. Otherwise the rendering sources are rendered (`ref` sources
// lend their files to `$ref/…` value files), their manifests merged (one object from two sources
// is an error), and the bundle stored under the content key. Renders of one content run once at a
// time (single flight, by the sources at their commits and by the content key), so applications
// with the same inputs refreshed together share one render.
import type pg from 'pg';
import type { Logger } from 'pino';
import { primarySource, type ApplicationRecord, type SourceLike } from '../store/applications.ts';
import { bundleForRender, saveRender } from '../store/bundles.ts';
import { renderInputsOf, saveRenderInputs } from '../store/render-inputs.ts';
import type { SecretBox } from '../store/secrets.ts';
import { bundleKey } from './content-key.ts';
import { describeFetchError } from './fetch-error.ts';
import type { GitAuth, RemoteRef } from './git.ts';
import type { RenderError } from './render-directory.ts';
import type { ClusterCapabilities, CommitTree, Renderer } from './render/index.ts';
import { combinedKey, sourceKeyOf } from './render/render-keys.ts';
import { fetchKey, type RepoAccess } from './repo-access.ts';
import { formatBytes, RepoLimitError, type RepoLimits } from './repo-limits.ts';
import type { RenderOutcome } from './render-outcome.ts';
import { SingleFlight } from './single-flight.ts';
import type { Facts, LookedSource, SourceLookup } from './source-lookup.ts';
import { redactRepoUrl, redactUrlsIn } from './url-userinfo.ts';

const NO_CAPABILITIES: ClusterCapabilities = { kubeVersion: '', apiVersions: [] };

/** Counters the render step keeps (RepoService.stats). */
export interface RenderCounters {
  renders: number;
  renderCacheHits: number;
  /** Renders running now, and the most that ever ran at once. */
  rendersRunning: number;
  rendersRunningPeak: number;
}

/** What the render step works with. */
export interface AppRenderOptions {
  pool: pg.Pool;
  secrets: SecretBox;
  log: Logger;
  limits: RepoLimits;
  renderer: Renderer;
  lookup: SourceLookup;
  access: RepoAccess;
  stats: RenderCounters;
  /** The destination cluster's capabilities (what its agent reported); default: none known. */
  capabilitiesOf?: (clusterId: number) => Promise<ClusterCapabilities>;
}

/** One part of a content key: a source, the paths its render read and their object ids. */
type KeyPart = { sourceKey: string; inputs: string[]; oids: (string | null)[] };

/** Renders applications into bundles. */
export class AppRender {
  private readonly options: AppRenderOptions;
  private readonly flights = new SingleFlight<RenderOutcome>();

  constructor(options: AppRenderOptions) {
    this.options = options;
  }

  /** Renders an application; refs and auth: those listed for its (first) repository, if any. Hard: the render cache is not read. */
  async render(app: ApplicationRecord, refs: RemoteRef[] | undefined, auth: GitAuth | undefined, hard: boolean): Promise<RenderOutcome> {
    const unsupported = unsupportedSource(app);
    if (unsupported) return { ok: false, type: 'InvalidSpecError', message: unsupported };
    const facts = { appName: app.name, namespace: app.spec.destination.namespace ?? '', project: app.project, capabilities: await this.capabilitiesOf(app) };
    const sources = app.spec.sources?.length ? app.spec.sources : [primarySource(app.spec)];
    if (sources.length === 1 && sources[0]!.chart !== undefined) {
      const outcome = await this.renderChart(sources[0]!, facts, hard);
      return outcome.ok && app.spec.sources?.length ? { ...outcome, revisions: [outcome.commit] } : outcome;
    }
    const looked: LookedSource[] = [];
    try {
      for (const [index, source] of sources.entries()) {
        const field = app.spec.sources?.length ? `spec.sources[${index}]` : 'spec.source';
        // The refs and credentials listed for the application's first repository serve every source in it.
        const sameRepo = fetchKey(source.repoURL) === fetchKey(sources[0]!.repoURL);
        const one = await this.options.lookup.lookAt(source, field, sameRepo ? refs : undefined, sameRepo ? auth : undefined, facts);
        if ('ok' in one) return one;
        looked.push(one);
      }
    } catch (error) {
      return { ok: false, type: 'ComparisonError', message: `fetching ${redactRepoUrl(sources[0]!.repoURL)} failed: ${describeFetchError(error)}` };
    }
    const refTrees = Object.fromEntries(looked.filter((l) => l.source.ref && l.tree).map((l) => [String(l.source.ref), l.tree!]));
    const rendering = looked.filter((l) => !(l.source.ref && !l.source.path && l.source.chart === undefined));
    if (!rendering.length) return { ok: false, type: 'InvalidSpecError', message: 'no source renders anything: every source only lends files (ref)' };
    const commit = looked[0]!.revision;
    // Argo CD's status.sync.revisions: every source's revision, ref sources too, in source order.
    const revisions = app.spec.sources?.length ? { revisions: looked.map((l) => l.revision) } : {};
    const known = hard ? undefined : await this.knownContent(rendering, refTrees);
    const cached = known && await bundleForRender(this.options.pool, known);
    if (cached) {
      this.options.stats.renderCacheHits++;
      return { ok: true, bundleKey: cached, commit, ...revisions };
    }
    // Every source (ref ones too) at its commit names what renders, whether its inputs are known or not.
    const identity = `sources:${looked.map((l) => `${l.sourceKey}@${l.revision}`).join('+')}`;
    const rendered = await this.flight([identity, ...(known ? [known] : [])], async () => {
      // A flight of this content may have ended between the look at the cache above and now.
      const stored = hard ? undefined : await this.storedFor(await this.knownContent(rendering, refTrees));
      return stored ?? this.counted(() => this.renderSources(rendering, refTrees, facts, commit));
    });
    // A shared (single-flight) render answers for its content; the revisions are this application's.
    return rendered.ok ? { ...rendered, commit, ...revisions } : rendered;
  }

  /** The content key of the rendering sources when each one's last render's inputs are known, else undefined. */
  private async knownContent(rendering: LookedSource[], refTrees: Record<string, CommitTree>): Promise<string | undefined> {
    // A chart from a Helm repository or OCI registry is known by its version.
    const inputs = await Promise.all(rendering.map((l) => (l.tree ? renderInputsOf(this.options.pool, l.sourceKey) : ['version'])));
    if (inputs.some((i) => i === undefined)) return undefined;
    // `$ref/…` inputs are ids in the ref source's repository.
    return combinedKey(await Promise.all(rendering.map(async (l, i) => ({ sourceKey: l.sourceKey, inputs: inputs[i]!, oids: await this.options.lookup.oidsOf(inputs[i]!, l.tree, refTrees, l.revision) }))));
  }

  /** The stored bundle of this content, as an outcome (a cache hit, counted), or undefined. */
  private async storedFor(key: string | undefined): Promise<Extract<RenderOutcome, { ok: true }> | undefined> {
    const cached = key && await bundleForRender(this.options.pool, key);
    if (!cached) return undefined;
    this.options.stats.renderCacheHits++;
    return { ok: true, bundleKey: cached, commit: '' };
  }

  /** Renders each rendering source, merges their manifests and stores the bundle and each source's inputs. */
  private async renderSources(rendering: LookedSource[], refTrees: Record<string, CommitTree>, facts: Facts, commit: string): Promise<RenderOutcome> {
    const { lookup, renderer } = this.options;
    const manifests: object[] = [];
    const owners = new Map<string, string>();
    const parts: KeyPart[] = [];
    const helmCredentials = await this.options.access.helmCredentials();
    for (const l of rendering) {
      const files = await lookup.filesOf(l);
      const answer = await renderer.render({ source: l.source, path: l.path, files, ...facts, revision: l.revision, refs: refTrees, helmCredentials, ...(l.tree ? { tree: l.tree } : {}) });
      if (!answer.ok) return { ok: false, type: 'ComparisonError', message: `rendering ${l.at} failed: ${formatErrors(answer.errors)}` };
      for (const object of answer.manifests) {
        const id = objectId(object);
        const other = owners.get(id);
        if (other !== undefined) return { ok: false, type: 'ComparisonError', message: `${id} is rendered by ${other} and by ${l.field}: an object may come from one source only` };
        owners.set(id, l.field);
        manifests.push(object);
      }
      parts.push({ sourceKey: l.sourceKey, inputs: answer.inputs, oids: await lookup.oidsOf(answer.inputs, l.tree, refTrees, l.revision) });
    }
    for (const part of parts) await saveRenderInputs(this.options.pool, part.sourceKey, part.inputs);
    const first = rendering[0]!;
    return this.keep(combinedKey(parts), manifests, { repoURL: first.source.repoURL, commit, path: first.path, type: rendering.map((l) => l.type).join('+') }, first.at);
  }

  /** A chart from a Helm repository or OCI registry: its version is its revision, and immutable. */
  private async renderChart(source: SourceLike, facts: Facts, hard: boolean): Promise<RenderOutcome> {
    const version = source.targetRevision ?? '';
    const sourceKey = sourceKeyOf({ repoURL: source.repoURL, path: '', type: 'HelmRepository', source, ...facts, revision: version });
    const key = combinedKey([{ sourceKey, inputs: ['version'], oids: [version] }]);
    const cached = hard ? undefined : await this.storedFor(key);
    if (cached) return { ...cached, commit: version };
    const at = `chart ${String(source.chart)} ${version || '(latest)'}`;
    const rendered = await this.flight([key], async () => (hard ? undefined : await this.storedFor(key)) ?? this.counted(async () => {
      const answer = await this.options.renderer.render({ source, path: '', files: [], ...facts, revision: version, refs: {}, helmCredentials: await this.options.access.helmCredentials() });
      if (!answer.ok) return { ok: false, type: 'ComparisonError', message: `rendering ${at} from ${redactRepoUrl(source.repoURL)} failed: ${formatErrors(answer.errors)}` };
      await saveRenderInputs(this.options.pool, sourceKey, ['version']);
      return this.keep(key, answer.manifests, { repoURL: source.repoURL, commit: version, path: '', type: answer.type }, at);
    }));
    return rendered.ok ? { ...rendered, commit: version } : rendered;
  }

  /** Single flight: a caller meeting a running render of the same content shares it (counted as a cache hit). */
  private flight(keys: string[], fn: () => Promise<RenderOutcome>): Promise<RenderOutcome> {
    const { promise, joined } = this.flights.run(keys, fn);
    if (joined) this.options.stats.renderCacheHits++;
    return promise;
  }

  /** Runs one render, counted, with the number running at once kept. */
  private async counted(fn: () => Promise<RenderOutcome>): Promise<RenderOutcome> {
    const stats = this.options.stats;
    stats.renders++;
    stats.rendersRunning++;
    stats.rendersRunningPeak = Math.max(stats.rendersRunningPeak, stats.rendersRunning);
    try {
      return await fn();
    } finally {
      stats.rendersRunning--;
    }
  }

  /** Stores a render's bundle under its content key. */
  private async keep(contentKey: string, manifests: object[], info: { repoURL: string; commit: string; path: string; type: string }, at: string): Promise<RenderOutcome> {
    const { limits, pool, secrets, log } = this.options;
    const size = Buffer.byteLength(JSON.stringify(manifests));
    if (size > limits.maxBundleBytes) {
      return { ok: false, type: 'ComparisonError', message: `rendering ${at} failed: ${new RepoLimitError('maxBundleBytes', `the rendered bundle (${formatBytes(size)})`, limits.maxBundleBytes).message}` };
    }
    const bundle = { key: bundleKey(manifests), manifests };
    await saveRender(pool, secrets, contentKey, bundle);
    log.info({ repo: redactRepoUrl(info.repoURL), commit: info.commit, path: info.path, type: info.type, bundle: bundle.key, objects: manifests.length }, 'rendered');
    return { ok: true, bundleKey: bundle.key, commit: info.commit };
  }

  private capabilitiesOf(app: ApplicationRecord): Promise<ClusterCapabilities> {
    // An application whose destination is the hub renders for no cluster.
    if (app.clusterId === null || !this.options.capabilitiesOf) return Promise.resolve(NO_CAPABILITIES);
    return this.options.capabilitiesOf(app.clusterId);
  }
}

/**
 * The application with `revision` as the targetRevision of its source (the first of `spec.sources`),
 * for rendering another revision than its target (`app sync --revision`, pure); the stored
 * application is not changed.
 */
export function atRevision(app: ApplicationRecord, revision: string): ApplicationRecord {
  const spec = app.spec.sources?.length
    ? { ...app.spec, sources: app.spec.sources.map((s, i) => (i === 0 ? { ...s, targetRevision: revision } : s)) }
    : { ...app.spec, source: { ...primarySource(app.spec), targetRevision: revision } };
  return { ...app, spec };
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
