// The agent's informer on a real cluster, through a loopback proxy that can make every connection
// open at one moment half-open: it stops passing bytes either way and closes nothing, as a NAT
// that forgot a connection does; connections made afterwards work. A change made during the
// silence must still reach the informer's cache (it notices the silence and relists), and the
// watch must carry on afterwards.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { startClusters, type ClusterSet } from '../cluster/index.ts';
import { kubeRequest, waitFor } from '../cluster/kube-http.ts';
import { Kube } from '../../agent/src/engine/kube.ts';
import { loadKubeconfig } from '../../agent/src/engine/kubeconfig.ts';
import type { Informer } from '../../agent/src/watch/informer.ts';

/** A TCP proxy whose silence() freezes the connections open now (new ones pass). */
async function startSilencingProxy(port: number): Promise<{ port: number; silence(): void; close(): Promise<void> }> {
  const pairs = new Set<{ client: Socket; upstream: Socket; silent: boolean }>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    const pair = { client, upstream, silent: false };
    pairs.add(pair);
    client.on('data', (chunk) => pair.silent || upstream.write(chunk));
    upstream.on('data', (chunk) => pair.silent || client.write(chunk));
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) s.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    silence: () => pairs.forEach((p) => (p.silent = true)),
    close: async () => {
      for (const p of pairs) p.client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'silence', labels: { watched: 'yes' } }, data: { v: name } });

describe('informer through a connection that falls silent', () => {
  let set: ClusterSet;
  let proxy: Awaited<ReturnType<typeof startSilencingProxy>>;
  let informer: Informer;
  const errors: string[] = [];
  before(async () => {
    set = await startClusters({ count: 1 });
    const cluster = set.clusters[0]!;
    assert.equal((await kubeRequest(cluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'silence' } })).status, 201);
    proxy = await startSilencingProxy(Number(new URL(cluster.server).port));
    const access = { ...loadKubeconfig(cluster.kubeconfigPath), server: `https://127.0.0.1:${proxy.port}` };
    // The server ends each watch after 2 s; 4 s without a line (event, bookmark or end) means it is dead.
    const kube = new Kube(access, 'test', { requestTimeoutMs: 5000, watch: { timeoutSeconds: 2, idleMs: 4000, backoff: { baseMs: 200, maxMs: 1000 } } });
    informer = await kube.informer('v1', 'ConfigMap', { namespace: 'silence', labelSelector: 'watched' });
    informer.on('error', (e) => errors.push((e as Error).message));
    await informer.start();
  });
  after(async () => {
    await informer?.stop();
    await proxy?.close();
    await set?.stop();
  });

  it('sees a change made while its watch was half-open, then keeps watching', async () => {
    const cluster = set.clusters[0]!;
    assert.equal((await kubeRequest(cluster, 'POST', '/api/v1/namespaces/silence/configmaps', configMap('before'))).status, 201);
    await waitFor('the watch sees "before"', async () => informer.get('before', 'silence') !== undefined, 10_000);
    // Let a few watches end and start again through the proxy, so the silence catches one mid-stream.
    await new Promise((r) => setTimeout(r, 2500));
    proxy.silence();
    assert.equal((await kubeRequest(cluster, 'POST', '/api/v1/namespaces/silence/configmaps', configMap('during'))).status, 201);
    await waitFor('the informer sees "during" after relisting', async () => informer.get('during', 'silence') !== undefined, 20_000);
    assert.ok(errors.some((m) => /no event or bookmark/.test(m)), `the silence is reported: ${JSON.stringify(errors)}`);
    assert.equal((await kubeRequest(cluster, 'POST', '/api/v1/namespaces/silence/configmaps', configMap('after'))).status, 201);
    await waitFor('the watch sees "after"', async () => informer.get('after', 'silence') !== undefined, 10_000);
    assert.equal((await kubeRequest(cluster, 'DELETE', '/api/v1/namespaces/silence/configmaps/before')).status, 200);
    await waitFor('the watch sees "before" deleted', async () => informer.get('before', 'silence') === undefined, 10_000);
  });
});
