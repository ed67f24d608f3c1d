// One real, small Kubernetes control plane on loopback: kube-apiserver (static admin token, RBAC,
// a self-signed serving cert from --cert-dir), kube-controller-manager, kube-scheduler, and kwok
// simulating the nodes the harness registers, so Pods run, Jobs complete and Deployments become
// Available without a kubelet.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './ports.ts';
import { startProcess, stopProcess, type Proc, type StartOptions } from './processes.ts';
import { toolPath } from './tools.ts';
import { kubeRequest, waitFor, type KubeEndpoint } from './kube-http.ts';

/** The annotation kwok selects the Nodes it simulates by. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

/** A running cluster: where it is, how to reach it, and its processes. */
export interface Cluster extends KubeEndpoint {
  name: string;
  dir: string;
  kubeconfigPath: string;
  procs: Proc[];
}

/** How to start one cluster. */
export interface ClusterOptions extends StartOptions {
  name: string;
  /** Directory for this cluster's certs, keys, kubeconfig and logs. */
  dir: string;
  etcdUrl: string;
  /** Simulated nodes to register (default 1). */
  nodes?: number;
}

const READY_TIMEOUT_MS = 60_000;

/** Starts a cluster and returns once its API is ready, its nodes are Ready and `default` can run Pods. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { name, dir } = options;
  const pki = join(dir, 'pki');
  mkdirSync(pki, { recursive: true });
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(pki, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(join(pki, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));

  const port = await freePort();
  const server = `https://127.0.0.1:${port}`;
  const procs: Proc[] = [];
  const start = (proc: string, args: string[]) => {
    const p = startProcess(`${name}/${proc}`, toolPath(proc as 'kube-apiserver'), args, join(dir, `${proc}.log`), options);
    procs.push(p);
    return p;
  };
  try {
    start('kube-apiserver', [
      '--etcd-servers', options.etcdUrl,
      '--etcd-prefix', `/clusters/${name}`,
      '--bind-address', '127.0.0.1',
      '--advertise-address', '127.0.0.1',
      '--secure-port', String(port),
      '--cert-dir', pki,
      '--token-auth-file', join(dir, 'tokens.csv'),
      '--authorization-mode', 'Node,RBAC',
      '--service-account-issuer', 'https://kubernetes.default.svc.cluster.local',
      '--service-account-key-file', join(pki, 'sa.pub'),
      '--service-account-signing-key-file', join(pki, 'sa.key'),
      '--service-cluster-ip-range', '10.96.0.0/16',
      '--endpoint-reconciler-type', 'none',
      '--allow-privileged',
      '--enable-priority-and-fairness=false',
      '--shutdown-delay-duration', '0s',
      '--profiling=false',
    ]);
    const ca = await waitForFile(join(pki, 'apiserver.crt'), procs[0]!);
    const cluster: Cluster = { name, dir, server, ca, token, kubeconfigPath: join(dir, 'kubeconfig'), procs };
    writeFileSync(cluster.kubeconfigPath, kubeconfig(cluster), { mode: 0o600 });
    await waitFor(`${name}: kube-apiserver /readyz`, async () => (await kubeRequest(cluster, 'GET', '/readyz')).status === 200, READY_TIMEOUT_MS);

    const common = ['--kubeconfig', cluster.kubeconfigPath, '--leader-elect=false', '--secure-port', '0'];
    start('kube-controller-manager', [
      ...common,
      '--use-service-account-credentials',
      '--service-account-private-key-file', join(pki, 'sa.key'),
      '--root-ca-file', join(pki, 'apiserver.crt'),
      '--controllers', '*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller',
      '--concurrent-gc-syncs', '5',
    ]);
    start('kube-scheduler', common);
    start('kwok', [
      '--kubeconfig', cluster.kubeconfigPath,
      '--config', new URL('./kwok-stages.yaml', import.meta.url).pathname,
      '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector', `${KWOK_NODE_ANNOTATION}=fake`,
      '--cidr', '10.0.0.1/16',
      '--node-ip', '10.0.0.1',
      // Heartbeat through Leases (as kubelets do): kwok's status-only heartbeat comes less often
      // than the node lifecycle controller's grace period, which would taint the nodes and evict.
      '--node-lease-duration-seconds', '40',
    ]);

    const nodeNames = Array.from({ length: options.nodes ?? 1 }, (_, i) => `kwok-node-${i}`);
    for (const nodeName of nodeNames) await createNode(cluster, nodeName);
    await waitFor(`${name}: nodes Ready`, async () => {
      const res = await kubeRequest(cluster, 'GET', '/api/v1/nodes');
      const items = (res.body as { items?: NodeLike[] }).items ?? [];
      return nodeNames.every((n) => items.some((node) => node.metadata.name === n && isReady(node)));
    }, READY_TIMEOUT_MS);
    await waitFor(`${name}: default ServiceAccount`, async () =>
      (await kubeRequest(cluster, 'GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200, READY_TIMEOUT_MS);
    return cluster;
  } catch (error) {
    await Promise.all(procs.map((p) => stopProcess(p, 500)));
    throw new Error(`cluster ${name} did not start (logs in ${dir}): ${(error as Error).message}`, { cause: error });
  }
}

/** Stops a cluster's processes, newest first; the apiserver gets a short grace period. */
export async function stopCluster(cluster: Cluster): Promise<void> {
  for (const proc of [...cluster.procs].reverse()) await stopProcess(proc, 1000);
}

interface NodeLike {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string }[] };
}

function isReady(node: NodeLike): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

async function createNode(cluster: Cluster, name: string): Promise<void> {
  const resources = { cpu: '32', memory: '256Gi', pods: '110' };
  const res = await kubeRequest(cluster, 'POST', '/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
    },
    status: { allocatable: resources, capacity: resources },
  });
  if (res.status !== 201 && res.status !== 409) throw new Error(`creating node ${name}: HTTP ${res.status} ${res.text}`);
}

async function waitForFile(path: string, proc: Proc): Promise<string> {
  let content = '';
  await waitFor(`${path}`, async () => {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited with ${proc.child.exitCode}; see ${proc.logFile}`);
    try {
      content = readFileSync(path, 'utf8');
      return content.includes('END CERTIFICATE');
    } catch {
      return false;
    }
  }, READY_TIMEOUT_MS);
  return content;
}

/** A kubeconfig that reaches the cluster as admin (token in group system:masters). */
export function kubeconfig(cluster: Pick<Cluster, 'name' | 'server' | 'ca' | 'token'>): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster.name, cluster: { server: cluster.server, 'certificate-authority-data': Buffer.from(cluster.ca).toString('base64') } }],
    users: [{ name: `${cluster.name}-admin`, user: { token: cluster.token } }],
    contexts: [{ name: cluster.name, context: { cluster: cluster.name, user: `${cluster.name}-admin` } }],
    'current-context': cluster.name,
  });
}
