// App of apps on a real cluster: a parent application whose destination is the hub renders child
// Applications from Git; the hub creates them and their agent deploys them. Removing a child
// Application file deletes that child and, with the resources finalizer, its resources too;
// without the finalizer the resources stay (Argo CD's non-cascade deletion).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFleet, configMapYaml, isNotFound, type Fleet } from '../support/fleet.ts';
import { eventually } from '../support/hub.ts';

function childYaml(repoURL: string, name: string, finalizer: boolean): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    `  name: ${name}`,
    '  namespace: argocd',
    ...(finalizer ? ['  finalizers:', '    - resources-finalizer.argocd.argoproj.io'] : []),
    'spec:',
    '  project: default',
    `  source: { repoURL: ${repoURL}, path: workloads/${name}, targetRevision: main }`,
    `  destination: { name: east, namespace: ${name} }`,
    '  syncPolicy:',
    '    automated: { prune: true }',
    '    syncOptions: [CreateNamespace=true]',
    '',
  ].join('\n');
}

describe('app of apps on a real cluster', () => {
  let f: Fleet;
  before(async () => {
    f = await startFleet(['east'], {
      'workloads/guestbook/config.yaml': configMapYaml('guestbook-config', 'v1'),
      'workloads/keeper/config.yaml': configMapYaml('keeper-config', 'v1'),
      'README.md': '# apps\n',
    });
    await f.push({
      'apps/guestbook.yaml': childYaml(f.repoURL, 'guestbook', true),
      'apps/keeper.yaml': childYaml(f.repoURL, 'keeper', false),
      // Keeps apps/ in Git once both children are gone (a path that does not exist fails to render).
      'apps/project.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: e2e\nspec:\n  sourceRepos: ["*"]\n',
    }, 'child applications');
  });
  after(() => f?.stop());

  it('a parent on the hub deploys its child Applications to their cluster', async () => {
    const res = await f.hub.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'root', namespace: 'argocd' },
      spec: { project: 'default', source: { repoURL: f.repoURL, path: 'apps', targetRevision: 'main' }, destination: { name: 'hub', namespace: 'argocd' }, syncPolicy: { automated: { prune: true } } },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const east = f.kube(0);
    for (const name of ['guestbook', 'keeper']) {
      await eventually(`${name}-config on east`, async () => (await east.core.readNamespacedConfigMap({ name: `${name}-config`, namespace: name })).data?.value === 'v1', 60_000);
    }
    const root = await eventually('root Synced and Healthy', async () => {
      const a = await f.app('root');
      return a.status.sync.status === 'Synced' && a.status.health.status === 'Healthy' ? a : undefined;
    }, 60_000);
    assert.deepEqual(root.status.resources.map((r: any) => `${r.kind}/${r.name}`), ['AppProject/e2e', 'Application/guestbook', 'Application/keeper']);
  });

  it('removing a child Application file deletes that child and its resources', async () => {
    const east = f.kube(0);
    await f.push({ 'apps/guestbook.yaml': null }, 'remove guestbook');
    await eventually('guestbook-config deleted from east', () => east.core.readNamespacedConfigMap({ name: 'guestbook-config', namespace: 'guestbook' }).then(() => false, isNotFound), 60_000);
    await eventually('guestbook gone from the hub', async () => (await f.hub.api('GET', '/api/v1/applications/guestbook')).status === 404, 30_000);
    assert.deepEqual((await f.app('root')).status.resources.map((r: any) => r.name), ['e2e', 'keeper']);
  });

  it('removing a child without the resources finalizer deletes the child but keeps its resources', async () => {
    const east = f.kube(0);
    await f.push({ 'apps/keeper.yaml': null }, 'remove keeper');
    await eventually('keeper gone from the hub', async () => (await f.hub.api('GET', '/api/v1/applications/keeper')).status === 404, 30_000);
    // The agent lets go of it: give it a moment, then the ConfigMap must still be there.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await east.core.readNamespacedConfigMap({ name: 'keeper-config', namespace: 'keeper' })).data?.value, 'v1');
  });
});
