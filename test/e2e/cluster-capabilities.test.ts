// A real cluster's capabilities reach the hub (issue 14): the agent process, as users run it,
// reports the server's version (v1.34.4, what test/cluster builds) and the API versions Argo CD
// would pass to Helm (group versions and `group/version/Kind` of listable, watchable resources);
// and an agent that notices new ones (a CRD installed) reconnects so the hub stores them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startClusters, type Cluster, type ClusterSet } from '../cluster/index.ts';
import { kubeRequest } from '../cluster/kube-http.ts';
import { eventually, startTestHub, type TestHub } from '../support/hub.ts';
import { startAgentProcess, type AgentProcess } from '../support/processes.ts';
import { capabilitiesOf, getCluster } from '../../hub/src/store/clusters.ts';
import { startAgent, type Agent } from '../../agent/src/agent.ts';
import { loadKubeconfig } from '../../agent/src/engine/kubeconfig.ts';
import { testLogger } from '../support/secret-ledger.ts';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.flotilla.dev' },
  spec: {
    group: 'example.flotilla.dev', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
    versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

describe('capabilities of a real cluster', () => {
  let set: ClusterSet;
  let cluster: Cluster;
  let t: TestHub;
  let agentProcess: AgentProcess | undefined;
  let agent: Agent | undefined;
  before(async () => {
    [set, t] = await Promise.all([startClusters({ count: 1 }), startTestHub({ pollIntervalMs: 3_600_000 })]);
    cluster = set.clusters[0]!;
  });
  after(async () => {
    await agent?.stop();
    await agentProcess?.stop();
    await t.stop(true);
    await set.stop();
  });

  const register = async (name: string): Promise<{ id: number; token: string }> => {
    const res = await t.api('POST', '/api/v1/clusters', { name });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return { id: (await getCluster(t.hub.ctx.pool, name))!.id, token: res.body.bootstrapToken };
  };

  it('stores the version and the API versions the agent process reads', async () => {
    const { id, token } = await register('real');
    agentProcess = startAgentProcess(t.hub.url, token, cluster.kubeconfigPath);
    const shown = await eventually('the agent reported capabilities', async () => (await t.api('GET', '/api/v1/clusters/real')).body.info.capabilities, 60_000);
    assert.equal(shown.kubeVersion, 'v1.34.4');
    const { kubeVersion, apiVersions } = await capabilitiesOf(t.hub.ctx.pool, id);
    assert.equal(kubeVersion, 'v1.34.4');
    assert.equal(shown.apiVersionsCount, apiVersions.length);
    for (const entry of ['v1', 'v1/ConfigMap', 'v1/Secret', 'apps/v1', 'apps/v1/Deployment', 'batch/v1/Job', 'apiextensions.k8s.io/v1/CustomResourceDefinition']) {
      assert.ok(apiVersions.includes(entry), `${entry} is missing from ${apiVersions.join(' ')}`);
    }
    // As Argo CD: no subresource kinds, no resources that cannot be listed and watched.
    for (const entry of ['apps/v1/Scale', 'v1/Binding', 'authorization.k8s.io/v1/SelfSubjectAccessReview']) assert.equal(apiVersions.includes(entry), false, entry);
    assert.deepEqual(apiVersions, [...apiVersions].sort());
    assert.ok(apiVersions.length > 50 && apiVersions.length < 1000, `${apiVersions.length} entries`);
  });

  it('reconnects when the cluster starts serving a new API, so the hub stores it', async () => {
    const { id, token } = await register('growing');
    const stateDir = mkdtempSync(join(tmpdir(), 'flotilla-caps-agent-'));
    agent = await startAgent({
      hubUrl: t.hub.url, token, cluster: loadKubeconfig(cluster.kubeconfigPath), state: { dir: stateDir },
      capabilitiesRefreshMs: 500, log: testLogger('agent-test'),
    });
    await eventually('the first report', async () => (await capabilitiesOf(t.hub.ctx.pool, id)).apiVersions.includes('apps/v1'), 30_000);
    assert.equal((await capabilitiesOf(t.hub.ctx.pool, id)).apiVersions.includes('example.flotilla.dev/v1alpha1'), false);

    const created = await kubeRequest(cluster, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    assert.equal(created.status, 201, created.text);
    await eventually('the hub stores the new API', async () => {
      const { apiVersions } = await capabilitiesOf(t.hub.ctx.pool, id);
      return apiVersions.includes('example.flotilla.dev/v1alpha1') && apiVersions.includes('example.flotilla.dev/v1alpha1/Widget');
    }, 30_000);
    assert.equal(agent.link.isConnected || (await eventually('reconnected', async () => agent!.link.isConnected)), true);
  });
});
