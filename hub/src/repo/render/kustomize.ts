// The Kustomize source type: `kustomize build` of the source path in the render's own checkout, the
// way Argo CD runs it (util/kustomize Build), with the kustomize `spec.source.kustomize.version`
// names (kustomize-version.ts; the default one otherwise). Steps: refuse symlinks leading out of the repository
// anywhere in it (Argo CD's repository-wide check); walk the kustomization tree and refuse remote
// entries FLOTILLA_REMOTE_SOURCES does not allow (kustomize-remote.ts for those it does), absolute and escaping entries, naming the kustomization file and line; apply the Application's
// `spec.source.kustomize` options with `kustomize edit` (patches appended to the file), and walk
// again so what they add is checked too; run `kustomize build` with the hub's build options (and the
// cluster's Kubernetes and API versions when those enable Helm); read the manifests. Tool errors
// become the condition message, with the kustomization file they come from.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { realpathSync } from 'node:fs';
import { parseDocument, isSeq } from 'yaml';
import { buildEnv } from './argocd-env.ts';
import { startFetchProxy, proxyEnv, type FetchProxy } from './fetch-proxy.ts';
import { checkRemoteHosts, remoteFetchEnv } from './kustomize-remote.ts';
import { checkInsideRepo, findOutOfBoundsSymlinks, joinRepoPath } from './inside-repo.ts';
import { buildArgs, helmCapabilities, kustomizeSteps, type KustomizeStep } from './kustomize-options.ts';
import { parseBuildOutput } from './kustomize-output.ts';
import { chooseKustomize, parseKustomizeVersion, type KustomizeChoice } from './kustomize-version.ts';
import { isRemoteEntry, walkKustomizations, type KustomizeWalk } from './kustomize-walk.ts';
import { diskView } from './repo-view.ts';
import { runTool, type ToolRun } from './run-tool.ts';
import { missingTool } from './tools.ts';
import type { Driver, DriverResult, RenderError, RenderRequest } from './types.ts';

/** Renders a Kustomize source (see the module header). */
export const renderKustomize: Driver = async (request) => {
  const { root, path } = request;
  const fallback = request.tools.kustomize;
  if (!fallback) return fail(path || '.', missingTool('kustomize'));
  const chosen = await kustomizeBinary(request, fallback);
  if (!chosen.ok) return fail(path || '.', chosen.message);
  const binary = chosen.binary;
  const symlinks = await outOfBoundsSymlinks(root);
  if (symlinks.length) return { ok: false, errors: symlinks };
  const view = diskView(root);
  let walk = walkKustomizations(view, path, request.remoteSources?.policy);
  if (walk.errors.length) return { ok: false, errors: walk.errors };
  const kustomization = walk.kustomizations[0]!;

  // The Application's options, as Argo CD applies them: edits in the source directory, then a new walk.
  const steps = kustomizeSteps(request.source['kustomize'], buildEnv(request), (c) => view.kind(joinRepoPath(path, c) ?? '..') === 'dir');
  if (!steps.ok) return fail(kustomization, `${steps.field} ${steps.message}`);
  const refused = checkOptionPaths(request, [...steps.components.map((c) => ['components', c]), ...steps.patchPaths.map((p) => ['patches', p])] as [string, string][]);
  if (refused.length) return { ok: false, errors: refused };
  for (const step of steps.steps) {
    const error = await applyStep(request, binary, kustomization, step);
    if (error) return { ok: false, errors: [error] };
  }
  if (steps.steps.length) {
    walk = walkKustomizations(view, path, request.remoteSources?.policy);
    if (walk.errors.length) return { ok: false, errors: walk.errors.map((e) => (e.file === kustomization ? { ...e, message: `${e.message} (with spec.source.kustomize applied)` } : e)) };
  }

  const helm = helmCapabilities(request.source['kustomize'], request.capabilities);
  if ('error' in helm) return fail(kustomization, helm.error);
  const args = buildArgs(path, request.kustomizeBuildOptions, { ...helm, command: request.tools.helm });
  // Remote bases (allowed by FLOTILLA_REMOTE_SOURCES, kustomize-walk.ts): their hosts' addresses checked now, git kept to its own configuration.
  // Every fetch kustomize (and the git it runs) makes goes through a proxy holding it to the list (fetch-proxy.ts).
  let proxy: FetchProxy | undefined;
  let env: Record<string, string> | undefined;
  if (walk.remote.length && request.remoteSources) {
    const refusedHosts = await checkRemoteHosts(walk, request.remoteSources.policy);
    if (refusedHosts.length) return { ok: false, errors: refusedHosts };
    const tmp = join(dirname(root), 'kustomize-tmp');
    await mkdir(tmp, { recursive: true, mode: 0o700 });
    proxy = await startFetchProxy(request.remoteSources.policy);
    env = { ...remoteFetchEnv(tmp), ...proxyEnv(proxy) };
  }
  const run = await runTool(binary, args, { cwd: root, bounds: request.bounds, ...(env ? { env } : {}) }).finally(() => proxy?.close());
  if (!run.ok) {
    const refused = proxy?.refusals.map((r) => `; the hub refused the fetch of ${r.target}: ${r.reason}`).join('') ?? '';
    return fail(attributeError(run.stderr, root, walk), `${toolMessage('kustomize build', run, root)}${refused}`);
  }
  const parsed = parseBuildOutput(run.stdout, kustomization);
  return parsed.ok ? { ok: true, manifests: parsed.manifests, inputs: walk.inputs } : parsed;
};

/** `kustomize version` of each default binary, asked once it answers (only when a source names a version). */
const defaultVersions = new Map<string, Promise<string | undefined>>();

/** The kustomize that renders this source: `spec.source.kustomize.version`'s, else the default (kustomize-version.ts). */
async function kustomizeBinary(request: RenderRequest, fallback: string): Promise<KustomizeChoice> {
  const options = request.source['kustomize'];
  const version = options !== null && typeof options === 'object' ? (options as Record<string, unknown>)['version'] : undefined;
  const requested = typeof version === 'string' ? version : '';
  if (requested.trim() === '') return { ok: true, binary: fallback };
  let probe = defaultVersions.get(fallback);
  if (!probe) {
    probe = runTool(fallback, ['version'], { cwd: request.root, bounds: request.bounds }).then((run) => {
      const found = run.ok ? parseKustomizeVersion(run.stdout) : undefined;
      if (found === undefined) defaultVersions.delete(fallback); // asked again next time
      return found;
    });
    defaultVersions.set(fallback, probe);
  }
  return chooseKustomize(requested, { binary: fallback, version: await probe }, request.tools.kustomizeVersions ?? {});
}

/** Argo CD's repository-wide symlink check, as render errors naming each link. */
async function outOfBoundsSymlinks(root: string): Promise<RenderError[]> {
  const links = await findOutOfBoundsSymlinks(root);
  return links.map((file) => ({ file, message: 'symlink to outside the repository (absolute, or climbing above its root): refused' }));
}

/** Components and patch files the Application adds must be local and stay inside, like the kustomization's own. */
function checkOptionPaths(request: RenderRequest, entries: [string, string][]): RenderError[] {
  const errors: RenderError[] = [];
  for (const [field, entry] of entries) {
    const at = `spec.source.kustomize.${field} entry "${entry}"`;
    // A remote component is added to the kustomization and checked by the second walk (FLOTILLA_REMOTE_SOURCES).
    if (isRemoteEntry(entry) && field === 'components' && request.remoteSources?.policy.restricted) continue;
    if (isRemoteEntry(entry)) errors.push({ file: request.path || '.', message: `${at} is remote; the hub does not fetch remote patches, nor remote components unless FLOTILLA_REMOTE_SOURCES (hub option remoteSources) lists their host: keep them in this repository` });
    else {
      const joined = joinRepoPath(request.path, entry);
      const inside = entry.startsWith('/') || joined === undefined ? undefined : checkInsideRepo(request.root, joined);
      if (!inside?.ok) errors.push({ file: request.path || '.', message: `${at} ${inside ? 'leads through a symlink to outside the repository' : 'leaves the repository'}` });
    }
  }
  return errors;
}

/** Runs one `kustomize edit`, or appends patches to the kustomization file; answers the error, if any. */
async function applyStep(request: RenderRequest, binary: string, kustomization: string, step: KustomizeStep): Promise<RenderError | undefined> {
  if (step.kind === 'patches') return appendPatches(join(request.root, kustomization), kustomization, step.patches);
  const run = await runTool(binary, ['edit', ...step.args], { cwd: join(request.root, request.path), bounds: request.bounds });
  if (run.ok) return undefined;
  const what = `kustomize edit ${step.args.slice(0, 2).join(' ')} (from spec.source.kustomize)`;
  return { file: kustomization, message: toolMessage(what, run, request.root) };
}

/** Argo CD appends the Application's patches to the kustomization's `patches` (there is no edit command for them). */
async function appendPatches(file: string, name: string, patches: Record<string, unknown>[]): Promise<RenderError | undefined> {
  const doc = parseDocument(await readFile(file, 'utf8'), { version: '1.1' });
  if (doc.errors.length) return { file: name, message: `invalid kustomization: ${doc.errors[0]!.message}` };
  const existing = doc.get('patches', true);
  if (existing !== undefined && existing !== null && !isSeq(existing)) {
    return { file: name, message: 'expected the \'patches\' field to be a list, to add spec.source.kustomize.patches to it' };
  }
  if (isSeq(existing)) for (const p of patches) existing.add(doc.createNode(p));
  else doc.set('patches', doc.createNode(patches));
  await writeFile(file, doc.toString());
  return undefined;
}

/** The kustomization file an error comes from: the deepest one reached that stderr names, else the source's. */
export function attributeError(stderr: string, root: string, walk: Pick<KustomizeWalk, 'kustomizations'>): string {
  const roots = rootSpellings(root);
  let best = { file: walk.kustomizations[0] ?? '.', at: -1 };
  for (const file of walk.kustomizations) {
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    for (const r of roots) {
      const spelled = dir === '' ? r : `${r}/${dir}`;
      const pattern = new RegExp(`${escapeRegExp(spelled)}(?=['"\\s:]|/(?:kustomization\\.ya?ml|Kustomization)\\b|$)`, 'g');
      for (const m of stderr.matchAll(pattern)) if (m.index > best.at) best = { file, at: m.index };
    }
  }
  return best.file;
}

/** A tool failure as a condition message: its stderr with the scratch directory left out (paths become repository-relative). */
function toolMessage(what: string, run: Extract<ToolRun, { ok: false }>, root: string): string {
  let text = run.stderr;
  for (const r of rootSpellings(root)) text = text.split(`${r}/`).join('').split(r).join('.');
  text = text.replace(/^Error: /gm, '').replace(/\n+Usage:[\s\S]*$/, '').trim();
  return `${what} failed${run.reason === 'exit' ? '' : ` (${run.message})`}: ${text || run.message}`;
}

/** The scratch root as given and as its real path (kustomize prints the resolved one). */
function rootSpellings(root: string): string[] {
  let real = root;
  try {
    real = realpathSync(root);
  } catch {
    // the root vanished; keep its spelling
  }
  return [...new Set([real, root.replace(/\/+$/, '')])].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function fail(file: string, message: string): DriverResult {
  return { ok: false, errors: [{ file, message }] };
}
