// Symbolic links committed to Git that stay inside the repository (issue 14): a manifest of a plain
// directory linked to a shared file renders as that file (as in Argo CD; it was read as the text of
// its target's name and silently left out), and one leading outside is refused. For every source
// type, a commit that changes only what a link leads to (a chart template, a Helm value file, a
// manifest of a Jsonnet directory, a Kustomize base) renders again on a plain refresh; a commit
// touching neither still costs no render.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { fixtureFiles } from '../support/fixture-files.ts';
import { startGitServer, type FileChanges, type GitServer } from '../git/server.ts';
import { bundleForCluster } from '../../hub/src/store/bundles.ts';

const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

describe('symlinks inside the repository', () => {
  let t: TestHub;
  let git: GitServer;
  let cluster: number;
  before(async () => {
    git = await startGitServer();
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'edge' })).status, 201);
    cluster = Number((await t.hub.ctx.pool.query<{ id: string }>(`SELECT id FROM clusters WHERE name = 'edge'`)).rows[0]!.id);
  });
  after(async () => {
    await t?.stop(true);
    await git?.close();
  });

  /** A repository of its own with `files`, an application of `source` in it, rendered once. */
  const create = async (name: string, files: FileChanges, source: object) => {
    git.createRepo(name, files);
    const res = await t.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
      spec: { project: 'default', source: { repoURL: `${git.url}/${name}.git`, targetRevision: 'main', ...source }, destination: { name: 'edge', namespace: name } },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return refresh(name);
  };
  const refresh = async (name: string) => (await t.api('POST', `/api/v1/applications/${name}/refresh`)).body.status;
  /** `kind/name=data.value` (a Deployment's `image*replicas`) of every object in a bundle, sorted. */
  const objects = async (key: string) => ((await bundleForCluster(t.hub.ctx.pool, t.hub.ctx.secrets, cluster, key))!.manifests as any[])
    .map((m) => `${m.kind}/${m.metadata.name}=${m.kind === 'Deployment' ? `${m.spec.template.spec.containers[0].image}*${m.spec.replicas}` : m.data?.value ?? ''}`).sort();

  /** Renders, commits `change` to what a link leads to, and answers the bundle's objects before and after a plain refresh. */
  const followsTarget = async (name: string, files: FileChanges, source: object, change: FileChanges) => {
    const first = await create(name, files, source);
    assert.deepEqual(first.conditions, [], `${name} renders`);
    // A bundle is served for its cluster while assigned: read this one before the next commit.
    const before = await objects(first.bundle);
    const renders = t.hub.ctx.repo.stats.renders;
    git.commit(name, { 'README.md': '# touched, nothing rendered reads it\n' });
    const untouched = await refresh(name);
    assert.equal(untouched.bundle, first.bundle);
    assert.equal(t.hub.ctx.repo.stats.renders, renders, 'a commit touching no input costs no render');
    const commit = git.commit(name, change);
    const next = await refresh(name);
    assert.deepEqual(next.conditions, []);
    assert.equal(next.sync.revision, commit);
    return { before, after: await objects(next.bundle) };
  };

  it('a plain directory renders a manifest linked to a shared file, and again when that file changes', async () => {
    const { before, after } = await followsTarget('plain', {
      'README.md': '# plain\n', 'shared/cm.yaml': configMap('shared', 'v1'), 'app/own.yaml': configMap('own', 'v1'), 'app/shared.yaml': { symlink: '../shared/cm.yaml' },
    }, { path: 'app' }, { 'shared/cm.yaml': configMap('shared', 'v2') });
    assert.deepEqual(before, ['ConfigMap/own=v1', 'ConfigMap/shared=v1']);
    assert.deepEqual(after, ['ConfigMap/own=v1', 'ConfigMap/shared=v2']);
  });

  it('a plain directory refuses a manifest linked outside the repository, naming it', async () => {
    const status = await create('plain-outside', { 'app/own.yaml': configMap('own', 'v1'), 'app/passwd.yaml': { symlink: '/etc/passwd' } }, { path: 'app' });
    assert.equal(status.bundle ?? null, null);
    assert.match(status.conditions[0]?.message ?? '', /app\/passwd\.yaml: symlink to outside the repository/);
  });

  it('a Helm chart renders again when a linked template or a linked value file changes', async () => {
    const files = {
      ...fixtureFiles('sources'), 'README.md': '# helm\n',
      'shared/cm.yaml': configMap('shared', 'v1'), 'charts/web/templates/shared.yaml': { symlink: '../../../shared/cm.yaml' },
      'envs/prod.yaml': 'replicas: 2\nimage:\n  tag: "1.27.1"\n', 'charts/web/values-prod.yaml': { symlink: '../../envs/prod.yaml' },
    };
    const source = { path: 'charts/web', helm: { valueFiles: ['values-prod.yaml'] } };
    const template = await followsTarget('helm-template', files, source, { 'shared/cm.yaml': configMap('shared', 'v2') });
    assert.ok(template.before.includes('ConfigMap/shared=v1') && template.after.includes('ConfigMap/shared=v2'), JSON.stringify(template));
    const values = await followsTarget('helm-values', files, source, { 'envs/prod.yaml': 'image:\n  tag: "1.27.9"\n' });
    assert.ok(values.before.includes('Deployment/helm-values=nginx:1.27.1*2') && values.after.includes('Deployment/helm-values=nginx:1.27.9*1'), JSON.stringify(values));
  });

  it('a Jsonnet directory renders again when a linked manifest changes', async () => {
    const { before, after } = await followsTarget('jsonnet', {
      ...fixtureFiles('sources'), 'README.md': '# jsonnet\n', 'shared/cm.yaml': configMap('shared', 'v1'), 'jsonnet/web/shared.yaml': { symlink: '../../shared/cm.yaml' },
    }, { path: 'jsonnet/web' }, { 'shared/cm.yaml': configMap('shared', 'v2') });
    assert.ok(before.includes('ConfigMap/shared=v1') && after.includes('ConfigMap/shared=v2'), JSON.stringify({ before, after }));
  });

  it('a Kustomize overlay renders again when its linked base changes', async () => {
    const sources = fixtureFiles('sources');
    const base = Object.fromEntries(Object.entries(sources).filter(([p]) => p.startsWith('kustomize/base/')).map(([p, c]) => [p.replace('kustomize/base/', 'shared-base/'), c]));
    const others = Object.fromEntries(Object.entries(sources).filter(([p]) => !p.startsWith('kustomize/base/')));
    const { before, after } = await followsTarget('kustomize', { ...others, ...base, 'README.md': '# kustomize\n', 'kustomize/base': { symlink: '../shared-base' } },
      { path: 'kustomize/overlays/prod' }, { 'shared-base/deployment.yaml': String(base['shared-base/deployment.yaml']).replace('replicas: 1', 'replicas: 4') });
    assert.deepEqual(before, ['Deployment/prod-web=nginx:1.27.2*1', 'Service/prod-web=']);
    assert.deepEqual(after, ['Deployment/prod-web=nginx:1.27.2*4', 'Service/prod-web=']);
  });
});
