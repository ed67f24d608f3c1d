// `npm run demo`: the whole product on this machine. Two local Kubernetes clusters, a Git server
// with a sample apps repo, the hub (embedded PostgreSQL), one agent per cluster, and two sample
// applications; prints the URL, the admin password and commands to try. Ctrl-C stops everything.
// The hub needs no cluster binaries, so it starts while they build (the first run builds them from
// the Go module proxy, 18 to 25 minutes cold on 2 cores): its URL and password come first, then the
// build's progress per binary, then the clusters, the Git server, the agents and the applications.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startClusters, toolPath } from '../cluster/index.ts';
import { startGitServer } from '../git/server.ts';
import { startAgentProcess, startHubProcess } from '../support/processes.ts';
import { eventually } from '../support/hub.ts';
import { freePort } from '../cluster/ports.ts';
import { isAlive } from '../cluster/processes.ts';
import { startBuild } from './build.ts';
import { StatusLine } from './status-line.ts';

const root = join(process.cwd(), '.flotilla', 'demo');
rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });
const started = Date.now();
const term = new StatusLine();
const step = (what: string) => term.log(`[demo ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${what}`);

step(`building the cluster binaries that are missing, while the hub starts (build log: ${join(root, 'build.log')})`);
const build = startBuild(join(root, 'build.log'), term, step);

// What runs, stopped last-started first on Ctrl-C or a failure.
const stops: (() => Promise<unknown> | void)[] = [() => build.stop()];
let stopping = false;
const shutdown = async (code: number): Promise<never> => {
  if (!stopping) {
    stopping = true;
    term.clear();
    console.log('\nstopping ...');
    for (const stop of stops.toReversed()) await Promise.resolve().then(stop).catch(() => {});
    console.log('stopped');
  }
  process.exit(code);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));
const fail = async (what: string, error: unknown): Promise<never> => {
  term.clear();
  console.error(`\n${what}: ${(error as Error).message}`);
  return shutdown(1);
};

step('starting the hub (embedded PostgreSQL)');
const port = (await isPortFree(8080)) ? 8080 : await freePort();
const hub = await startHubProcess({ dataDir: join(root, 'hub'), port, args: ['--poll-interval', '10'] }).catch((error: unknown) => fail('the hub could not start', error));
stops.push(() => hub.stop());
const password = readFileSync(join(root, 'hub', 'initial-admin-password'), 'utf8').trim();
step(`hub ready: ${hub.url}  web UI ${hub.url}/  login admin / ${password}  (clusters, agents and sample apps follow the build)`);
setInterval(() => {
  if (!isAlive(hub.proc.pid) && !stopping) void fail('the hub exited', new Error(`see ${root}/hub/hub.log`));
}, 2000);

await build.done.catch((error: unknown) => fail('the cluster binaries could not be built', error));
step('starting 2 Kubernetes clusters (east, west) and a Git server');
const [clusters, git] = await Promise.all([startClusters({ count: 2, names: ['east', 'west'], dir: join(root, 'clusters') }), startGitServer({ root: join(root, 'git') })]);
stops.splice(1, 0, () => clusters.stop(), () => git.close()); // stopped after the hub
git.createRepo('apps', new URL('../fixtures/demo-apps/', import.meta.url).pathname);
const repoURL = `${git.url}/apps.git`;

step('registering the clusters and starting one agent each');
for (const [i, name] of ['east', 'west'].entries()) {
  const added = await hub.api('POST', '/api/v1/clusters', { name, labels: { env: i === 0 ? 'prod' : 'staging' } });
  const agent = startAgentProcess(hub.url, added.body.bootstrapToken, clusters.clusters[i]!.kubeconfigPath, join(root, `agent-${name}`));
  stops.push(() => agent.stop());
}
await eventually('both agents connected', async () => (await hub.api('GET', '/api/v1/clusters')).body.items.every((c: { info: { connectionState: { status: string } } }) => c.info.connectionState.status === 'Successful'), 60_000);

step('creating the sample applications');
const app = (name: string, path: string, cluster: string, namespace: string, syncPolicy: object) => hub.api('POST', '/api/v1/applications', {
  apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
  spec: { project: 'default', source: { repoURL, path, targetRevision: 'HEAD' }, destination: { name: cluster, namespace }, syncPolicy },
});
await app('guestbook', 'guestbook', 'east', 'guestbook', { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] });
await app('settings-staging', 'settings', 'west', 'settings', { syncOptions: ['CreateNamespace=true'] });
await eventually('guestbook Synced and Healthy', async () => {
  const a = (await hub.api('GET', '/api/v1/applications/guestbook')).body;
  return a.status.sync.status === 'Synced' && a.status.health.status === 'Healthy';
}, 120_000);

const cliConfig = join(root, 'flotilla.json');
writeFileSync(cliConfig, JSON.stringify({ server: hub.url, token: hub.token, username: 'admin' }), { mode: 0o600 });
const kubectl = toolPath('kubectl');
const [east, west] = clusters.clusters;
step('ready');
console.log(`
  Hub        ${hub.url}   (API: ${hub.url}/api/v1, OpenAPI: ${hub.url}/api/openapi.json)
  Web UI     ${hub.url}/applications   (log in as admin; the sample apps turn Synced and Healthy there)
  Login      admin / ${password}
  Git        ${repoURL}
  Clusters   east KUBECONFIG=${east!.kubeconfigPath}
             west KUBECONFIG=${west!.kubeconfigPath}

Try (in another terminal, from this directory):
  export FLOTILLA_CONFIG=${cliConfig}          # the CLI, already logged in
  npx flotilla app list
  npx flotilla app get guestbook
  npx flotilla app sync settings-staging && npx flotilla app wait settings-staging --sync --health
  ${kubectl} --kubeconfig ${east!.kubeconfigPath} -n guestbook scale deployment/guestbook-ui --replicas=5
      # selfHeal puts it back to 1 at once; watch: npx flotilla app get guestbook
  git clone ${repoURL} /tmp/demo-apps && cd /tmp/demo-apps   # edit guestbook/, commit, git push
      # the hub polls every 10 s (or POST ${hub.url}/api/webhook)

Logs: ${root}/hub/hub.log, ${root}/agent-east/agent.log, ${root}/agent-west/agent.log
Ctrl-C stops everything.`);

async function isPortFree(p: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(p, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
