// `flotilla-agent`: connects one cluster to the hub and keeps it matching its assignments, from
// the state stored on disk when the hub is away.
import './runtime/apply-v8-flags.ts';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadInCluster, loadKubeconfig, type ClusterAccess } from './engine/kubeconfig.ts';
import { createLogger } from '@flotilla/shared';
import { startAgent } from './agent.ts';
import { parseHubAccess } from './link/hub-access.ts';

const USAGE = `usage: flotilla-agent --hub URL --token TOKEN [--kubeconfig PATH] [--state-dir DIR | --state-namespace NS] [--resync SECONDS]
                      [--hub-fingerprint SHA256 | --ca-file PATH] [--insecure] [--max-bundle-bytes N]
  state: --state-dir DIR keeps it in files; in a cluster (no --kubeconfig) it is kept in Secrets in the
  agent's own namespace unless --state-dir is given; --state-namespace NS keeps it in Secrets in NS.
  hub: https://, trusted through the system CAs, --ca-file PATH (PEM) or --hub-fingerprint (the hub's
  certificate's SHA-256, as flotilla cluster add prints it); plain http:// only to a loopback address
  or with --insecure. --max-bundle-bytes caps each bundle download (default 64 MiB).`;
const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
const log = createLogger('flotilla-agent');
let values;
try {
  values = parseArgs({
    options: {
      hub: { type: 'string', default: process.env.FLOTILLA_HUB },
      token: { type: 'string', default: process.env.FLOTILLA_TOKEN },
      kubeconfig: { type: 'string', default: process.env.KUBECONFIG },
      'state-dir': { type: 'string', default: process.env.FLOTILLA_STATE_DIR },
      'state-namespace': { type: 'string', default: process.env.FLOTILLA_STATE_NAMESPACE },
      resync: { type: 'string', default: '180' },
      'hub-fingerprint': { type: 'string', default: process.env.FLOTILLA_HUB_FINGERPRINT },
      'ca-file': { type: 'string', default: process.env.FLOTILLA_CA_FILE },
      insecure: { type: 'boolean', default: process.env.FLOTILLA_INSECURE === 'true' },
      'max-bundle-bytes': { type: 'string', default: process.env.FLOTILLA_MAX_BUNDLE_BYTES },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.hub) {
  console.error(`--hub is required\n${USAGE}`);
  process.exit(2);
}
const access = parseHubAccess({
  hub: values.hub,
  caFile: values['ca-file'] || undefined,
  hubFingerprint: values['hub-fingerprint'] || undefined,
  insecure: values.insecure,
  maxBundleBytes: values['max-bundle-bytes'] || undefined,
});
if (!access.ok) {
  console.error(`${access.message}\n${USAGE}`);
  process.exit(2);
}
let ca: string | undefined;
try {
  ca = access.caFile ? readFileSync(access.caFile, 'utf8') : undefined;
} catch (error) {
  console.error(`cannot read --ca-file ${access.caFile}: ${(error as Error).message}`);
  process.exit(2);
}
if (access.warning) log.warn({ hub: access.hubUrl }, access.warning);
let cluster: ClusterAccess;
try {
  cluster = values.kubeconfig ? loadKubeconfig(values.kubeconfig) : loadInCluster();
} catch (error) {
  console.error(`cannot load the cluster's credentials: ${(error as Error).message}`);
  process.exit(2);
}
/** Files when asked (or outside a cluster), else Secrets in the agent's own namespace. */
function stateLocation(namespace: string | undefined, dir: string | undefined, kubeconfig: string | undefined): { dir: string } | { secretNamespace: string } {
  if (namespace) return { secretNamespace: namespace };
  if (dir) return { dir: resolve(dir) };
  if (!kubeconfig && existsSync(SERVICE_ACCOUNT_NAMESPACE)) return { secretNamespace: readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() };
  return { dir: join(homedir(), '.local', 'share', 'flotilla', 'agent') };
}

try {
  const agent = await startAgent({
    hubUrl: access.hubUrl,
    ...(ca || access.fingerprint ? { tls: { ...(ca ? { ca } : {}), ...(access.fingerprint ? { fingerprint: access.fingerprint } : {}) } } : {}),
    maxBundleBytes: access.maxBundleBytes,
    token: values.token,
    cluster,
    state: stateLocation(values['state-namespace'], values['state-dir'], values.kubeconfig),
    resyncMs: Number(values.resync) * 1000,
    log,
  });
  const stop = () => {
    agent.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  log.fatal({ err: error }, 'the agent could not start');
  process.exit(1);
}
