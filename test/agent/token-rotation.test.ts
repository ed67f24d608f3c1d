// The agent's credentials on a real cluster: a kubeconfig whose tokenFile is relative (to the
// kubeconfig's folder, not the working directory), and a token file rotated under a running client
// while the old token stops being valid: the 401 makes it read the file again and retry, for
// requests and for watches alike. Tokens are real ServiceAccount tokens from the TokenRequest API,
// bound to a Secret each, so deleting the Secret revokes the token.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startClusters, type ClusterSet, type Cluster } from '../cluster/index.ts';
import { kubeRequest, waitFor } from '../cluster/kube-http.ts';
import { Kube } from '../../agent/src/engine/kube.ts';
import { loadKubeconfig } from '../../agent/src/engine/kubeconfig.ts';

const NS = 'rotation';

async function create(cluster: Cluster, path: string, body: object): Promise<any> {
  const res = await kubeRequest(cluster, 'POST', path, body);
  assert.ok(res.status === 201 || res.status === 200, `POST ${path}: ${res.status} ${res.text}`);
  return res.body;
}

/** A token of ServiceAccount rotation/agent, valid while Secret `bound` exists. */
async function boundToken(cluster: Cluster, bound: string): Promise<string> {
  const secret = await create(cluster, `/api/v1/namespaces/${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: bound } });
  const request = await create(cluster, `/api/v1/namespaces/${NS}/serviceaccounts/agent/token`, {
    apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
    spec: { expirationSeconds: 3600, boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: bound, uid: secret.metadata.uid } },
  });
  return request.status.token;
}

describe('tokens from a file', () => {
  let set: ClusterSet;
  let cluster: Cluster;
  let dir: string;
  before(async () => {
    set = await startClusters({ count: 1 });
    cluster = set.clusters[0]!;
    await create(cluster, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await create(cluster, `/api/v1/namespaces/${NS}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'agent' } });
    await create(cluster, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'agent-view' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace: NS }],
    });
    await create(cluster, `/api/v1/namespaces/${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seen' } });
    // The API server's RBAC authorizer learns of the binding from a watch: under load a token
    // used at once may still be refused (seen in CI). Wait until the binding is in force.
    const probe = await boundToken(cluster, 'bound-probe');
    await waitFor('the view binding in force', async () => (await kubeRequest({ ...cluster, token: probe }, 'GET', `/api/v1/namespaces/${NS}/configmaps`)).status === 200, 30_000, 100);
    dir = mkdtempSync(join(tmpdir(), 'token-file-'));
    // One kubeconfig names its token file relatively (`token`, beside it; the test runs from the
    // repository root), the other by its absolute path.
    for (const [name, tokenFile] of [['relative', 'token'], ['absolute', join(dir, 'token')]] as const) {
      writeFileSync(join(dir, name), stringify({
        apiVersion: 'v1', kind: 'Config', 'current-context': 'sa',
        clusters: [{ name: 'c', cluster: { server: cluster.server, 'certificate-authority-data': Buffer.from(cluster.ca).toString('base64') } }],
        users: [{ name: 'sa', user: { tokenFile } }],
        contexts: [{ name: 'sa', context: { cluster: 'c', user: 'sa' } }],
      }));
    }
  });
  after(() => set?.stop());

  const names = (items: { metadata: { name: string } }[]) => items.map((i) => i.metadata.name);

  it('reads a tokenFile relative to the kubeconfig', async () => {
    writeFileSync(join(dir, 'token'), `${await boundToken(cluster, 'bound-first')}\n`);
    assert.notEqual(process.cwd(), dir);
    const kube = new Kube(loadKubeconfig(join(dir, 'relative')), 'test');
    assert.deepEqual(names(await kube.list('v1', 'ConfigMap', undefined, NS)).filter((n) => n === 'seen'), ['seen']);
  });

  it('reads a rotated token again after a 401, for a watch and for a request', async () => {
    const first = await boundToken(cluster, 'bound-a');
    writeFileSync(join(dir, 'token'), first);
    // Two clients that have read the first token: one meets the 401 on a watch, the other on a request.
    const watching = new Kube(loadKubeconfig(join(dir, 'absolute')), 'test');
    const listing = new Kube(loadKubeconfig(join(dir, 'absolute')), 'test');
    for (const kube of [watching, listing]) assert.ok(names(await kube.list('v1', 'ConfigMap', undefined, NS)).includes('seen'), 'works with the first token');
    // Rotate: the file gets a new token, and the one the clients read is revoked.
    writeFileSync(join(dir, 'token'), await boundToken(cluster, 'bound-b'));
    assert.equal((await kubeRequest(cluster, 'DELETE', `/api/v1/namespaces/${NS}/secrets/bound-a`)).status, 200);
    await waitFor('the first token refused', async () => (await kubeRequest({ ...cluster, token: first }, 'GET', `/api/v1/namespaces/${NS}/configmaps`)).status === 401, 30_000, 250);
    const lines: string[] = [];
    const watch = watching.stream(`/api/v1/namespaces/${NS}/configmaps?watch=1&timeoutSeconds=1`, (line) => lines.push(line));
    await watch.done;
    assert.ok(lines.some((l) => l.includes('"seen"')), 'the watch, retried with the new token, lists the ConfigMap');
    assert.ok(names(await listing.list('v1', 'ConfigMap', undefined, NS)).includes('seen'), 'the request, retried with the new token');
  });
});
