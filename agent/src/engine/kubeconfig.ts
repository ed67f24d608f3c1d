// How the agent reaches its cluster: a kubeconfig file (current context or a named one) or the
// in-cluster service account. Token, client certificate and basic auth are supported; exec and
// auth-provider plugins are refused with a clear error (the agent runs unattended).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

/** Everything needed to open an authenticated connection to the API server. */
export interface ClusterAccess {
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
  /** The bearer token now (re-read from its file when it comes from one: tokens rotate). */
  token?: () => string;
  basic?: { username: string; password: string };
}

interface Named<T> {
  name: string;
  [field: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Reads a kubeconfig file (pure apart from reading the files it references). */
export function loadKubeconfig(path: string, contextName?: string): ClusterAccess {
  const doc = parse(readFileSync(path, 'utf8')) as {
    'current-context'?: string;
    contexts?: Named<{ cluster: string; user: string }>[];
    clusters?: Named<Record<string, string | boolean>>[];
    users?: Named<Record<string, unknown>>[];
  };
  const base = dirname(path);
  const name = contextName ?? doc['current-context'];
  const context = doc.contexts?.find((c) => c.name === name)?.context;
  if (!context) throw new Error(`kubeconfig ${path}: no context ${JSON.stringify(name)}`);
  const cluster = doc.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster || typeof cluster['server'] !== 'string') throw new Error(`kubeconfig ${path}: cluster ${JSON.stringify(context.cluster)} has no server`);
  const user = doc.users?.find((u) => u.name === context.user)?.user ?? {};
  if (user['exec'] || user['auth-provider']) throw new Error(`kubeconfig ${path}: user ${context.user} uses an exec or auth-provider plugin; give the agent a token or client-certificate kubeconfig`);
  // Relative paths (certificate files, tokenFile) are relative to the kubeconfig's folder, as kubectl reads them.
  const resolve = (p: string) => (isAbsolute(p) ? p : join(base, p));
  const file = (p: unknown) => (typeof p === 'string' ? readFileSync(resolve(p), 'utf8') : undefined);
  const data = (d: unknown) => (typeof d === 'string' ? Buffer.from(d, 'base64').toString('utf8') : undefined);
  const access: ClusterAccess = { server: String(cluster['server']).replace(/\/+$/, '') };
  const ca = data(cluster['certificate-authority-data']) ?? file(cluster['certificate-authority']);
  if (ca) access.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) access.insecure = true;
  const cert = data(user['client-certificate-data']) ?? file(user['client-certificate']);
  const key = data(user['client-key-data']) ?? file(user['client-key']);
  if (cert && key) Object.assign(access, { cert, key });
  if (typeof user['token'] === 'string') {
    const token = user['token'];
    access.token = () => token;
  } else if (typeof user['tokenFile'] === 'string') {
    const tokenFile = resolve(user['tokenFile']);
    access.token = () => readFileSync(tokenFile, 'utf8').trim();
  } else if (typeof user['username'] === 'string') {
    access.basic = { username: user['username'], password: String(user['password'] ?? '') };
  }
  return access;
}

/** The in-cluster service account (KUBERNETES_SERVICE_HOST/PORT, its token and CA). */
export function loadInCluster(): ClusterAccess {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT;
  if (!host || !port || !existsSync(join(SERVICE_ACCOUNT, 'token'))) {
    throw new Error('not running in a cluster (no KUBERNETES_SERVICE_HOST or service account token): pass --kubeconfig');
  }
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ca: readFileSync(join(SERVICE_ACCOUNT, 'ca.crt'), 'utf8'),
    token: () => readFileSync(join(SERVICE_ACCOUNT, 'token'), 'utf8').trim(),
  };
}
