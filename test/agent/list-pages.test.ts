// The agent's lists on a real cluster: a collection larger than a page is read whole, page by page
// (the API server counts one LIST request per page), both by Kube.list and by an informer's list.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startClusters, type ClusterSet } from '../cluster/index.ts';
import { kubeRequest } from '../cluster/kube-http.ts';
import { Kube } from '../../agent/src/engine/kube.ts';
import { loadKubeconfig } from '../../agent/src/engine/kubeconfig.ts';

const COUNT = 120;
const PAGE = 50;

describe('lists larger than a page', () => {
  let set: ClusterSet;
  let kube: Kube;
  /** LIST requests for ConfigMaps in one namespace that the API server has answered, from its metrics. */
  const namespacedLists = async () => {
    await new Promise((r) => setTimeout(r, 300)); // the server counts a request just after answering it
    const text = (await kubeRequest(set.clusters[0]!, 'GET', '/metrics')).text;
    return text.split('\n')
      .filter((l) => l.startsWith('apiserver_request_total{') && l.includes('resource="configmaps"') && l.includes('scope="namespace"') && l.includes('verb="LIST"'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  };
  before(async () => {
    set = await startClusters({ count: 1 });
    const cluster = set.clusters[0]!;
    assert.equal((await kubeRequest(cluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'paged' } })).status, 201);
    for (let i = 0; i < COUNT; i += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, j) => kubeRequest(cluster, 'POST', '/api/v1/namespaces/paged/configmaps',
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `item-${i + j}`, labels: { paged: 'yes' } }, data: { i: String(i + j) } })));
    }
    kube = new Kube(loadKubeconfig(cluster.kubeconfigPath), 'test', { pageSize: PAGE });
  });
  after(() => set?.stop());

  it('Kube.list reads every object, one page per request', async () => {
    const before = await namespacedLists();
    const items = await kube.list('v1', 'ConfigMap', 'paged', 'paged');
    const requests = (await namespacedLists()) - before;
    assert.equal(items.length, COUNT);
    assert.equal(new Set(items.map((i) => i.metadata.name)).size, COUNT);
    assert.ok(items.every((i) => i.kind === 'ConfigMap' && i.apiVersion === 'v1'));
    assert.equal(requests, Math.ceil(COUNT / PAGE), `LIST requests: ${requests}`);
  });

  it('an informer lists every object page by page', async () => {
    const before = await namespacedLists();
    const informer = await kube.informer('v1', 'ConfigMap', { namespace: 'paged', labelSelector: 'paged' });
    await informer.start();
    const requests = (await namespacedLists()) - before;
    await informer.stop();
    assert.equal(informer.list().length, COUNT);
    assert.equal(requests, Math.ceil(COUNT / PAGE), `LIST requests: ${requests}`);
  });
});
