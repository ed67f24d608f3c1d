// Destinations as Argo CD writes them (issue 14, point 6): `server: https://kubernetes.default.svc`
// is the cluster registered as `in-cluster` (a 400 saying what to register when there is none),
// `name: in-cluster` is a plain name, and the hub itself is the destination of `name: hub` and of
// `https://kubernetes.default.svc` in namespace `argocd` while no in-cluster cluster exists.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { resolveDestination } from '../../hub/src/api/destination.ts';

const IN_CLUSTER = 'https://kubernetes.default.svc';

describe('destinations', () => {
  let t: TestHub;
  let git: GitServer;
  before(async () => {
    git = await startGitServer();
    git.createRepo('apps', { 'settings/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n' });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'edge' })).status, 201);
  });
  after(async () => {
    await t.stop(true);
    await git.close();
  });

  const app = (name: string, destination: Record<string, string>) => t.api('POST', '/api/v1/applications', {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
    spec: { source: { repoURL: `${git.url}/apps.git`, path: 'settings' }, destination },
  });
  const resolve = (destination: Record<string, string>) => resolveDestination(t.hub.ctx.pool, destination);

  it('refuses https://kubernetes.default.svc while no cluster is registered as in-cluster, saying what to register', async () => {
    const res = await app('argo-style', { server: IN_CLUSTER, namespace: 'demo' });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.body.error.message, /register the cluster Argo CD calls in-cluster with "flotilla cluster add in-cluster"/);
    assert.match(res.body.error.message, /registered: edge/);
    assert.deepEqual(res.body.error.issues.map((i: any) => i.path), ['spec.destination.server']);
  });

  it('resolves the hub for name hub, and for https://kubernetes.default.svc in namespace argocd without an in-cluster cluster', async () => {
    assert.deepEqual(await resolve({ name: 'hub', namespace: 'argocd' }), { kind: 'hub', field: 'spec.destination.name' });
    assert.deepEqual(await resolve({ server: IN_CLUSTER, namespace: 'argocd' }), { kind: 'hub', field: 'spec.destination.server' });
    assert.equal((await resolve({ name: 'edge', namespace: 'argocd' })).kind, 'cluster');
  });

  it('refuses a server URL no cluster was given, saying how to give one', async () => {
    const res = await app('nowhere', { server: 'https://10.9.8.7:6443', namespace: 'demo' });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.body.error.message, /is not registered \(registered: edge\); destination.server matches the API URL an admin gave a cluster \(flotilla cluster add NAME --server URL/);
  });

  it('maps https://kubernetes.default.svc to the cluster registered as in-cluster; name in-cluster works as a plain name', async () => {
    assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'in-cluster' })).status, 201);
    const byServer = await app('by-server', { server: IN_CLUSTER, namespace: 'demo' });
    assert.equal(byServer.status, 201, JSON.stringify(byServer.body));
    assert.equal(byServer.body.status.cluster.name, 'in-cluster');
    assert.equal(byServer.body.spec.destination.server, IN_CLUSTER, 'the spec is kept as written');
    const byTrailingSlash = await app('by-server-slash', { server: `${IN_CLUSTER}/`, namespace: 'demo' });
    assert.equal(byTrailingSlash.body.status?.cluster?.name, 'in-cluster', JSON.stringify(byTrailingSlash.body));
    const byName = await app('by-name', { name: 'in-cluster', namespace: 'demo' });
    assert.equal(byName.status, 201, JSON.stringify(byName.body));
    assert.equal(byName.body.status.cluster.name, 'in-cluster');
    // With an in-cluster cluster, Argo CD's own namespace on that URL is that cluster, not the hub.
    const argocd = await resolve({ server: IN_CLUSTER, namespace: 'argocd' });
    assert.equal(argocd.kind === 'cluster' && argocd.cluster.name, 'in-cluster');
    const listed = (await t.api('GET', '/api/v1/applications?cluster=in-cluster')).body.items.map((a: any) => a.metadata.name);
    assert.deepEqual(listed, ['by-name', 'by-server', 'by-server-slash']);
  });
});
