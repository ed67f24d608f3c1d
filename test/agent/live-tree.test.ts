// Live reads of the resource tree through a real agent on a real cluster (issue 17): the
// ReplicaSet and Pod the agent reported below an application's Deployment are readable, a name not
// in that tree is a 404 (a ConfigMap every namespace has, a Pod that does not exist); a Secret
// changed on the cluster behind the agent's back shows a different mask than the desired one,
// an unchanged Secret the same mask on both sides, and no value reaches the answer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECRET_VALUE_MASK as M } from '@flotilla/shared';
import { startClusters, type ClusterSet } from '../cluster/index.ts';
import { kubeRequest } from '../cluster/kube-http.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { deploymentYaml } from '../support/manifests.ts';
import { startAgent, type Agent } from '../../agent/src/agent.ts';
import { loadKubeconfig } from '../../agent/src/engine/kubeconfig.ts';
import { testLogger } from '../support/secret-ledger.ts';

const NS = 'tree';
const secret = (name: string, key: string, value: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\nstringData:\n  ${key}: "${value}"\n`;

describe('live reads of the resource tree', () => {
  let clusters: ClusterSet;
  let git: GitServer;
  let t: TestHub;
  let agent: Agent;
  const resource = (query: string) => t.api('GET', `/api/v1/applications/web/resource?${query}`);
  type Node = { kind: string; name: string; parentRefs?: { kind: string; name: string }[] };
  const nodes = async () => ((await t.api('GET', '/api/v1/applications/web')).body.status?.resources ?? []) as Node[];

  before(async () => {
    [clusters, git] = await Promise.all([startClusters({ count: 1 }), startGitServer()]);
    git.createRepo('apps', {
      'web/deployment.yaml': deploymentYaml('web', 1),
      'web/creds.yaml': secret('creds', 'password', 'desired-password-1'),
      'web/same.yaml': secret('same', 'token', 'unchanged-token-1'),
    });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    const added = await t.api('POST', '/api/v1/clusters', { name: 'edge' });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    agent = await startAgent({
      hubUrl: t.hub.url, token: added.body.bootstrapToken, cluster: loadKubeconfig(clusters.clusters[0]!.kubeconfigPath),
      state: { dir: mkdtempSync(join(tmpdir(), 'flotilla-agent-')) }, log: testLogger('agent-test'),
    });
    // Automated without self-heal: a change made on the cluster stays, as drift.
    const created = await t.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'web' },
      spec: {
        project: 'default', source: { repoURL: `${git.url}/apps.git`, path: 'web', targetRevision: 'main' }, destination: { name: 'edge', namespace: NS },
        syncPolicy: { automated: { prune: true, selfHeal: false }, syncOptions: ['CreateNamespace=true'] },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });
  after(async () => {
    await agent?.stop();
    await t?.stop(true);
    await git?.close();
    await clusters?.stop();
  });

  it('reads the ReplicaSet and the Pod the agent reported below the Deployment; nothing outside the tree', async () => {
    const pod = await eventually('a Pod below a ReplicaSet in the reported tree', async () => (await nodes()).find((n) => n.kind === 'Pod' && n.parentRefs?.[0]?.kind === 'ReplicaSet'), 90_000, 500);
    const replicaSet = pod.parentRefs![0]!.name;
    const rs = await resource(`group=apps&kind=ReplicaSet&namespace=${NS}&name=${replicaSet}`);
    assert.equal(rs.status, 200, JSON.stringify(rs.body));
    assert.equal(rs.body.live.kind, 'ReplicaSet');
    assert.equal(rs.body.live.metadata.ownerReferences[0].name, 'web');
    assert.equal(rs.body.live.metadata.managedFields, undefined);
    assert.equal(rs.body.desired, null, 'not in Git');
    const live = await resource(`kind=Pod&namespace=${NS}&name=${pod.name}`);
    assert.equal(live.status, 200, JSON.stringify(live.body));
    assert.equal(live.body.live.metadata.name, pod.name);

    for (const query of [`kind=ConfigMap&namespace=${NS}&name=kube-root-ca.crt`, `kind=Pod&namespace=${NS}&name=${pod.name}x`, `kind=Pod&namespace=default&name=${pod.name}`]) {
      const refused = await resource(query);
      assert.equal(refused.status, 404, `${query}: ${JSON.stringify(refused.body)}`);
      assert.match(refused.body.error.message, /not in the resource tree of application "web"/);
    }
  });

  it('a Secret changed on the cluster shows a different mask, an unchanged one the same, and no value', async () => {
    await eventually('web synced', async () => (await t.api('GET', '/api/v1/applications/web')).body.status?.sync?.status === 'Synced', 60_000, 500);
    const before = await resource(`kind=Secret&namespace=${NS}&name=creds`);
    assert.equal(before.status, 200, JSON.stringify(before.body));
    assert.deepEqual([before.body.desired.data, before.body.live.data], [{ password: M }, { password: M }], 'synced: one mask');

    const path = `/api/v1/namespaces/${NS}/secrets/creds`;
    const current = (await kubeRequest(clusters.clusters[0]!, 'GET', path)).body as { data: Record<string, string> };
    const put = await kubeRequest(clusters.clusters[0]!, 'PUT', path, { ...current, data: { password: Buffer.from('changed-by-hand-2').toString('base64') } });
    assert.equal(put.status, 200, put.text);

    const changed = await resource(`kind=Secret&namespace=${NS}&name=creds`);
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual([changed.body.desired.data, changed.body.live.data], [{ password: M }, { password: `${M}++++` }], 'changed: a longer mask on live');
    const same = await resource(`kind=Secret&namespace=${NS}&name=same`);
    assert.deepEqual([same.body.desired.data, same.body.live.data], [{ token: M }, { token: M }]);
    const text = JSON.stringify([before.body, changed.body, same.body]);
    for (const value of ['desired-password-1', 'changed-by-hand-2', 'unchanged-token-1']) {
      assert.ok(!text.includes(value) && !text.includes(Buffer.from(value).toString('base64')), `${value} is not in an answer`);
    }
    assert.doesNotMatch(text, /secretDigests|digestKey/);
  });
});
