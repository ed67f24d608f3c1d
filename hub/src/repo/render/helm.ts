// The Helm source type: `helm template` of a chart, as Argo CD renders it. Two entries: renderHelm
// for a chart at a path of a Git repository (its dependencies built from their repositories when
// `charts/` lacks them), renderHelmRepoChart for a chart pulled from an HTTP Helm repository or an
// OCI registry. Both end in renderChart, which runs these steps, each failing with errors that
// name the file:
//   1. check the chart: a Chart.yaml, no symbolic link leading out of the repository;
//   2. place and check every value file and file parameter (in the repository, or a ref source's;
//      a value file's URL only from FLOTILLA_REMOTE_SOURCES hosts, fetched by the hub, remote-files.ts);
//   3. build missing dependencies (`helm repo add` per repository, `helm dependency build`);
//   4. write inline values (`values`/`valuesObject`) into the render's helm home;
//   5. `helm template` with the cluster's capabilities (or the source's) and parse what it prints.
// Every helm run has a helm home of the render's own (helm-home.ts) and the run-tool.ts bounds.
// `helm.passCredentials` is `--pass-credentials` on `helm repo add` and on pulling an HTTP
// repository's chart; `helm.version` other than "v3" (refused by the Application check) fails.
import { lookup } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { effectiveCapabilities, pullArgs, releaseOf, templateArgs, type PullFrom } from './helm-args.ts';
import { dependencyNeeds, isLoopbackHost, ociHost, readDependencies } from './helm-chart.ts';
import { cleanPath, findEscapingLink, inputPath, isUrl, locateFile, placeFile } from './helm-files.ts';
import { addRepository, createHelmHome, loginRegistry, removeHelmHome, runHelm, type HelmRunner, type StepFailure } from './helm-home.ts';
import { HelmOutputReader } from './helm-output-stream.ts';
import { readHelmSpec, type HelmSpec } from './helm-spec.ts';
import { helmError, repoChartFiles, type ErrorFiles } from './helm-stderr.ts';
import { checkDialedAddress, checkRepoUrl, OPEN_POLICY, type Verdict } from '../url-policy.ts';
import { missingTool } from './tools.ts';
import { checkRemoteUrl } from './remote-sources.ts';
import { redactRepoUrl } from '../url-userinfo.ts';
import { fetchRemoteFile } from './remote-files.ts';
import { HELM_VERSIONS } from '@flotilla/shared';
import type { Driver, DriverResult, RenderError, RenderRequest } from './types.ts';

/** A chart in a Helm repository (`https://…` with an index.yaml) or an OCI registry (`oci://…`). */
export interface RepoChart {
  repoURL: string;
  chart: string;
  /** `targetRevision`: a version or a constraint (`1.2.*`); empty for the latest. */
  version: string;
}

/** The inline values' file in the helm home. */
const INLINE_VALUES = 'inline-values.yaml';

/** Where the chart to render is, and how its errors name files. */
interface ChartAt {
  /** The repository root value files must stay in. */
  root: string;
  /** The chart directory, relative to root. */
  chartPath: string;
  files: ErrorFiles;
  /** Whether root is a Git checkout whose paths are the render's inputs. */
  inGit: boolean;
}

/** Value files and file parameters, placed, checked and resolved to absolute paths. */
interface Placed {
  valueFiles: string[];
  fileParameters: { name: string; path: string }[];
  inputs: string[];
}

/** Renders a chart at `request.path` of the checked-out repository. */
export const renderHelm: Driver = async (request) => {
  if (!request.tools.helm) return failed({ file: request.path || '.', message: missingTool('helm') });
  const refused = versionRefused(request, request.path || '.');
  if (refused) return refused;
  const home = await createHelmHome(dirname(request.root));
  try {
    const runner = runnerOf(request, request.tools.helm, home);
    return await renderChart(request, runner, { root: request.root, chartPath: request.path, files: repoChartFiles(request.path), inGit: true });
  } finally {
    await removeHelmHome(home);
  }
};

/** Renders a chart from a Helm repository or OCI registry, pulled into the (empty) `request.root`. */
export async function renderHelmRepoChart(request: RenderRequest, chart: RepoChart): Promise<DriverResult> {
  const label = chartLabel(chart);
  if (!request.tools.helm) return failed({ file: label, message: missingTool('helm') });
  const refused = versionRefused(request, label);
  if (refused) return refused;
  const home = await createHelmHome(dirname(request.root));
  try {
    const runner = runnerOf(request, request.tools.helm, home);
    const pulled = await pullChart(runner, chart, request.root);
    if (!pulled.ok) return failed(helmError(pulled.what, pulled.stderr, pulled.message, { fileOf: (s) => s, fallback: label }));
    const files: ErrorFiles = { fileOf: (source) => source, fallback: label };
    return await renderChart(request, runner, { root: pulled.dir, chartPath: '', files, inGit: false });
  } finally {
    await removeHelmHome(home);
  }
}

/** How errors name a chart from a repository: `oci://host/path/chart:1.2.3` or `https://repo chart 1.2.3`. */
export function chartLabel(chart: RepoChart): string {
  const version = chart.version ? ` ${chart.version}` : '';
  return chart.repoURL.startsWith('oci://') ? `${ociRef(chart)}${version}` : `${chart.repoURL} ${chart.chart}${version}`;
}

async function renderChart(request: RenderRequest, runner: HelmRunner, chartAt: ChartAt): Promise<DriverResult> {
  const spec = readHelmSpec(request.source);
  const at = { ...chartAt, files: { ...chartAt.files, paths: await scratchPaths(request, chartAt, runner) } };
  const chartDir = join(at.root, at.chartPath);
  const chartError = await checkChart(at, chartDir);
  if (chartError) return failed(chartError);
  const placed = await placeFiles(request, spec, at, runner.home.dir);
  if (!placed.ok) return { ok: false, errors: placed.errors };
  const deps = await buildDependencies(runner, at, chartDir);
  if (!deps.ok) return failed(deps.error);
  if (spec.values !== undefined) {
    const file = join(runner.home.dir, INLINE_VALUES);
    await writeFile(file, spec.values, { mode: 0o600 });
    placed.valueFiles.push(file);
  }
  const capabilities = effectiveCapabilities(spec, request.capabilities);
  const args = templateArgs({
    ...releaseOf(spec, request.appName, request.namespace),
    chart: chartDir,
    kubeVersion: capabilities.kubeVersion,
    apiVersions: capabilities.apiVersions,
    valueFiles: placed.valueFiles,
    parameters: spec.parameters,
    fileParameters: placed.fileParameters,
    includeCrds: !spec.skipCrds,
    skipTests: spec.skipTests,
    skipSchemaValidation: spec.skipSchemaValidation,
  });
  // helm's output is read as it arrives: the reading overlaps helm's writing and exiting.
  const reader = new HelmOutputReader(at.files.fileOf, at.files.fallback);
  const run = await runHelm(runner, 'helm template', args, { onStdout: (chunk) => reader.push(chunk) });
  if (!run.ok) return failed(helmError(run.what, run.stderr, run.message, at.files));
  const output = reader.end();
  if (!output.ok) return output;
  const inputs = at.inGit ? [at.chartPath, ...placed.inputs, ...deps.inputs] : placed.inputs.filter((p) => p.startsWith('$') || isUrl(p));
  return { ok: true, manifests: output.manifests, inputs: dedupe(inputs, at.chartPath) };
}

/** How the render's scratch paths read in helm's messages: repository paths, `$ref/…`, `helm.values`. */
async function scratchPaths(request: RenderRequest, at: ChartAt, runner: HelmRunner): Promise<[string, string][]> {
  const root = await realpath(at.root);
  const home = await realpath(runner.home.dir);
  const remote = readHelmSpec(request.source).valueFiles.flatMap((raw, i): [string, string][] => (isUrl(raw) ? [[join(home, `remote-values-${i}.yaml`), raw]] : []));
  const paths: [string, string][] = [[join(home, INLINE_VALUES), 'helm.values'], ...remote, [`${home}/`, ''], [`${root}/`, at.inGit ? '' : `${basename(root)}/`]];
  for (const [name, dir] of Object.entries(request.refs)) paths.push([`${await realpath(dir)}/`, `$${name}/`]);
  return paths;
}

/** Step 1: the chart directory holds a Chart.yaml and no link out of the repository. */
async function checkChart(at: ChartAt, chartDir: string): Promise<RenderError | undefined> {
  const file = at.files.fallback;
  const located = await locateFile(at.root, join(at.chartPath, 'Chart.yaml'));
  if (located.kind === 'outside') return { file, message: `${at.chartPath || 'the chart'}/Chart.yaml leads outside the repository` };
  if (located.kind !== 'file') return { file, message: `no Chart.yaml in ${at.chartPath ? `"${at.chartPath}"` : 'the chart'}: a Helm source's path must be a chart directory` };
  const link = await findEscapingLink(at.root, chartDir);
  if (link) return { file: at.inGit ? link : file, message: `${link} is a symbolic link that leads outside the repository; helm would read the file it points at` };
  return undefined;
}

/** Step 2: value files and file parameters, each placed, checked on disk and resolved. */
async function placeFiles(request: RenderRequest, spec: HelmSpec, at: ChartAt, home: string): Promise<{ ok: true } & Placed | { ok: false; errors: RenderError[] }> {
  const refs = Object.keys(request.refs);
  const errors: RenderError[] = [];
  const placed: Placed = { valueFiles: [], fileParameters: [], inputs: [] };
  const entries: { field: string; raw: string; name?: string }[] = [
    ...spec.valueFiles.map((raw, i) => ({ field: `helm.valueFiles[${i}]`, raw })),
    ...spec.fileParameters.map((p, i) => ({ field: `helm.fileParameters[${i}].path`, raw: p.path, name: p.name })),
  ];
  for (const [index, entry] of entries.entries()) {
    if (entry.name === undefined && isUrl(entry.raw)) {
      const remote = await fetchValueFile(request, entry, spec.ignoreMissingValueFiles, join(home, `remote-values-${index}.yaml`));
      if (!remote.ok) errors.push({ file: at.files.fallback, message: remote.message });
      else {
        placed.inputs.push(entry.raw); // keyed by its content (remote-files.ts remoteInputOid)
        if (remote.file) placed.valueFiles.push(remote.file);
      }
      continue;
    }
    const place = placeFile(entry.raw, entry.field, at.chartPath, refs);
    if (!place.ok) {
      errors.push({ file: at.files.fallback, message: place.message });
      continue;
    }
    const root = place.ref === undefined ? at.root : request.refs[place.ref]!;
    const located = await locateFile(root, place.path);
    const shown = place.ref === undefined ? place.path : inputPath(place);
    placed.inputs.push(inputPath(place)); // a missing one too: the render changes when it appears
    if (located.kind === 'file') {
      if (entry.name === undefined) placed.valueFiles.push(located.abs);
      else placed.fileParameters.push({ name: entry.name, path: located.abs });
    } else if (located.kind === 'outside') {
      errors.push({ file: shown, message: `${entry.field}: ${JSON.stringify(entry.raw)} leads outside the repository (through a symbolic link)` });
    } else if (located.kind === 'not-a-file') {
      errors.push({ file: shown, message: `${entry.field}: ${JSON.stringify(entry.raw)} is not a file` });
    } else if (!(spec.ignoreMissingValueFiles && entry.name === undefined)) {
      const hint = entry.name === undefined ? ' (set helm.ignoreMissingValueFiles to skip missing value files)' : '';
      errors.push({ file: shown, message: `${entry.field}: ${JSON.stringify(entry.raw)} does not exist in the repository at this revision${hint}` });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, ...placed };
}

/** A value file's URL: allowed by FLOTILLA_REMOTE_SOURCES, fetched by the hub and written to `file` (none when missing and ignored). */
async function fetchValueFile(request: RenderRequest, entry: { field: string; raw: string }, ignoreMissing: boolean, file: string): Promise<{ ok: true; file?: string } | { ok: false; message: string }> {
  const refused = (reason: string) => ({ ok: false as const, message: `${entry.field}: ${JSON.stringify(redactRepoUrl(entry.raw))} is refused: ${reason}` });
  const verdict = checkRemoteUrl(entry.raw, request.remoteSources?.policy);
  if (!verdict.ok) return refused(verdict.reason);
  const fetched = await fetchRemoteFile(entry.raw, request.remoteSources!, request.bounds.timeoutMs);
  if (!fetched.ok) return fetched.missing && ignoreMissing ? { ok: true } : refused(fetched.reason);
  await writeFile(file, fetched.bytes, { mode: 0o600 });
  return { ok: true, file };
}

/** Step 3: `helm dependency build` when `charts/` lacks a dependency; answers the `file://` dependencies read. */
async function buildDependencies(runner: HelmRunner, at: ChartAt, chartDir: string): Promise<{ ok: true; inputs: string[] } | { ok: false; error: RenderError }> {
  const chartFile = at.inGit ? join(at.chartPath, 'Chart.yaml') : at.files.fallback;
  const requirements = existsSync(join(chartDir, 'requirements.yaml')) ? await readFile(join(chartDir, 'requirements.yaml'), 'utf8') : undefined;
  const read = readDependencies(await readFile(join(chartDir, 'Chart.yaml'), 'utf8'), requirements);
  if (!read.ok) return { ok: false, error: { file: chartFile, message: read.message } };
  if (read.dependencies.length === 0) return { ok: true, inputs: [] };
  const entries = await readdir(join(chartDir, 'charts')).catch(() => [] as string[]);
  const planned = dependencyNeeds(read.dependencies, entries);
  if (!planned.ok) return { ok: false, error: { file: chartFile, message: planned.message } };
  const { needs } = planned;
  const inputs: string[] = [];
  for (const path of needs.files) {
    const dep = cleanPath(at.chartPath, path);
    if (dep === undefined) return { ok: false, error: { file: chartFile, message: `Chart.yaml: the dependency file://${path} is outside the repository` } };
    const link = existsSync(join(at.root, dep)) ? await findEscapingLink(at.root, join(at.root, dep)) : undefined;
    if (link) return { ok: false, error: { file: link, message: `${link} is a symbolic link that leads outside the repository; helm would read the file it points at` } };
    inputs.push(dep);
  }
  if (needs.missing.length === 0) return { ok: true, inputs };
  for (const url of [...needs.http, ...needs.oci]) {
    const verdict = await mayFetch(runner, url);
    if (!verdict.ok) return { ok: false, error: { file: chartFile, message: `Chart.yaml: the dependency repository ${url} is refused: ${verdict.reason}` } };
  }
  const fail = (f: StepFailure) => ({ ok: false as const, error: helmError(f.what, f.stderr, f.message, { ...at.files, fileOf: () => chartFile, fallback: chartFile }) });
  for (const url of needs.http) {
    const added = await addRepository(runner, url);
    if (!added.ok) return fail(added);
  }
  for (const url of needs.oci) {
    const login = await loginRegistry(runner, url);
    if (!login.ok) return fail(login);
  }
  // --plain-http applies to every registry of the run: only when all of them are on loopback.
  const plainHttp = needs.oci.length > 0 && needs.oci.every((url) => isLoopbackHost(ociHost(url)));
  const run = await runHelm(runner, 'helm dependency build', ['dependency', 'build', chartDir, '--skip-refresh', ...(plainHttp ? ['--plain-http'] : [])]);
  return run.ok ? { ok: true, inputs } : fail(run);
}

/** Pulls a chart from its repository or registry and unpacks it into `into`; answers the chart's directory. */
async function pullChart(runner: HelmRunner, chart: RepoChart, into: string): Promise<{ ok: true; dir: string } | ({ ok: false } & StepFailure)> {
  const what = `pulling ${chartLabel(chart)}`;
  let from: PullFrom;
  if (chart.repoURL.startsWith('oci://')) {
    const login = await loginRegistry(runner, chart.repoURL);
    if (!login.ok) return login;
    from = { kind: 'oci', ref: ociRef(chart), plainHttp: isLoopbackHost(ociHost(chart.repoURL)) };
  } else if (runner.credentials(chart.repoURL)) {
    // With credentials, through an added repository: `helm pull --repo` would want the password on its command line.
    const added = await addRepository(runner, chart.repoURL);
    if (!added.ok) return added;
    from = { kind: 'added', repoName: added.name, chart: chart.chart };
  } else {
    from = { kind: 'repo', repoURL: chart.repoURL, chart: chart.chart };
  }
  const args = pullArgs(from, chart.version, into, runner.passCredentials === true);
  const run = await runHelm(runner, what, args);
  if (!run.ok) return run;
  const dirs = (await readdir(into, { withFileTypes: true })).filter((e) => e.isDirectory());
  if (dirs.length !== 1) return { ok: false, what, stderr: '', message: `the pulled chart unpacked into ${dirs.length} folders, expected one` };
  return { ok: true, dir: join(into, dirs[0]!.name) };
}

/** `oci://host/path` + `chart` as one reference; a repoURL that already ends in the chart's name is kept. */
function ociRef(chart: RepoChart): string {
  const base = chart.repoURL.replace(/\/+$/, '');
  return !chart.chart || base.endsWith(`/${chart.chart}`) ? base : `${base}/${chart.chart}`;
}

function runnerOf(request: RenderRequest, helm: string, home: HelmRunner['home']): HelmRunner {
  // `mayFetch` is the hub's fetch policy, when the dispatcher passes it.
  const policy = request.mayFetch;
  const passCredentials = readHelmSpec(request.source).passCredentials;
  return { helm, home, bounds: request.bounds, credentials: (url) => request.helmCredentials(url), passCredentials, ...(policy ? { mayFetch: policy } : {}) };
}

/** An application stored before the check refused it: `helm.version` other than "v3" is not rendered as something else. */
function versionRefused(request: RenderRequest, file: string): DriverResult | undefined {
  const { version } = readHelmSpec(request.source);
  if (HELM_VERSIONS.includes(version)) return undefined;
  return failed({ file, message: `helm.version ${JSON.stringify(version)} is not supported: the hub renders charts with Helm 3; remove the field or set "v3"` });
}

/**
 * Whether helm may fetch a dependency's repository: the hub's policy when given, else the default
 * one (no link-local or cloud metadata addresses, by name or by what the name resolves to now).
 * The chart's own repoURL is checked by the caller before the render.
 */
async function mayFetch(runner: HelmRunner, url: string): Promise<Verdict> {
  if (runner.mayFetch) return runner.mayFetch(url);
  const asHttp = url.replace(/^oci:\/\//, 'https://');
  const verdict = checkRepoUrl(asHttp, OPEN_POLICY);
  if (!verdict.ok) return verdict;
  const host = new URL(asHttp).hostname.replace(/^\[|\]$/g, '');
  for (const { address } of await lookup(host, { all: true }).catch(() => [])) {
    const dialed = checkDialedAddress(host, address, OPEN_POLICY);
    if (!dialed.ok) return dialed;
  }
  return { ok: true };
}

/** Inputs once each, without paths the chart directory already covers. */
function dedupe(inputs: string[], chartPath: string): string[] {
  const covers = (p: string) => !isUrl(p) && (chartPath === '' ? !p.startsWith('$') && p !== '' : p.startsWith(`${chartPath}/`));
  return [...new Set(inputs)].filter((p) => p === chartPath || !covers(p));
}

function failed(error: RenderError): DriverResult {
  return { ok: false, errors: [error] };
}
