// The Jsonnet directory driver against the real jsonnet binary, on the fixture repository in
// testdata/jsonnet copied to a scratch directory per case: TLAs and ext vars (strings and code),
// libs, YAML beside jsonnet, Lists, and the errors (a jsonnet error at its file and line, a path
// escape, a symlink out of the repository, output that is not Kubernetes objects).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonnetOptions, renderJsonnet } from './jsonnet.ts';
import { findTools } from './tools.ts';
import type { DriverResult, RenderRequest } from './types.ts';

const FIXTURE = new URL('./testdata/jsonnet/', import.meta.url).pathname;
const tools = findTools();
const scratch: string[] = [];
after(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

function checkout(): string {
  const top = mkdtempSync(join(tmpdir(), 'jsonnet-driver-'));
  scratch.push(top);
  cpSync(FIXTURE, join(top, 'repo'), { recursive: true });
  return join(top, 'repo');
}

function request(path: string, directory: Record<string, unknown> = {}, more: Partial<RenderRequest> = {}): RenderRequest {
  return {
    root: checkout(), path, appName: 'guestbook', namespace: 'web',
    source: { repoURL: 'https://git.example/gb.git', path, directory },
    capabilities: { kubeVersion: 'v1.34.4', apiVersions: ['v1'] }, tools, bounds: { timeoutMs: 30_000, maxOutputBytes: 8 << 20 },
    refs: {}, kustomizeBuildOptions: [], helmCredentials: () => undefined, ...more,
  };
}

const GUESTBOOK = {
  jsonnet: {
    tlas: [{ name: 'name', value: '${ARGOCD_APP_NAME}' }, { name: 'replicas', value: '2', code: true }],
    extVars: [{ name: 'env', value: 'prod' }, { name: 'settings', value: '{ image: "nginx:1.27", debug: true }', code: true }],
    libs: ['vendor/k'],
  },
};

function ids(result: DriverResult): string[] {
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.errors, null, 2));
  return result.manifests.map((m) => `${(m as any).kind}/${(m as any).metadata.name}`);
}

function expectError(result: DriverResult, file: string, pattern: RegExp, line?: number): void {
  assert.ok(!result.ok, 'expected the render to fail');
  const error = result.errors[0]!;
  assert.equal(error.file, file, JSON.stringify(result.errors));
  assert.match(error.message, pattern);
  if (line !== undefined) assert.equal(error.line, line);
}

describe('renderJsonnet', () => {
  it('evaluates with TLAs and ext vars (string and code) and libs, beside the directory\'s YAML, in walk order', async () => {
    const result = await renderJsonnet(request('apps/guestbook', GUESTBOOK));
    assert.deepEqual(ids(result), ['Deployment/guestbook', 'ConfigMap/guestbook-settings', 'Service/guestbook']);
    assert.ok(result.ok);
    const [deployment, settings] = result.manifests as any[];
    assert.equal(deployment.spec.replicas, 2);
    assert.equal(deployment.spec.template.spec.containers[0].image, 'nginx:1.27');
    assert.deepEqual(deployment.metadata.labels, { environment: 'prod' });
    assert.deepEqual(settings.data, { env: 'prod', debug: 'true' });
    assert.deepEqual(result.inputs, ['apps/guestbook', 'vendor/k']);
  });

  it('recurse takes subdirectories, include and exclude select files', async () => {
    assert.deepEqual(ids(await renderJsonnet(request('apps/guestbook', { ...GUESTBOOK, recurse: true }))),
      ['Deployment/guestbook', 'ConfigMap/guestbook-settings', 'Service/guestbook', 'ServiceAccount/extra']);
    assert.deepEqual(ids(await renderJsonnet(request('apps/guestbook', { ...GUESTBOOK, recurse: true, include: '*.jsonnet', exclude: 'main.jsonnet' }))), ['ServiceAccount/extra']);
  });

  it('a missing TLA is jsonnet\'s error, naming the file', async () => {
    expectError(await renderJsonnet(request('apps/guestbook', { jsonnet: { ...GUESTBOOK.jsonnet, tlas: [] } })), 'apps/guestbook/main.jsonnet', /Missing argument: name/);
  });

  it('expands a Kubernetes List', async () => {
    assert.deepEqual(ids(await renderJsonnet(request('apps/list'))), ['ConfigMap/a', 'ConfigMap/b']);
  });

  it('a runtime error names the file and line where it was raised', async () => {
    expectError(await renderJsonnet(request('apps/error')), 'apps/error/helpers.libsonnet', /^evaluating apps\/error\/main.jsonnet: RUNTIME ERROR: port must be positive, got -1/, 4);
  });

  it('a syntax error names the file and line', async () => {
    expectError(await renderJsonnet(request('apps/syntax')), 'apps/syntax/bad.jsonnet', /Expected a comma before next field/, 4);
  });

  it('refuses an import that climbs out of the repository, before jsonnet runs', async () => {
    expectError(await renderJsonnet(request('apps/escape')), 'apps/escape/escape.jsonnet', /^importstr "..\/..\/..\/..\/..\/..\/etc\/hostname" leaves the repository/, 2);
  });

  it('refuses a symlink out of the repository', async () => {
    const req = request('apps/symlink');
    writeFileSync(join(req.root, '..', 'secret.txt'), 'hub secret\n');
    symlinkSync('../../../secret.txt', join(req.root, 'apps/symlink/secret.txt'));
    expectError(await renderJsonnet(req), 'apps/symlink/secret.txt', /symlink to outside the repository/);
  });

  it('refuses a lib outside the repository and an ext code import that leaves it', async () => {
    expectError(await renderJsonnet(request('apps/guestbook', { jsonnet: { ...GUESTBOOK.jsonnet, libs: ['../outside'] } })), 'apps/guestbook', /libs\[0\] "..\/outside" leaves the repository/);
    const sneaky = { jsonnet: { ...GUESTBOOK.jsonnet, extVars: [{ name: 'env', value: 'importstr "/etc/hostname"', code: true }] } };
    expectError(await renderJsonnet(request('apps/guestbook', sneaky)), 'spec.source.directory.jsonnet.extVars[0]', /importstr "\/etc\/hostname" is an absolute path/);
  });

  it('output that is not Kubernetes objects is an error naming the file', async () => {
    const result = await renderJsonnet(request('apps/not-objects'));
    expectError(result, 'apps/not-objects/numbers.jsonnet', /element 1 of the jsonnet output is not a Kubernetes object: expected an object, found 1/);
    assert.ok(!result.ok);
    assert.match(result.errors[1]!.message, /element 2 .* lacks a "metadata" object/);
  });

  it('a source path that does not exist', async () => {
    expectError(await renderJsonnet(request('apps/nope')), 'apps/nope', /does not exist in the repository/);
  });

  it('a directory without jsonnet files needs no jsonnet binary', async () => {
    const req = request('apps/guestbook', { include: '*.yaml' }, { tools: {} });
    assert.deepEqual(ids(await renderJsonnet(req)), ['Service/guestbook']);
    expectError(await renderJsonnet(request('apps/list', {}, { tools: {} })), 'apps/list/list.jsonnet', /rendering needs jsonnet/);
  });
});

describe('jsonnetOptions', () => {
  // value | options or error pattern
  const rows: [unknown, object | RegExp][] = [
    [undefined, { tlas: [], extVars: [], libs: [] }],
    [{ tlas: [{ name: 'a', value: '1', code: true }], libs: ['l'] }, { tlas: [{ name: 'a', value: '1', code: true }], extVars: [], libs: ['l'] }],
    [{ extVars: [{ name: 'a' }] }, { tlas: [], extVars: [{ name: 'a', value: '', code: false }], libs: [] }],
    [{ tlas: [{ value: 'x' }] }, /tlas\[0\] needs a name/],
    [{ extVars: [{ name: 'a=b', value: 'x' }] }, /must not contain "="/],
    [{ libs: 'vendor' }, /libs must be a list/],
    ['x', /must be an object/],
  ];
  for (const [value, expected] of rows) {
    it(JSON.stringify(value) ?? 'undefined', () => {
      const result = jsonnetOptions(value);
      if (expected instanceof RegExp) assert.match((result as { error: string }).error, expected);
      else assert.deepEqual(result, expected);
    });
  }
});
