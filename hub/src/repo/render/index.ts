// The render dispatcher: detects a source's type, gathers what its driver needs (the repository
// checked out into a scratch directory of the render's own, the tools, the bounds), runs the
// driver under the hub-wide concurrency limit and removes the scratch directory afterwards. Plain
// directories render in memory from the files under the path; everything else renders from a
// checkout of the whole commit, so `../base` and value files elsewhere in the repository work.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceLike } from '../../store/applications.ts';
import { checkoutTree } from '../git.ts';
import { renderDirectory, type RepoFile } from '../render-directory.ts';
import { detectSourceType } from './detect.ts';
import { renderHelm, renderHelmRepoChart } from './helm.ts';
import { renderKustomize } from './kustomize.ts';
import { renderJsonnet } from './jsonnet.ts';
import { linkedInputs } from './linked-inputs.ts';
import { missingTool } from './tools.ts';
import type { ClusterCapabilities, DriverResult, RenderBounds, RenderRequest, RenderTools, SourceType } from './types.ts';

export type { ClusterCapabilities, DriverResult, RenderTools, SourceType } from './types.ts';
export { detectSourceType } from './detect.ts';

/** A repository at a commit, in the hub's bare cache. */
export interface CommitTree {
  gitdir: string;
  commit: string;
  /** Runs fn with the repository's cache to itself (a fetch may be writing it); default: at once. */
  lock?: <T>(fn: () => Promise<T>) => Promise<T>;
}

function checkout(tree: CommitTree, dir: string, maxFileBytes: number): Promise<{ tooLarge: string[] }> {
  const run = () => checkoutTree(tree.gitdir, tree.commit, dir, maxFileBytes);
  return tree.lock ? tree.lock(run) : run();
}

/** One render to do. */
export interface RenderJob {
  source: SourceLike;
  /** The source path, normalized and checked to stay in the repository. */
  path: string;
  /** The repository at the commit; absent for a chart from a Helm repository or OCI registry. */
  tree?: CommitTree;
  /** The files under `path` (for type detection and plain directories). */
  files: RepoFile[];
  appName: string;
  namespace: string;
  /** The commit (or chart version) and the application's project, for Argo CD's build environment. */
  revision?: string;
  project?: string;
  capabilities: ClusterCapabilities;
  /** Multi-source: each `ref` name's repository at its commit. */
  refs: Record<string, CommitTree>;
  /** Credentials for Helm repositories and OCI registries (default: the renderer's). */
  helmCredentials?: RenderRequest['helmCredentials'];
}

/** What the dispatcher shares across renders. */
export interface RendererOptions {
  tools: RenderTools;
  bounds: RenderBounds;
  /** Where scratch directories are made (under the hub's data directory). */
  scratchDir: string;
  /** Renders running at once, hub-wide (default: the CPU count). */
  concurrency: number;
  maxFileBytes: number;
  kustomizeBuildOptions: string[];
  helmCredentials: RenderRequest['helmCredentials'];
  /** The hub's fetch policy for what tools fetch by themselves (Helm dependencies and charts). */
  mayFetch?: RenderRequest['mayFetch'];
  /** Hosts remote value files and Kustomize bases may come from (FLOTILLA_REMOTE_SOURCES); absent: refused. */
  remoteSources?: RenderRequest['remoteSources'];
}

/** The type a job renders as, the driver's answer, and whether it needed the whole checkout. */
export type RenderAnswer = DriverResult & { type: SourceType | 'HelmRepository' };

/** Renders jobs, a bounded number at a time. */
export class Renderer {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly options: RendererOptions;

  /** The tools this renderer runs. */
  get tools(): RenderTools {
    return this.options.tools;
  }

  constructor(options: RendererOptions) {
    this.options = options;
    mkdirSync(options.scratchDir, { recursive: true, mode: 0o700 });
  }

  /** Renders one job (never throws: failures are errors naming the file). */
  async render(job: RenderJob): Promise<RenderAnswer> {
    const names = new Set(job.files.map((f) => f.path.slice(job.path ? job.path.length + 1 : 0)).filter((n) => !n.includes('/')));
    const detected = detectSourceType(job.source, names);
    if ('error' in detected) return { ok: false, type: 'Directory', errors: [{ file: job.path || '.', message: detected.error }] };
    const type = detected.type;
    if (type === 'Plugin') return { ok: false, type, errors: [{ file: job.path || '.', message: 'config management plugins (spec.source.plugin) are not supported: render the manifests into the repository, or use Helm, Kustomize or Jsonnet' }] };
    // A symlink's blob holds only its target's name: a directory holding one renders from the
    // checkout (the Jsonnet driver's file walk), which follows it inside the repository and refuses
    // it outside, as Argo CD does, instead of skipping it as text that is no manifest.
    if (type === 'Directory' && !usesJsonnet(job) && !job.files.some((f) => f.symlink)) {
      const result = renderDirectory(job.files, job.path, job.source.directory ?? {});
      return result.ok ? { ok: true, type, manifests: result.manifests, inputs: [job.path] } : { ok: false, type, errors: result.errors };
    }
    const tool = type === 'Helm' || type === 'HelmRepository' ? 'helm' : type === 'Kustomize' ? 'kustomize' : 'jsonnet';
    // A directory with `directory.jsonnet` set but no .jsonnet file selected needs no jsonnet binary.
    const needsTool = tool !== 'jsonnet' || hasJsonnetFile(job);
    if (needsTool && !this.options.tools[tool]) return { ok: false, type, errors: [{ file: job.path || '.', message: missingTool(tool) }] };
    return { ...(await this.limited(() => this.runDriver(type, job))), type };
  }

  private async runDriver(type: SourceType | 'HelmRepository', job: RenderJob): Promise<DriverResult> {
    const scratch = mkdtempSync(join(this.options.scratchDir, 'render-'));
    try {
      const root = join(scratch, 'repo');
      mkdirSync(root);
      const refs: Record<string, string> = {};
      for (const [name, tree] of Object.entries(job.refs)) {
        refs[name] = join(scratch, `ref-${Object.keys(refs).length}`);
        mkdirSync(refs[name]!);
        await checkout(tree, refs[name]!, this.options.maxFileBytes);
      }
      if (job.tree) {
        const { tooLarge } = await checkout(job.tree, root, this.options.maxFileBytes);
        // A file left out for its size would silently change what renders: refuse the render instead.
        const below = tooLarge.filter((f) => !job.path || f === job.path || f.startsWith(`${job.path}/`));
        if (below.length) return { ok: false, errors: below.slice(0, 5).map((file) => ({ file, message: `the file is over the ${this.options.maxFileBytes}-byte limit of a file read for rendering (repoMaxFileBytes)` })) };
      }
      const request: RenderRequest = {
        root, path: job.path, source: job.source, appName: job.appName, namespace: job.namespace, capabilities: job.capabilities,
        ...(job.revision !== undefined ? { revision: job.revision } : {}), ...(job.project !== undefined ? { project: job.project } : {}),
        tools: this.options.tools, bounds: this.options.bounds, refs, kustomizeBuildOptions: this.options.kustomizeBuildOptions,
        helmCredentials: job.helmCredentials ?? this.options.helmCredentials,
        ...(this.options.mayFetch ? { mayFetch: this.options.mayFetch } : {}),
        ...(this.options.remoteSources ? { remoteSources: this.options.remoteSources } : {}),
      };
      const result = await runSourceDriver(type, request, job);
      // What symlinks in the inputs lead to is read too: a commit changing only a target renders again.
      return result.ok && job.tree ? { ...result, inputs: linkedInputs(root, result.inputs) } : result;
    } catch (error) {
      return { ok: false, errors: [{ file: job.path || '.', message: (error as Error).message }] };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    // A finishing render hands its slot straight to the next waiting one.
    if (this.running >= this.options.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

function runSourceDriver(type: SourceType | 'HelmRepository', request: RenderRequest, job: RenderJob): Promise<DriverResult> {
  switch (type) {
    case 'Helm': return renderHelm(request);
    case 'HelmRepository': return renderHelmRepoChart(request, { repoURL: job.source.repoURL, chart: String(job.source.chart), version: job.source.targetRevision ?? '' });
    case 'Kustomize': return renderKustomize(request);
    default: return renderJsonnet(request);
  }
}

/** Argo CD's directory rules: `directory.jsonnet` set, or a `.jsonnet` file among those selected. */
function usesJsonnet(job: RenderJob): boolean {
  return job.source.directory?.jsonnet !== undefined || hasJsonnetFile(job);
}

function hasJsonnetFile(job: RenderJob): boolean {
  const below = job.path ? `${job.path}/` : '';
  const recurse = job.source.directory?.recurse === true;
  return job.files.some((f) => f.path.endsWith('.jsonnet') && f.path.startsWith(below) && (recurse || !f.path.slice(below.length).includes('/')));
}
