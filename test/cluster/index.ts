// The cluster harness: startClusters() gives a test N real Kubernetes control planes on loopback
// sharing one etcd, and stop() takes them all down again (processes die with the test run anyway).
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcd, type Etcd } from './etcd.ts';
import { startCluster, stopCluster, type Cluster } from './cluster.ts';
import { stopProcess, type StartOptions } from './processes.ts';

export type { Cluster } from './cluster.ts';
export { kubeconfig } from './cluster.ts';
export { toolPath, cacheDir } from './tools.ts';

/** What startClusters() returns. */
export interface ClusterSet {
  etcd: Etcd;
  clusters: Cluster[];
  dir: string;
  /** Stops every process and (unless kept) removes the working directory. */
  stop(): Promise<void>;
}

/** How many clusters to start and where. */
export interface ClustersOptions extends StartOptions {
  count: number;
  /** Cluster names; default `cluster-1` … `cluster-N`. */
  names?: string[];
  /** Working directory; default a fresh temporary one, removed on stop(). */
  dir?: string;
  nodesPerCluster?: number;
}

/** Starts `count` clusters in parallel on one shared etcd. */
export async function startClusters(options: ClustersOptions): Promise<ClusterSet> {
  const owned = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'flotilla-clusters-'));
  mkdirSync(dir, { recursive: true });
  const names = options.names ?? Array.from({ length: options.count }, (_, i) => `cluster-${i + 1}`);
  const etcd = await startEtcd(dir, options);
  const started = await Promise.allSettled(
    names.map((name) => startCluster({ ...options, name, dir: join(dir, name), etcdUrl: etcd.url, nodes: options.nodesPerCluster })),
  );
  const clusters = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stopAll = async () => {
    await Promise.all(clusters.map(stopCluster));
    await stopProcess(etcd.proc, 2000);
  };
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stopAll(); // the directory stays: its logs say why
    throw failed.reason;
  }
  const stop = async () => {
    await stopAll();
    if (owned) rmSync(dir, { recursive: true, force: true });
  };
  return { etcd, clusters, dir, stop };
}
