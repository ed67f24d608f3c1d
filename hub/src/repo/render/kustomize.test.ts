// The Kustomize driver against the real kustomize binary (and helm, for helmCharts), on the fixture
// repository in testdata/kustomize copied to a scratch directory per case: an overlay whose base and
// component are outside its path, the Application's options applied as Argo CD applies them, and
// the refusals and errors (remote base, invalid kustomization, escape, symlink out) naming the file.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderKustomize } from './kustomize.ts';
import { findTools } from './tools.ts';
import type { DriverResult, RenderRequest } from './types.ts';

const FIXTURE = new URL('./testdata/kustomize/', import.meta.url).pathname;
const tools = findTools();
const scratch: string[] = [];
after(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fresh copy of the fixture repository (the driver edits its checkout). */
function checkout(): string {
  const top = mkdtempSync(join(tmpdir(), 'kustomize-driver-'));
  scratch.push(top);
  const root = join(top, 'repo');
  cpSync(FIXTURE, root, { recursive: true });
  return root;
}

function request(path: string, kustomize?: Record<string, unknown>, more: Partial<RenderRequest> = {}): RenderRequest {
  return {
    root: checkout(), path, appName: 'shop', namespace: 'shop',
    source: { repoURL: 'https://git.example/shop.git', path, ...(kustomize ? { kustomize } : {}) },
    capabilities: { kubeVersion: 'v1.34.4', apiVersions: ['apps/v1', 'example.com/v1', 'example.com/v1/Widget', 'v1'] },
    tools, bounds: { timeoutMs: 60_000, maxOutputBytes: 8 << 20 }, refs: {}, kustomizeBuildOptions: [],
    helmCredentials: () => undefined, ...more,
  };
}

type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: any };

function manifests(result: DriverResult): Obj[] {
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.errors, null, 2));
  return result.manifests as Obj[];
}

function byKind(objs: Obj[], kind: string): Obj {
  const found = objs.find((o) => o.kind === kind);
  assert.ok(found, `no ${kind} in ${objs.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** Expects one error on `file` whose message matches. */
function expectError(result: DriverResult, file: string, pattern: RegExp, line?: number): void {
  assert.ok(!result.ok, 'expected the render to fail');
  const error = result.errors[0]!;
  assert.equal(error.file, file, JSON.stringify(result.errors));
  assert.match(error.message, pattern);
  if (line !== undefined) assert.equal(error.line, line);
}

describe('renderKustomize', () => {
  it('builds an overlay whose base and component are outside its path: images, namePrefix, patches, components', async () => {
    const result = await renderKustomize(request('apps/prod'));
    const objs = manifests(result);
    assert.deepEqual(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort(), ['ConfigMap/prod-web-config-' + byKind(objs, 'ConfigMap').metadata.name.slice('prod-web-config-'.length), 'Deployment/prod-web', 'Service/prod-web', 'ServiceMonitor/prod-web'].sort());
    const deployment = byKind(objs, 'Deployment');
    assert.equal(deployment.spec.template.spec.containers[0].image, 'nginx:1.27');
    assert.equal(deployment.spec.replicas, 3);
    assert.equal(deployment.metadata.annotations?.['prometheus.io/scrape'], 'true');
    assert.match(deployment.spec.template.spec.containers[0].envFrom[0].configMapRef.name, /^prod-web-config-[a-z0-9]+$/);
    assert.ok(result.ok);
    assert.deepEqual(result.inputs, ['apps/prod', 'base', 'components/monitoring']);
  });

  it('applies spec.source.kustomize the way Argo CD does (kustomize edit, then patches and components)', async () => {
    const req = request('apps/prod', {
      namePrefix: 'eu-', nameSuffix: '-v2', images: ['nginx=registry.example/nginx:${ARGOCD_APP_NAME}'],
      commonLabels: { team: 'payments' }, labelWithoutSelector: true, commonAnnotations: { owner: '${ARGOCD_APP_NAME}' },
      namespace: 'shop-eu', replicas: [{ name: 'web', count: '5' }],
      patches: [{ target: { kind: 'Service' }, patch: '- op: add\n  path: /spec/sessionAffinity\n  value: ClientIP' }],
    });
    const objs = manifests(await renderKustomize(req));
    const deployment = byKind(objs, 'Deployment');
    assert.equal(deployment.metadata.name, 'eu-web-v2');
    assert.equal(deployment.metadata.namespace, 'shop-eu');
    assert.equal(deployment.spec.template.spec.containers[0].image, 'registry.example/nginx:shop');
    assert.equal(deployment.spec.replicas, 5);
    assert.equal(deployment.metadata.labels?.['team'], 'payments');
    assert.equal(deployment.spec.selector.matchLabels.team, undefined, 'labelWithoutSelector leaves selectors alone');
    assert.equal(deployment.metadata.annotations?.['owner'], '${ARGOCD_APP_NAME}', 'annotations are not substituted without commonAnnotationsEnvsubst');
    assert.equal(byKind(objs, 'Service').spec.sessionAffinity, 'ClientIP');
    const written = readFileSync(join(req.root, 'apps/prod/kustomization.yaml'), 'utf8');
    assert.match(written, /namePrefix: eu-/);
  });

  it('adds components from the Application, and a component outside the repository is refused', async () => {
    const objs = manifests(await renderKustomize(request('base', { components: ['../components/monitoring'] })));
    assert.equal(byKind(objs, 'ServiceMonitor').metadata.name, 'web');
    const refused = await renderKustomize(request('base', { components: ['../../../outside'] }));
    expectError(refused, 'base', /spec\.source\.kustomize\.components entry "..\/..\/..\/outside" leaves the repository/);
  });

  it('refuses a remote base, naming the kustomization file, line and entry', async () => {
    expectError(await renderKustomize(request('apps/remote')), 'apps/remote/kustomization.yaml',
      /resources\[1\] entry "https:\/\/github.com\/kubernetes-sigs\/kustomize\/\/examples\/helloWorld\?ref=v5.7.1": is remote; the hub fetches remote bases and resources only from hosts listed in FLOTILLA_REMOTE_SOURCES \(hub option remoteSources\), which is not set: keep the base in this repository, or list its host there/, 3);
  });

  it('an invalid kustomization: kustomize\'s error, naming the file', async () => {
    expectError(await renderKustomize(request('apps/invalid')), 'apps/invalid/kustomization.yaml', /^kustomize build failed: invalid Kustomization: json: unknown field "replica"/);
  });

  it('an invalid base: the error names the base\'s kustomization file, with repository-relative paths', async () => {
    const result = await renderKustomize(request('apps/broken-base'));
    expectError(result, 'bad-base/kustomization.yaml', /unknown field "replicaCount"/);
    assert.ok(!result.ok && !result.errors[0]!.message.includes(tmpdir()), result.ok ? '' : result.errors[0]!.message);
  });

  it('a YAML syntax error names the file and line', async () => {
    expectError(await renderKustomize(request('apps/syntax')), 'apps/syntax/kustomization.yaml', /^invalid kustomization: Map keys must be unique/, 4);
  });

  it('refuses a path that climbs out of the repository', async () => {
    expectError(await renderKustomize(request('apps/escape')), 'apps/escape/kustomization.yaml', /resources\[1\] entry "..\/..\/..\/..\/..\/..\/etc": leaves the repository/, 3);
  });

  it('refuses a symlink out of the repository', async () => {
    const req = request('apps/symlink');
    writeFileSync(join(req.root, '..', 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: stolen\n');
    symlinkSync('../../../secret.yaml', join(req.root, 'apps/symlink/linked.yaml'));
    expectError(await renderKustomize(req), 'apps/symlink/linked.yaml', /symlink to outside the repository/);
  });

  it('inflates a local Helm chart with the hub\'s --enable-helm, passing the cluster\'s versions by default', async () => {
    const objs = manifests(await renderKustomize(request('apps/helm', undefined, { kustomizeBuildOptions: ['--enable-helm'] })));
    assert.deepEqual(byKind(objs, 'ConfigMap').data, { kubeVersion: 'v1.34.4', hasWidgets: 'true' });
    const own = manifests(await renderKustomize(request('apps/helm', { kubeVersion: '1.31.2', apiVersions: ['v1'] }, { kustomizeBuildOptions: ['--enable-helm'] })));
    assert.deepEqual(byKind(own, 'ConfigMap').data, { kubeVersion: 'v1.31.2', hasWidgets: 'false' });
  });

  it('without --enable-helm, kustomize\'s own refusal names the file', async () => {
    expectError(await renderKustomize(request('apps/helm')), 'apps/helm/kustomization.yaml', /must specify --enable-helm/);
  });

  it('a missing kustomize is a condition naming the tool', async () => {
    expectError(await renderKustomize(request('apps/prod', undefined, { tools: {} })), 'apps/prod', /rendering needs kustomize/);
  });
});
