// One etcd for a set of clusters; each kube-apiserver keeps its objects under its own --etcd-prefix.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { startProcess, type Proc, type StartOptions } from './processes.ts';
import { toolPath } from './tools.ts';
import { waitFor } from './kube-http.ts';

/** A running etcd and the URL its clients use. */
export interface Etcd {
  url: string;
  proc: Proc;
}

/** Starts etcd with its data in dir/etcd and waits until it answers /health. */
export async function startEtcd(dir: string, options: StartOptions = {}): Promise<Etcd> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const dataDir = join(dir, 'etcd');
  mkdirSync(dataDir, { recursive: true });
  const proc = startProcess('etcd', toolPath('etcd'), [
    '--name', 'flotilla',
    '--data-dir', dataDir,
    '--listen-client-urls', url,
    '--advertise-client-urls', url,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `flotilla=${peer}`,
    '--unsafe-no-fsync',
    '--log-level', 'warn',
  ], join(dir, 'etcd.log'), options);
  await waitFor('etcd /health', async () => (await fetch(`${url}/health`)).ok, 30_000);
  return { url, proc };
}
