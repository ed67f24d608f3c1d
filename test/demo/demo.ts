// `npm run demo`: the whole product on this machine. Two local Kubernetes clusters, a Git server
// with a sample apps repo, the hub (embedded PostgreSQL), one agent per cluster, and two sample
// applications; prints the URL, the admin password and commands to try. Ctrl-C stops everything.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startClusters, toolPath } from '../cluster/index.ts';
import { startGitServer } from '../git/server.ts';
import { startAgentProcess, startHubProcess, type AgentProcess } from '../support/processes.ts';
import { eventually } from '../support/hub.ts';
import { freePort } from '../cluster/ports.ts';
import { isAlive } from '../cluster/processes.ts';

const root = join(process.cwd(), '.flotilla', 'demo');
rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });
const started = Date.now();
const step = (what: string) => console.log(`[demo ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${what}`);

step('starting 2 Kubernetes clusters (east, west) and a Git server');
const [clusters, git] = await Promise.all([startClusters({ count: 2, names: ['east', 'west'], dir: join(root, 'clusters') }), startGitServer({ root: join(root, 'git') })]);
git.createRepo('apps', new URL('../fixtures/demo-apps/', import.meta.url).pathname);
const repoURL = `${git.url}/apps.git`;

step('starting the hub (embedded PostgreSQL)');
const port = (await isPortFree(8080)) ? 8080 : await freePort();
const hub = await startHubProcess({ dataDir: join(root, 'hub'), port, args: ['--poll-interval', '10'] });
const password = (await import('node:fs')).readFileSync(join(root, 'hub', 'initial-admin-password'), 'utf8').trim();

step('registering the clusters and starting one agent each');
const agents: AgentProcess[] = [];
for (const [i, name] of ['east', 'west'].entries()) {
  const added = await hub.api('POST', '/api/v1/clusters', { name, labels: { env: i === 0 ? 'prod' : 'staging' } });
  agents.push(startAgentProcess(hub.url, added.body.bootstrapToken, clusters.clusters[i]!.kubeconfigPath, join(root, `agent-${name}`)));
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

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping ...');
  for (const a of agents) await a.stop().catch(() => {});
  await hub.stop().catch(() => {});
  await git.close();
  await clusters.stop();
  console.log('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
setInterval(() => {
  if (!isAlive(hub.proc.pid) && !stopping) {
    console.error(`the hub exited; see ${root}/hub/hub.log`);
    void shutdown();
  }
}, 2000);

async function isPortFree(p: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(p, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
