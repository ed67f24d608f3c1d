// `npm run demo`: brings up what a Flotilla demo runs on (two local Kubernetes clusters and a Git
// server with a sample apps repo), prints how to reach them, and stops everything on Ctrl-C.
// The hub and agents join this demo as they land (see README's roadmap).
import { join } from 'node:path';
import { mkdirSync, rmSync } from 'node:fs';
import { startClusters } from '../cluster/index.ts';
import { startGitServer } from '../git/server.ts';
import { toolPath } from '../cluster/tools.ts';

const root = join(process.cwd(), '.flotilla', 'demo');
rmSync(root, { recursive: true, force: true });
mkdirSync(root, { recursive: true });

const started = Date.now();
console.log('starting 2 clusters and a Git server ...');
const clusters = await startClusters({ count: 2, dir: join(root, 'clusters') });
const git = await startGitServer({ root: join(root, 'git') });
git.createRepo('apps', new URL('../fixtures/guestbook/', import.meta.url).pathname);

console.log(`\nready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
for (const c of clusters.clusters) console.log(`cluster ${c.name} KUBECONFIG=${c.kubeconfigPath}`);
console.log(`git     ${git.url}/apps.git (the guestbook sample)\n`);
console.log('try:');
console.log(`  ${toolPath('kubectl')} --kubeconfig ${clusters.clusters[0]!.kubeconfigPath} get nodes`);
console.log(`  git clone ${git.url}/apps.git /tmp/apps`);
console.log('\nCtrl-C stops everything.');

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping ...');
  await git.close();
  await clusters.stop();
  rmSync(root, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
// Keep running until a signal arrives (the harness's child processes do not hold the loop).
setInterval(() => {}, 1 << 30);
