// Remote Helm value files and remote Kustomize bases against real servers on loopback (issue 14:
// URLs are refused unless the hub's settings allow them). The Helm driver runs the real helm on a
// chart whose value file is served by an HTTP server here; the Kustomize driver runs the real
// kustomize on an overlay whose base is a repository of the test Git server (test/git/server.ts),
// cloned by kustomize over http. Without FLOTILLA_REMOTE_SOURCES, or with the host not listed,
// each is refused naming the setting; an oversized file and a redirect to a metadata address are
// refused; a remote input is keyed by its content.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderHelm } from '../../hub/src/repo/render/helm.ts';
import { renderKustomize } from '../../hub/src/repo/render/kustomize.ts';
import { remoteInputOid } from '../../hub/src/repo/render/remote-files.ts';
import { remotePolicyOf, type RemoteSources } from '../../hub/src/repo/render/remote-sources.ts';
import { findTools } from '../../hub/src/repo/render/tools.ts';
import type { DriverResult, RenderRequest } from '../../hub/src/repo/render/types.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const tools = findTools();
const top = mkdtempSync(join(tmpdir(), 'flotilla-remote-sources-'));
const LIMIT = 4096;
let served: Record<string, string> = {};
let server: Server;
let base = '';
let git: GitServer;

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/to-metadata') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    const body = served[req.url ?? ''];
    if (body === undefined) return void res.writeHead(404).end('not found\n');
    res.writeHead(200, { 'content-type': 'text/yaml' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  git = await startGitServer();
  git.createRepo('base', {
    'base/kustomization.yaml': 'resources:\n- cm.yaml\n',
    'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-remote-base\ndata:\n  origin: git-server\n',
  });
  // A remote base that names another remote base, on a loopback address the list does not name.
  git.createRepo('nesting', { 'outer/kustomization.yaml': `resources:\n- ${git.url.replace('127.0.0.1', '127.0.0.2')}/base.git//base?ref=main\n` });
});
after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await git.close();
  rmSync(top, { recursive: true, force: true });
});

let n = 0;
/** A scratch render folder holding a repository with `files`, as the dispatcher makes it. */
function checkout(files: Record<string, string>): string {
  const root = join(top, `render-${n++}`, 'repo');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const CHART = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: greeter\nversion: 0.1.0\n',
  'chart/values.yaml': 'greeting: from-the-chart\n',
  'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: greeter\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
};

function request(root: string, path: string, source: Record<string, unknown>, remote?: string[]): RenderRequest {
  const remoteSources: RemoteSources | undefined = remote ? { policy: remotePolicyOf(remote), maxFileBytes: LIMIT } : undefined;
  return {
    root, path, refs: {}, appName: 'shop', namespace: 'apps', source: { repoURL: 'http://git.invalid/apps.git', path, ...source },
    capabilities: { kubeVersion: 'v1.34.4', apiVersions: ['v1'] }, tools, bounds: { timeoutMs: 60_000, maxOutputBytes: 8 << 20 },
    kustomizeBuildOptions: [], helmCredentials: () => undefined, ...(remoteSources ? { remoteSources } : {}),
  };
}

function helmWith(valueFiles: string[], remote?: string[], more: Record<string, unknown> = {}): Promise<DriverResult> {
  return renderHelm(request(checkout(CHART), 'chart', { helm: { valueFiles, ...more } }, remote));
}

function refusal(result: DriverResult): string {
  assert.equal(result.ok, false, 'the render should have been refused');
  return (result as { errors: { message: string }[] }).errors.map((e) => e.message).join('\n');
}

describe('remote Helm value files', () => {
  before(() => {
    served = { '/prod.yaml': 'greeting: from-the-remote-file\n', '/big.yaml': `greeting: ${'x'.repeat(LIMIT)}\n` };
  });

  it('renders the chart with the remote file when its host is listed, and the URL is an input', async () => {
    const result = await helmWith([`${base}/prod.yaml`], ['127.0.0.1']);
    assert.ok(result.ok, JSON.stringify(result));
    const cm = result.manifests[0] as { data: Record<string, string> };
    assert.equal(cm.data.greeting, 'from-the-remote-file');
    assert.deepEqual(result.inputs, ['chart', `${base}/prod.yaml`]);
  });

  it('is refused, naming the setting, when FLOTILLA_REMOTE_SOURCES is not set', async () => {
    assert.match(refusal(await helmWith([`${base}/prod.yaml`])), /^helm\.valueFiles\[0\]: "http:\/\/127\.0\.0\.1:\d+\/prod\.yaml" is refused: the hub fetches remote files only from hosts listed in FLOTILLA_REMOTE_SOURCES \(hub option remoteSources\), which is not set$/);
  });

  it('is refused when the host is not listed', async () => {
    assert.match(refusal(await helmWith([`${base}/prod.yaml`], ['charts.example.com'])), /helm\.valueFiles\[0\]: "http:\/\/127\.0\.0\.1:\d+\/prod\.yaml" is refused: 127\.0\.0\.1 is not in FLOTILLA_REMOTE_SOURCES \(hub option remoteSources\) \(charts\.example\.com\)/);
  });

  it('refuses a file over repoMaxFileBytes', async () => {
    assert.match(refusal(await helmWith([`${base}/big.yaml`], ['127.0.0.1'])), /helm\.valueFiles\[0\]: ".*\/big\.yaml" is refused: the file is over the 4096-byte limit of a file read for rendering \(repoMaxFileBytes\)/);
  });

  it('refuses a redirect to a metadata address', async () => {
    assert.match(refusal(await helmWith([`${base}/to-metadata`], ['127.0.0.1'])), /is refused: it redirects to http:\/\/169\.254\.169\.254\/latest\/meta-data, which is refused: 169\.254\.169\.254 is a cloud metadata address/);
  });

  it('names a missing remote file, or skips it with ignoreMissingValueFiles', async () => {
    assert.match(refusal(await helmWith([`${base}/gone.yaml`], ['127.0.0.1'])), /helm\.valueFiles\[0\]: ".*\/gone\.yaml" is refused: the server answered HTTP 404/);
    const skipped = await helmWith([`${base}/gone.yaml`], ['127.0.0.1'], { ignoreMissingValueFiles: true });
    assert.ok(skipped.ok, JSON.stringify(skipped));
    assert.equal((skipped.manifests[0] as { data: Record<string, string> }).data.greeting, 'from-the-chart');
  });

  it('keys a remote input by its content: a changed file has a new key', async () => {
    const remote: RemoteSources = { policy: remotePolicyOf(['127.0.0.1']), maxFileBytes: LIMIT };
    const first = await remoteInputOid(`${base}/prod.yaml`, remote, 10_000);
    assert.equal(await remoteInputOid(`${base}/prod.yaml`, remote, 10_000), first);
    served['/prod.yaml'] = 'greeting: changed\n';
    const changed = await remoteInputOid(`${base}/prod.yaml`, remote, 10_000);
    assert.match(changed, /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(changed, first);
  });
});

describe('remote Kustomize bases', () => {
  const overlay = () => ({ 'app/kustomization.yaml': `namePrefix: prod-\nresources:\n- ${git.url}/base.git//base?ref=main\n` });

  it('renders the overlay with the remote base when its host is listed', async () => {
    const result = await renderKustomize(request(checkout(overlay()), 'app', {}, ['127.0.0.1']));
    assert.ok(result.ok, JSON.stringify(result));
    const cm = result.manifests[0] as { metadata: { name: string }; data: Record<string, string> };
    assert.equal(cm.metadata.name, 'prod-from-remote-base');
    assert.equal(cm.data.origin, 'git-server');
    assert.deepEqual(result.inputs, ['app', `remote-base:${git.url}/base.git//base?ref=main`]);
  });

  it('is refused, naming the setting, when FLOTILLA_REMOTE_SOURCES is not set', async () => {
    const message = refusal(await renderKustomize(request(checkout(overlay()), 'app', {})));
    assert.match(message, /^resources\[0\] entry "http:\/\/127\.0\.0\.1:\d+\/base\.git\/\/base\?ref=main": is remote; the hub fetches remote bases and resources only from hosts listed in FLOTILLA_REMOTE_SOURCES \(hub option remoteSources\), which is not set/);
  });

  it('refuses a nested remote base the list does not name, through the fetch proxy', async () => {
    const files = { 'app/kustomization.yaml': `resources:\n- ${git.url}/nesting.git//outer?ref=main\n` };
    const message = refusal(await renderKustomize(request(checkout(files), 'app', {}, ['127.0.0.1'])));
    assert.match(message, /the hub refused the fetch of http:\/\/127\.0\.0\.2:\d+\/base\.git\/info\/refs\?service=git-upload-pack: 127\.0\.0\.2 is not in FLOTILLA_REMOTE_SOURCES \(hub option remoteSources\) \(127\.0\.0\.1\)/);
  });

  it('is refused when the host is not listed', async () => {
    const message = refusal(await renderKustomize(request(checkout(overlay()), 'app', {}, ['github.com'])));
    assert.match(message, /^resources\[0\] entry "http:\/\/127\.0\.0\.1:\d+\/base\.git\/\/base\?ref=main": is remote and refused: 127\.0\.0\.1 is not in FLOTILLA_REMOTE_SOURCES/);
  });
});
