// The harness gives real control planes: Deployments roll out on kwok nodes, garbage collection and
// namespace deletion work, Jobs complete, LoadBalancer Services get an address, and nothing is left
// running after stop().
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startClusters, type ClusterSet } from '../cluster/index.ts';
import { isAlive } from '../cluster/processes.ts';
import { waitFor } from '../cluster/kube-http.ts';

const TIMEOUT = 60_000;

function clients(kubeconfigPath: string) {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return { core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api), batch: kc.makeApiClient(k8s.BatchV1Api) };
}

function deployment(name: string, replicas: number): k8s.V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  };
}

const isNotFound = (e: unknown) => (e as { code?: number }).code === 404;

describe('cluster harness', () => {
  let set: ClusterSet;
  before(async () => {
    set = await startClusters({ count: 2 });
  });
  after(async () => {
    await set?.stop();
  });

  it('starts two separate clusters, each with a kubeconfig', async () => {
    assert.equal(set.clusters.length, 2);
    assert.notEqual(set.clusters[0]!.server, set.clusters[1]!.server);
    // Separate etcd prefixes: a namespace made in one is absent in the other.
    const [a, b] = set.clusters.map((c) => clients(c.kubeconfigPath));
    await a!.core.createNamespace({ body: { metadata: { name: 'only-in-a' } } });
    await assert.rejects(b!.core.readNamespace({ name: 'only-in-a' }), isNotFound);
  });

  it('rolls a 2-replica Deployment out to Available on kwok nodes in both clusters, then foreground-deletes it', async () => {
    await Promise.all(set.clusters.map(async (cluster) => {
      const { core, apps } = clients(cluster.kubeconfigPath);
      await core.createNamespace({ body: { metadata: { name: 'web' } } });
      await apps.createNamespacedDeployment({ namespace: 'web', body: deployment('guestbook', 2) });
      await waitFor(`${cluster.name}: guestbook Available`, async () => {
        const d = await apps.readNamespacedDeployment({ name: 'guestbook', namespace: 'web' });
        return d.status?.readyReplicas === 2 && d.status.conditions?.some((c) => c.type === 'Available' && c.status === 'True') === true;
      }, TIMEOUT);
      const pods = await core.listNamespacedPod({ namespace: 'web', labelSelector: 'app=guestbook' });
      assert.equal(pods.items.length, 2);
      for (const pod of pods.items) {
        assert.match(pod.spec?.nodeName ?? '', /^kwok-node-/);
        assert.equal(pod.status?.phase, 'Running');
        assert.ok(pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      }

      await apps.deleteNamespacedDeployment({ name: 'guestbook', namespace: 'web', propagationPolicy: 'Foreground' });
      await waitFor(`${cluster.name}: guestbook, its ReplicaSets and Pods gone`, async () => {
        const gone = await apps.readNamespacedDeployment({ name: 'guestbook', namespace: 'web' }).then(() => false, isNotFound);
        const rs = await apps.listNamespacedReplicaSet({ namespace: 'web', labelSelector: 'app=guestbook' });
        const left = await core.listNamespacedPod({ namespace: 'web', labelSelector: 'app=guestbook' });
        return gone && rs.items.length === 0 && left.items.length === 0;
      }, TIMEOUT);
    }));
  });

  it('completes a namespace deletion with content in it', async () => {
    const { core, apps } = clients(set.clusters[0]!.kubeconfigPath);
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await apps.createNamespacedDeployment({ namespace: 'doomed', body: deployment('api', 1) });
    await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'settings' }, data: { a: '1' } } });
    await waitFor('pod of api running', async () => (await core.listNamespacedPod({ namespace: 'doomed' })).items.length === 1, TIMEOUT);
    await core.deleteNamespace({ name: 'doomed' });
    await waitFor('namespace doomed deleted', () => core.readNamespace({ name: 'doomed' }).then(() => false, isNotFound), TIMEOUT);
  });

  it('runs a Job to completion', async () => {
    const { batch } = clients(set.clusters[1]!.kubeconfigPath);
    await batch.createNamespacedJob({
      namespace: 'default',
      body: {
        metadata: { name: 'migrate' },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'busybox', command: ['true'] }] } } },
      },
    });
    await waitFor('job migrate Complete', async () => {
      const job = await batch.readNamespacedJob({ name: 'migrate', namespace: 'default' });
      return job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ?? false;
    }, TIMEOUT);
  });

  it('gives a LoadBalancer Service an ingress address', async () => {
    const { core } = clients(set.clusters[0]!.kubeconfigPath);
    await core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'front' }, spec: { type: 'LoadBalancer', selector: { app: 'front' }, ports: [{ port: 80 }] } },
    });
    await waitFor('front has an ingress address', async () => {
      const svc = await core.readNamespacedService({ name: 'front', namespace: 'default' });
      return (svc.status?.loadBalancer?.ingress?.length ?? 0) > 0;
    }, TIMEOUT);
    const svc = await core.readNamespacedService({ name: 'front', namespace: 'default' });
    assert.equal(svc.status?.loadBalancer?.ingress?.[0]?.ip, '127.0.0.1');
    const plain = await core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'inner' }, spec: { selector: { app: 'front' }, ports: [{ port: 80 }] } },
    });
    assert.equal(plain.status?.loadBalancer?.ingress, undefined);
  });

  it('leaves no process running after stop()', async () => {
    const extra = await startClusters({ count: 1 });
    const pids = [extra.etcd.proc.pid, ...extra.clusters.flatMap((c) => c.procs.map((p) => p.pid))];
    assert.equal(pids.length, 5); // etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok
    assert.ok(pids.every(isAlive));
    await extra.stop();
    assert.deepEqual(pids.filter(isAlive), []);
  });
});
