// The Helm driver against the real helm binary, on fixtures written for this project
// (testdata/helm/README.md): charts at a path of a repository (value files, parameters, inline
// values, file parameters, capabilities, CRDs, hooks, dependencies from a Helm repository on
// loopback), charts from a Helm repository with basic auth and from an OCI registry on loopback
// (the distribution registry build-tools.sh builds), and failures, each naming its file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startHelmRepo, type HelmRepo } from '../../../../test/support/helm-repo.ts';
import { startOciRegistry, type OciRegistry } from '../../../../test/support/oci-registry.ts';
import { chartLabel, renderHelm, renderHelmRepoChart } from './helm.ts';
import { findTools } from './tools.ts';
import type { DriverResult, RenderRequest } from './types.ts';

const testdata = new URL('./testdata/helm/', import.meta.url).pathname;
const helm = findTools().helm!;
const scratchRoot = mkdtempSync(join(tmpdir(), 'flotilla-helm-test-'));
// The driver runs helm through a wrapper that logs every command line, so a test can see that no
// password was ever an argument (where `ps` would show it).
const argvLog = join(scratchRoot, 'helm-argv.log');
const wrapper = join(scratchRoot, 'helm');
writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${helm}' "$@"\n`, { mode: 0o755 });
const tools = { ...findTools(), helm: wrapper };
const CAPS = { kubeVersion: 'v1.34.4', apiVersions: ['apps/v1', 'batch/v1', 'v1'] };
const AUTH = { username: 'charts', password: 's3cret-pass' };
const PLACEHOLDER = 'http://helm-repo.invalid';

/** A scratch render folder as the dispatcher makes it: `repo/` (the checkout) and `ref-N/` per ref. */
function scratch(options: { refs?: boolean; repoURL?: string } = {}): { root: string; refs: Record<string, string> } {
  const dir = mkdtempSync(join(scratchRoot, 'render-'));
  const root = join(dir, 'repo');
  cpSync(join(testdata, 'repo'), root, { recursive: true });
  if (options.repoURL) {
    const chart = join(root, 'charts/with-dep/Chart.yaml');
    writeFileSync(chart, readFileSync(chart, 'utf8').replace(PLACEHOLDER, options.repoURL));
  }
  const refs: Record<string, string> = {};
  if (options.refs) {
    refs.values = join(dir, 'ref-0');
    cpSync(join(testdata, 'refs/values'), refs.values, { recursive: true });
  }
  return { root, refs };
}

function request(path: string, helmSpec: Record<string, unknown>, over: Partial<RenderRequest> = {}): RenderRequest {
  const { root, refs } = over.root ? { root: over.root, refs: over.refs ?? {} } : scratch({ refs: true });
  return {
    root, path, refs, source: { repoURL: 'http://git.invalid/apps.git', path, helm: helmSpec },
    appName: 'shop', namespace: 'apps', capabilities: CAPS, tools, bounds: { timeoutMs: 60_000, maxOutputBytes: 16 << 20 },
    kustomizeBuildOptions: [], helmCredentials: () => undefined, ...over,
  };
}

type Obj = { kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; data?: Record<string, string> };

function manifests(result: DriverResult): Obj[] {
  assert.ok(result.ok, `render failed: ${JSON.stringify(!result.ok && result.errors)}`);
  return result.manifests as Obj[];
}

function data(result: DriverResult, name: string): Record<string, string> {
  const found = manifests(result).find((m) => m.kind === 'ConfigMap' && m.metadata.name === name);
  assert.ok(found, `no ConfigMap ${name} among ${manifests(result).map((m) => m.metadata.name).join(', ')}`);
  return found.data ?? {};
}

function errorsOf(result: DriverResult) {
  assert.ok(!result.ok, 'the render should have failed');
  return result.errors;
}

describe('renderHelm: a chart at a path of the repository', () => {
  // name | helm spec | what the settings ConfigMap (or the render) must show
  const rows: { name: string; spec: Record<string, unknown>; settings?: Record<string, string>; check?: (r: DriverResult) => void }[] = [
    { name: 'defaults: values.yaml, the app name as release, the destination namespace', spec: {},
      settings: { replicas: '1', color: 'blue', greeting: 'hello' },
      check: (r) => assert.equal(manifests(r).find((m) => m.metadata.name === 'shop-settings')?.metadata.namespace, 'apps') },
    { name: 'value files in order, one of them elsewhere in the repository', spec: { valueFiles: ['values-prod.yaml', '../../envs/prod.yaml'] },
      settings: { replicas: '3', color: 'green', env: 'production' },
      check: (r) => assert.deepEqual(r.ok && r.inputs, ['charts/web', 'envs/prod.yaml']) },
    { name: 'an absolute value file path is relative to the repository root (as in Argo CD)', spec: { valueFiles: ['/envs/prod.yaml'] },
      settings: { env: 'production', color: 'green' } },
    { name: 'parameters: --set, a comma kept in the value, a {list}, numbers stay numbers', spec: { valueFiles: ['values-prod.yaml'], parameters: [
      { name: 'greeting', value: 'hi,there' }, { name: 'list', value: '{a,b}' }, { name: 'replicas', value: '5' }] },
      settings: { greeting: 'hi,there', list: '["a","b"]', replicas: '5', replicasType: 'int64' } },
    { name: 'forceString makes a string, which the values schema refuses', spec: { parameters: [{ name: 'replicas', value: '5', forceString: true }] },
      check: (r) => {
        const [e] = errorsOf(r);
        assert.equal(e!.file, 'charts/web');
        assert.match(e!.message, /schema[\s\S]*replicas[\s\S]*integer/);
      } },
    { name: 'skipSchemaValidation lets the string through', spec: { skipSchemaValidation: true, parameters: [{ name: 'replicas', value: '5', forceString: true }] },
      settings: { replicas: '5', replicasType: 'string' } },
    { name: 'values (a string) apply over value files', spec: { valueFiles: ['values-prod.yaml'], values: 'color: yellow\n' }, settings: { color: 'yellow', replicas: '3' } },
    { name: 'valuesObject wins over values; parameters win over both', spec: { values: 'color: yellow\ngreeting: hey\n', valuesObject: { color: 'purple' }, parameters: [{ name: 'greeting', value: 'param' }] },
      settings: { color: 'purple', greeting: 'param' } },
    { name: 'fileParameters: --set-file from a file of the repository', spec: { fileParameters: [{ name: 'banner', path: '../../files/banner.txt' }] },
      settings: { banner: 'Welcome, operator.\n' },
      check: (r) => assert.deepEqual(r.ok && r.inputs, ['charts/web', 'files/banner.txt']) },
    { name: 'a $ref value file from another source', spec: { valueFiles: ['$values/env/prod.yaml'] },
      settings: { env: 'from-ref', shared: 'yes-from-ref' },
      check: (r) => assert.deepEqual(r.ok && r.inputs, ['charts/web', '$values/env/prod.yaml']) },
    { name: 'releaseName and helm.namespace override the app name and destination', spec: { releaseName: 'store', namespace: 'shop-ns' },
      check: (r) => assert.equal(manifests(r).find((m) => m.metadata.name === 'store-settings')?.metadata.namespace, 'shop-ns') },
    { name: 'CRDs, test hooks and other hooks are in the bundle, hooks with their annotations', spec: {},
      check: (r) => {
        const kinds = manifests(r).map((m) => `${m.kind}/${m.metadata.name}`);
        for (const k of ['CustomResourceDefinition/widgets.example.com', 'Pod/shop-test', 'Job/shop-migrate']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
        assert.equal(manifests(r).find((m) => m.kind === 'Job')?.metadata.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
      } },
    { name: 'skipCrds and skipTests leave CRDs and test hooks out', spec: { skipCrds: true, skipTests: true },
      check: (r) => {
        const kinds = manifests(r).map((m) => m.kind);
        assert.ok(!kinds.includes('CustomResourceDefinition') && !kinds.includes('Pod') && kinds.includes('Job'), `${kinds}`);
      } },
    { name: 'a missing value file is skipped with ignoreMissingValueFiles (and still an input)', spec: { valueFiles: ['nope.yaml', 'values-prod.yaml'], ignoreMissingValueFiles: true },
      settings: { replicas: '3' },
      check: (r) => assert.deepEqual(r.ok && r.inputs, ['charts/web']) },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const result = await renderHelm(request('charts/web', row.spec));
      if (row.settings) {
        const got = data(result, row.spec.releaseName ? `${row.spec.releaseName}-settings` : 'shop-settings');
        for (const [key, value] of Object.entries(row.settings)) assert.equal(got[key], value, `data.${key}`);
      }
      row.check?.(result);
    });
  }

  // capabilities | source overrides | what .Capabilities shows
  const caps: { name: string; capabilities: RenderRequest['capabilities']; spec: Record<string, unknown>; want: Record<string, string | undefined> }[] = [
    { name: 'the cluster\'s version and API versions', capabilities: { kubeVersion: 'v1.34.4', apiVersions: ['v1', 'example.com/v1'] }, spec: {},
      want: { kubeVersion: 'v1.34.4', hasWidgets: 'true', hasWidgetKind: 'false', modern: 'true' } },
    { name: 'an older cluster', capabilities: { kubeVersion: 'v1.29.3', apiVersions: ['v1'] }, spec: {},
      want: { kubeVersion: 'v1.29.3', hasWidgets: 'false', modern: undefined } },
    { name: 'helm.kubeVersion and helm.apiVersions win over the cluster\'s', capabilities: { kubeVersion: 'v1.29.3', apiVersions: ['v1'] },
      spec: { kubeVersion: '1.31.0', apiVersions: ['example.com/v1/Widget'] }, want: { kubeVersion: 'v1.31.0', hasWidgetKind: 'true', modern: 'true' } },
  ];
  for (const row of caps) {
    it(`.Capabilities: ${row.name}`, async () => {
      const got = data(await renderHelm(request('charts/web', row.spec, { capabilities: row.capabilities })), 'shop-capabilities');
      for (const [key, value] of Object.entries(row.want)) assert.equal(got[key], value, `data.${key}`);
    });
  }
});

describe('renderHelm: failures name the file', () => {
  // name | path | helm spec | the file and message of the (first) error
  const rows: { name: string; path?: string; spec?: Record<string, unknown>; file: string; message: RegExp; line?: number; setup?: (root: string) => void }[] = [
    { name: 'a broken template', path: 'charts/broken', file: 'charts/broken/templates/broken.yaml', line: 4, message: /function "nosuchfunction" not defined/ },
    { name: 'a template that renders something not a Kubernetes object', path: 'charts/not-objects', file: 'charts/not-objects/templates/settings.yaml', message: /not a Kubernetes object: it lacks "apiVersion", "kind", "metadata"/ },
    { name: 'a value file that leaves the repository', spec: { valueFiles: ['../../../outside.yaml'] }, file: 'charts/web', message: /helm\.valueFiles\[0\]: "\.\.\/\.\.\/\.\.\/outside\.yaml" is outside the repository/ },
    { name: 'a $ref value file that leaves its repository', spec: { valueFiles: ['$values/../repo/envs/prod.yaml'] }, file: 'charts/web', message: /is outside the repository of the source with ref "values"/ },
    { name: 'a value file that is a symbolic link out of the repository', spec: { valueFiles: ['../../envs/leak.yaml'] }, file: 'envs/leak.yaml', message: /leads outside the repository/,
      setup: (root) => symlinkSync('/etc/hostname', join(root, 'envs/leak.yaml')) },
    { name: 'a file parameter out of the repository', spec: { fileParameters: [{ name: 'banner', path: '../../../../etc/hostname' }] }, file: 'charts/web', message: /helm\.fileParameters\[0\]\.path: .* is outside the repository/ },
    { name: 'a chart holding a symbolic link out of the repository (.Files.Get would read it)', file: 'charts/web/files/hostname', message: /symbolic link that leads outside the repository/,
      setup: (root) => { mkdirSync(join(root, 'charts/web/files')); symlinkSync('/etc/hostname', join(root, 'charts/web/files/hostname')); } },
    { name: 'a missing value file', spec: { valueFiles: ['nope.yaml'] }, file: 'charts/web/nope.yaml', message: /helm\.valueFiles\[0\]: "nope\.yaml" does not exist in the repository at this revision \(set helm\.ignoreMissingValueFiles/ },
    { name: 'a missing file parameter, even with ignoreMissingValueFiles', spec: { ignoreMissingValueFiles: true, fileParameters: [{ name: 'x', path: 'nope.txt' }] }, file: 'charts/web/nope.txt', message: /does not exist/ },
    { name: 'a URL value file (FLOTILLA_REMOTE_SOURCES not set)', spec: { valueFiles: ['https://example.com/values.yaml'] }, file: 'charts/web', message: /helm\.valueFiles\[0\]: "https:\/\/example\.com\/values\.yaml" is refused: the hub fetches remote files only from hosts listed in FLOTILLA_REMOTE_SOURCES \(hub option remoteSources\), which is not set/ },
    { name: 'helm.version other than v3 (an application stored before the check refused it)', spec: { version: 'v2' }, file: 'charts/web', message: /^helm\.version "v2" is not supported: the hub renders charts with Helm 3/ },
    { name: 'a $ref no source has', spec: { valueFiles: ['$other/values.yaml'] }, file: 'charts/web', message: /refers to the source with ref "other", but the refs are \$values/ },
    { name: 'a value file that does not parse, named by its repository path', spec: { valueFiles: ['../../envs/bad.yaml'] }, file: 'envs/bad.yaml', message: /^helm template: failed to parse envs\/bad\.yaml: .*did not find expected node content/,
      setup: (root) => writeFileSync(join(root, 'envs/bad.yaml'), 'x: [\n') },
    { name: 'inline values that do not parse', spec: { values: 'x: [\n' }, file: 'charts/web', message: /^helm template: failed to parse helm\.values: / },
    { name: 'a path without Chart.yaml', path: 'envs', file: 'envs', message: /no Chart\.yaml in "envs"/ },
    { name: 'a dependency by repository alias', path: 'charts/with-dep', file: 'charts/with-dep/Chart.yaml', message: /alias "@stable"/,
      setup: (root) => writeFileSync(join(root, 'charts/with-dep/Chart.yaml'), readFileSync(join(root, 'charts/with-dep/Chart.yaml'), 'utf8').replace(PLACEHOLDER, '"@stable"')) },
    { name: 'a dependency repository at a cloud metadata address', path: 'charts/with-dep', file: 'charts/with-dep/Chart.yaml', message: /the dependency repository http:\/\/169\.254\.169\.254\/charts is refused: 169\.254\.169\.254 is a cloud metadata address/,
      setup: (root) => writeFileSync(join(root, 'charts/with-dep/Chart.yaml'), readFileSync(join(root, 'charts/with-dep/Chart.yaml'), 'utf8').replace(PLACEHOLDER, 'http://169.254.169.254/charts')) },
    { name: 'a file:// dependency outside the repository', path: 'charts/with-dep', file: 'charts/with-dep/Chart.yaml', message: /file:\/\/\.\.\/\.\.\/\.\.\/elsewhere is outside the repository/,
      setup: (root) => writeFileSync(join(root, 'charts/with-dep/Chart.yaml'), readFileSync(join(root, 'charts/with-dep/Chart.yaml'), 'utf8').replace(PLACEHOLDER, 'file://../../../elsewhere')) },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const { root, refs } = scratch({ refs: true });
      row.setup?.(root);
      const [error] = errorsOf(await renderHelm(request(row.path ?? 'charts/web', row.spec ?? {}, { root, refs })));
      assert.equal(error!.file, row.file);
      assert.match(error!.message, row.message);
      assert.ok(!error!.message.includes(scratchRoot), `no scratch path in: ${error!.message}`);
      if (row.line !== undefined) assert.equal(error!.line, row.line);
    });
  }

  it('a render past its bounds: too much output', async () => {
    const [error] = errorsOf(await renderHelm(request('charts/web', {}, { bounds: { timeoutMs: 60_000, maxOutputBytes: 100 } })));
    assert.equal(error!.file, 'charts/web');
    assert.match(error!.message, /^helm template: helm wrote more than 100 bytes of output/);
  });

  it('a render past its bounds: too slow', async () => {
    const [error] = errorsOf(await renderHelm(request('charts/web', {}, { bounds: { timeoutMs: 1, maxOutputBytes: 1 << 20 } })));
    assert.match(error!.message, /^helm template: helm timed out after 0 s/);
  });

  it('names the missing tool when there is no helm', async () => {
    const [error] = errorsOf(await renderHelm(request('charts/web', {}, { tools: {} })));
    assert.match(error!.message, /rendering needs helm/);
  });
});

describe('renderHelm: dependencies from a Helm repository on loopback', () => {
  let repo: HelmRepo;
  let authed: HelmRepo;
  before(async () => {
    repo = await startHelmRepo(helm, [join(testdata, 'library/common-1.0.0')]);
    authed = await startHelmRepo(helm, [join(testdata, 'library/common-1.0.0'), join(testdata, 'library/common-1.1.0')], { auth: AUTH });
  });
  after(async () => {
    await repo?.close();
    await authed?.close();
  });

  it('builds a dependency missing from charts/, at the version Chart.lock pins', async () => {
    const { root, refs } = scratch({ repoURL: repo.url });
    const chart = join(root, 'charts/with-dep');
    // Lock ^1.0.0 at 1.0.0 while that is the newest, then publish 1.1.0: the lock still wins.
    const env = { ...process.env, HELM_CACHE_HOME: join(root, '..', 'lock-home'), HELM_CONFIG_HOME: join(root, '..', 'lock-home'), HELM_DATA_HOME: join(root, '..', 'lock-home') };
    // Asynchronously: the repository is served by this very process.
    await promisify(execFile)(helm, ['repo', 'add', 'lib', repo.url], { env });
    await promisify(execFile)(helm, ['dependency', 'update', chart], { env });
    rmSync(join(chart, 'charts'), { recursive: true });
    rmSync(join(root, '..', 'lock-home'), { recursive: true });
    repo.addChart(join(testdata, 'library/common-1.1.0'));
    const result = await renderHelm(request('charts/with-dep', {}, { root, refs }));
    assert.equal(data(result, 'shop-common').version, '1.0.0');
    assert.equal(data(result, 'shop-app').common, 'vanilla');
  });

  it('without Chart.lock takes the newest version the constraint allows, with the repository\'s credentials', async () => {
    const { root, refs } = scratch({ repoURL: authed.url });
    const credentials = (url: string) => (url.startsWith(authed.url) ? AUTH : undefined);
    const result = await renderHelm(request('charts/with-dep', {}, { root, refs, helmCredentials: credentials }));
    assert.equal(data(result, 'shop-common').version, '1.1.0');
    assert.ok((authed.requests.get('/common-1.1.0.tgz') ?? 0) >= 1, `fetched with credentials: ${[...authed.requests]}`);
  });

  it('a repository that wants credentials the hub lacks: the error names Chart.yaml', async () => {
    const { root, refs } = scratch({ repoURL: authed.url });
    const [error] = errorsOf(await renderHelm(request('charts/with-dep', {}, { root, refs })));
    assert.equal(error!.file, 'charts/with-dep/Chart.yaml');
    assert.match(error!.message, /adding the Helm repository http:\/\/127\.0\.0\.1:\d+: .*401/);
  });
});

describe('renderHelmRepoChart: charts from a Helm repository and an OCI registry', () => {
  let repo: HelmRepo;
  let registry: OciRegistry;
  let authedRegistry: OciRegistry;
  before(async () => {
    repo = await startHelmRepo(helm, [join(testdata, 'library/remote-app')], { auth: AUTH });
    registry = await startOciRegistry();
    registry.pushChart(helm, join(testdata, 'library/remote-app'), 'charts');
    authedRegistry = await startOciRegistry({ auth: AUTH });
    authedRegistry.pushChart(helm, join(testdata, 'library/remote-app'), 'private');
  });
  after(async () => {
    await repo?.close();
    await registry?.close();
    await authedRegistry?.close();
  });

  /** An empty scratch `repo/` folder, with the $values ref beside it. */
  function empty(over: Partial<RenderRequest> = {}): RenderRequest {
    const dir = mkdtempSync(join(scratchRoot, 'render-'));
    mkdirSync(join(dir, 'repo'));
    const refs = { values: join(dir, 'ref-0') };
    cpSync(join(testdata, 'refs/values'), refs.values, { recursive: true });
    return request('', {}, { root: join(dir, 'repo'), refs, ...over });
  }
  const credentialsFor = (prefix: string) => (url: string) => (url.startsWith(prefix) ? AUTH : undefined);

  // name | chart | helm spec | credentials | what the ConfigMap shows, or the error
  const rows: { name: string; chart: () => { repoURL: string; chart: string; version: string }; spec?: Record<string, unknown>; creds?: () => RenderRequest['helmCredentials']; want?: Record<string, string>; error?: RegExp }[] = [
    { name: 'Helm repository with basic auth, a value file from inside the chart and one from a ref', chart: () => ({ repoURL: repo.url, chart: 'remote-app', version: '2.0.0' }),
      spec: { valueFiles: ['values-large.yaml', '$values/env/prod.yaml'] }, creds: () => credentialsFor(repo.url), want: { chart: 'remote-app-2.0.0', size: 'large', env: 'from-ref' } },
    { name: 'Helm repository: a version constraint', chart: () => ({ repoURL: repo.url, chart: 'remote-app', version: '2.*' }), creds: () => credentialsFor(repo.url), want: { chart: 'remote-app-2.0.0', size: 'small' } },
    { name: 'Helm repository without the credentials it wants', chart: () => ({ repoURL: repo.url, chart: 'remote-app', version: '2.0.0' }), error: /pulling http:\/\/127\.0\.0\.1:\d+ remote-app 2\.0\.0: .*401/ },
    { name: 'Helm repository: a version it does not have', chart: () => ({ repoURL: repo.url, chart: 'remote-app', version: '9.9.9' }), creds: () => credentialsFor(repo.url), error: /remote-app.*9\.9\.9/ },
    { name: 'OCI registry on loopback (plain http)', chart: () => ({ repoURL: `oci://${registry.host}/charts`, chart: 'remote-app', version: '2.0.0' }), want: { chart: 'remote-app-2.0.0' } },
    { name: 'OCI registry with basic auth', chart: () => ({ repoURL: `oci://${authedRegistry.host}/private`, chart: 'remote-app', version: '2.0.0' }), creds: () => credentialsFor(`oci://${authedRegistry.host}`),
      spec: { parameters: [{ name: 'size', value: 'huge' }] }, want: { chart: 'remote-app-2.0.0', size: 'huge' } },
    { name: 'OCI registry without the credentials it wants', chart: () => ({ repoURL: `oci://${authedRegistry.host}/private`, chart: 'remote-app', version: '2.0.0' }), error: /pulling oci:\/\/127\.0\.0\.1:\d+\/private\/remote-app 2\.0\.0: .*(401|unauthorized|basic credential not found)/i },
    { name: 'a value file outside the pulled chart', chart: () => ({ repoURL: `oci://${registry.host}/charts`, chart: 'remote-app', version: '2.0.0' }), spec: { valueFiles: ['../x.yaml'] }, error: /is outside the repository/ },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const chart = row.chart();
      const req = empty({ source: { repoURL: chart.repoURL, chart: chart.chart, targetRevision: chart.version, helm: row.spec ?? {} }, ...(row.creds ? { helmCredentials: row.creds() } : {}) });
      const result = await renderHelmRepoChart(req, chart);
      if (row.error) {
        const [error] = errorsOf(result);
        assert.equal(error!.file, chartLabel(chart));
        assert.match(error!.message, row.error);
        assert.ok(!error!.message.includes(AUTH.password), 'no password in the message');
        return;
      }
      const got = data(result, 'shop-remote');
      for (const [key, value] of Object.entries(row.want ?? {})) assert.equal(got[key], value, `data.${key}`);
      assert.deepEqual(result.ok && result.inputs, (row.spec?.valueFiles as string[] | undefined)?.filter((f) => f.startsWith('$')) ?? []);
    });
  }
});

describe('credentials', () => {
  it('no password was on any helm command line, though renders used them', () => {
    const log = readFileSync(argvLog, 'utf8');
    assert.match(log, /--password-stdin/);
    assert.ok(!log.includes(AUTH.password), 'the password is not in any argv');
  });
});

after(() => rmSync(scratchRoot, { recursive: true, force: true }));
