// Render only what changed (issue 14, point 8): a render is keyed by the content it reads, not by
// the commit. In a monorepo of 20 applications a commit that touches one application's path costs
// exactly one render and one new bundle; the other 19 move to the new revision with the bundle
// they had, so their agents have nothing to fetch or apply.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const APPS = 20;
const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

describe('render only what changed', () => {
  let t: TestHub;
  let git: GitServer;
  let repoURL: string;
  before(async () => {
    git = await startGitServer();
    const files: Record<string, string> = { 'README.md': '# monorepo\n' };
    for (let i = 0; i < APPS; i++) files[`apps/app-${i}/cm.yaml`] = configMap(`app-${i}`, 'v1');
    files['kustomize/base/kustomization.yaml'] = 'resources:\n  - cm.yaml\n';
    files['kustomize/base/cm.yaml'] = configMap('base', 'v1');
    files['kustomize/overlays/prod/kustomization.yaml'] = 'resources:\n  - ../../base\nnamePrefix: prod-\n';
    git.createRepo('mono', files);
    repoURL = `${git.url}/mono.git`;
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'edge' })).status, 201);
    for (let i = 0; i < APPS; i++) {
      const res = await t.api('POST', '/api/v1/applications', {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: `app-${i}` },
        spec: { source: { repoURL, path: `apps/app-${i}`, targetRevision: 'main' }, destination: { name: 'edge', namespace: `ns-${i}` } },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
  });
  after(async () => {
    await t.stop(true);
    await git.close();
  });

  const statuses = async () => Promise.all(Array.from({ length: APPS }, async (_, i) => (await t.api('GET', `/api/v1/applications/app-${i}`)).body.status));
  const bundleCount = async () => Number((await t.hub.ctx.pool.query<{ n: string }>('SELECT count(*) AS n FROM bundles')).rows[0]!.n);

  it('renders one application of twenty for a commit that touches only its path', async () => {
    await t.hub.ctx.repo.refresh(await listApps(t));
    const before = await statuses();
    assert.ok(before.every((s) => s.bundle), 'every app rendered');
    const bundlesBefore = await bundleCount();
    const rendersBefore = t.hub.ctx.repo.stats.renders;

    const commit = git.commit('mono', { 'apps/app-7/cm.yaml': configMap('app-7', 'v2'), 'README.md': '# monorepo, edited\n' });
    await t.hub.ctx.repo.refresh(await listApps(t));
    const after = await statuses();

    assert.equal(t.hub.ctx.repo.stats.renders - rendersBefore, 1, 'renders for the commit');
    assert.equal(await bundleCount() - bundlesBefore, 1, 'new bundles for the commit');
    for (let i = 0; i < APPS; i++) {
      assert.equal(after[i].sync.revision, commit, `app-${i} moves to the new revision`);
      if (i === 7) assert.notEqual(after[i].bundle, before[i].bundle);
      else assert.equal(after[i].bundle, before[i].bundle, `app-${i} keeps its bundle`);
    }
  });

  it('renders a Kustomize overlay again when its ../base changes, and nothing else', async () => {
    const created = await t.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'overlay' },
      spec: { source: { repoURL, path: 'kustomize/overlays/prod', targetRevision: 'main' }, destination: { name: 'edge', namespace: 'prod' } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await t.hub.ctx.repo.refresh(await listApps(t));
    const first = (await t.api('GET', '/api/v1/applications/overlay')).body.status;
    assert.ok(first.bundle, JSON.stringify(first.conditions));
    const rendersBefore = t.hub.ctx.repo.stats.renders;
    git.commit('mono', { 'kustomize/base/cm.yaml': configMap('base', 'v2') });
    await t.hub.ctx.repo.refresh(await listApps(t));
    const next = (await t.api('GET', '/api/v1/applications/overlay')).body.status;
    assert.equal(t.hub.ctx.repo.stats.renders - rendersBefore, 1, 'only the overlay renders');
    assert.notEqual(next.bundle, first.bundle);
  });

  it('renders again when a file the source reads changes, and not for one beside it', async () => {
    const before = await statuses();
    const rendersBefore = t.hub.ctx.repo.stats.renders;
    git.commit('mono', { 'apps/app-3/extra.yaml': configMap('app-3-extra', 'v1') });
    await t.hub.ctx.repo.refresh(await listApps(t));
    const after = await statuses();
    assert.equal(t.hub.ctx.repo.stats.renders - rendersBefore, 1);
    assert.notEqual(after[3].bundle, before[3].bundle, 'app-3 has a new bundle');
    assert.equal(after[4].bundle, before[4].bundle, 'app-4 keeps its bundle');
  });
});

async function listApps(t: TestHub) {
  const { listApplications } = await import('../../hub/src/store/applications.ts');
  return listApplications(t.hub.ctx.pool);
}
