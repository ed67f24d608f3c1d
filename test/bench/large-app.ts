// Benchmark 3, a 1,000-object application: 600 ConfigMaps, 200 Services and 200 Deployments of
// one replica, one object per file, in one fresh namespace (CreateNamespace=true), automated sync.
//   - Flotilla: from the POST that creates the application until it reports Synced and watches on
//     the namespace have seen all 1,000 objects.
//   - Baseline (same run, same cluster, first): `kubectl apply --server-side -f DIR` of the same
//     files into another fresh namespace.
//   - Then a re-sync with nothing changed (POST …/sync until its operation has finished) against
//     `kubectl apply --server-side` of the same files again, unchanged.
// Between steps the cluster settles (every Deployment available) so one step's Pods do not slow the next.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { application, poll, waitForApp, withEnv, type BenchEnv } from './env.ts';
import { largeApp as largeAppFiles, mix } from './manifests.ts';
import { LiveWatch } from './watch.ts';
import { cpuDuring, describeCpu, memoryOf } from './proc.ts';
import { format, printTable, ratio, seconds, type BenchOptions, type BenchResult } from './report.ts';

const APP = 'large-bench';
const NAMESPACE = 'large-flotilla';
const BASELINE_NAMESPACE = 'large-kubectl';

/** Waits until every Deployment of a namespace is available (the scheduler and kwok are done). */
async function settle(env: BenchEnv, namespace: string, deployments: number): Promise<void> {
  await poll(`${deployments} Deployments available in ${namespace}`, async () => {
    const list = await env.kube(0).apps.listNamespacedDeployment({ namespace });
    return list.items.length === deployments && list.items.every((d) => d.status?.availableReplicas === 1);
  }, 120_000, 1000);
}

export async function largeApp(options: BenchOptions, result: BenchResult): Promise<void> {
  const total = options.quick ? 200 : 1000;
  const counts = mix(total);
  const files = largeAppFiles('large', total);
  // A simulated node holds 110 Pods: room for both namespaces' Deployments.
  const nodesPerCluster = Math.ceil((2 * counts.deployments) / 100) + 1;
  await withEnv({ clusters: ['bench'], repos: { apps: files }, nodesPerCluster }, options, result, async (env) => {
    const kube = env.kube(0);
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-large-'));
    const watches: LiveWatch[] = [];
    const rows: string[][] = [];
    try {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
      const manifests = join(dir, 'large');

      // Who uses the CPU (2 cores shared by everything): evidence for where the time goes.
      const procOf = (suffix: string) => env.clusters.clusters[0]!.procs.find((p) => p.name.endsWith(suffix))!.pid;
      const pids = { agent: env.agents[0]!.proc.pid, hub: env.hub.proc.pid, 'kube-apiserver': procOf('kube-apiserver'), etcd: env.clusters.etcd.proc.pid, 'kube-controller-manager': procOf('kube-controller-manager'), 'bench (watches)': process.pid };

      // Baseline: kubectl into a fresh namespace.
      await env.kubectl(0, 'create', 'namespace', BASELINE_NAMESPACE);
      const fresh = await cpuDuring(pids, () => env.kubectl(0, 'apply', '--server-side', '-n', BASELINE_NAMESPACE, '-f', manifests));
      const kubectlFresh = fresh.value.ms;
      console.log(`   kubectl apply --server-side of ${total} objects into a fresh namespace: ${format(seconds(kubectlFresh), 's')} (CPU: ${describeCpu(fresh.cpu)})`);
      await settle(env, BASELINE_NAMESPACE, counts.deployments);

      // Flotilla: create the application; Synced and every object seen by the watches.
      for (const path of ['/api/v1/namespaces/NS/configmaps', '/api/v1/namespaces/NS/services', '/apis/apps/v1/namespaces/NS/deployments']) {
        watches.push(await LiveWatch.start(kube.config, path.replace('NS', NAMESPACE), { labelSelector: 'app.flotilla.dev/instance' }));
      }
      const [cms, svcs, deploys] = watches as [LiveWatch, LiveWatch, LiveWatch];
      const timeoutMs = options.quick ? 120_000 : 300_000;
      const all = Promise.all([
        cms.until(`${counts.configMaps} ConfigMaps`, (o) => o.size >= counts.configMaps, timeoutMs),
        svcs.until(`${counts.services} Services`, (o) => o.size >= counts.services, timeoutMs),
        deploys.until(`${counts.deployments} Deployments`, (o) => o.size >= counts.deployments, timeoutMs),
      ]);
      all.catch(() => {});
      const started = performance.now();
      const { value: syncedAt, cpu: syncCpu } = await cpuDuring(pids, async () => {
        await env.createApp(application(APP, env.repoURL('apps'), 'large', 'bench', NAMESPACE, { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] }));
        await waitForApp(env, APP, 'Synced', (a) => a.status.sync.status === 'Synced', timeoutMs, 50);
        return performance.now();
      });
      const objectsAt = Math.max(...(await all));
      const flotillaFresh = Math.max(syncedAt, objectsAt) - started;
      console.log(`   Flotilla: all ${total} objects on the cluster after ${format(seconds(objectsAt - started), 's')}, Synced reported after ${format(seconds(syncedAt - started), 's')} (CPU: ${describeCpu(syncCpu)})`);
      rows.push([`sync ${total} objects into a fresh namespace`, format(seconds(flotillaFresh), 's'), format(seconds(kubectlFresh), 's'), ratio(flotillaFresh, kubectlFresh)]);
      result.figures.push({ metric: `${total}-object app, first sync`, unit: 's', flotilla: seconds(flotillaFresh), baseline: seconds(kubectlFresh), baselineLabel: 'kubectl apply --server-side', argo: '81 s (vs 32 s kubectl: 2.5×)', target: '≤ 1.2× kubectl', met: flotillaFresh <= 1.2 * kubectlFresh });
      await settle(env, NAMESPACE, counts.deployments);
      await waitForApp(env, APP, 'Synced and Healthy', (a) => a.status.sync.status === 'Synced' && a.status.health.status === 'Healthy', 120_000, 500);

      // Nothing changed: a sync operation, then kubectl again.
      const syncStarted = performance.now();
      const { value: finished, cpu: resyncCpu } = await cpuDuring(pids, async () => {
        const sync = await env.hub.api('POST', `/api/v1/applications/${APP}/sync`, {});
        if (sync.status !== 200) throw new Error(`POST sync answered ${sync.status}: ${JSON.stringify(sync.body)}`);
        const id = sync.body.operation.id as string;
        return waitForApp(env, APP, `operation ${id} finished`, (a) => a.status.operationState?.id === id && ['Succeeded', 'Failed', 'Error'].includes(a.status.operationState?.phase) && !a.operation, 300_000, 50);
      });
      const flotillaResync = performance.now() - syncStarted;
      console.log(`   Flotilla re-sync: ${format(seconds(flotillaResync), 's')}, ${finished.status.operationState.phase}: ${finished.status.operationState.message} (CPU: ${describeCpu(resyncCpu)})`);
      if (finished.status.operationState.phase !== 'Succeeded') throw new Error(`the re-sync ended ${finished.status.operationState.phase}: ${finished.status.operationState.message}`);
      const again = await cpuDuring(pids, () => env.kubectl(0, 'apply', '--server-side', '-n', BASELINE_NAMESPACE, '-f', manifests));
      const kubectlResync = again.value.ms;
      console.log(`   kubectl apply --server-side again, unchanged: ${format(seconds(kubectlResync), 's')} (CPU: ${describeCpu(again.cpu)})`);
      rows.push([`re-sync ${total} objects, nothing changed`, format(seconds(flotillaResync), 's'), format(seconds(kubectlResync), 's'), ratio(flotillaResync, kubectlResync)]);
      result.figures.push({ metric: `${total}-object app, re-sync unchanged`, unit: 's', flotilla: seconds(flotillaResync), baseline: seconds(kubectlResync), baselineLabel: 'kubectl apply --server-side', argo: '—', target: '≤ 1.2× kubectl', met: flotillaResync <= 1.2 * kubectlResync });
      // What a bundle this size costs the agent: its peak resident memory over the whole benchmark.
      const agentMemory = memoryOf(pids.agent);
      console.log(`   flotilla-agent with this application: ${format(agentMemory.rssMB, 'MB')} resident, peak ${format(agentMemory.peakMB, 'MB')}`);
      result.figures.push({ metric: `agent peak RSS, ${total}-object app`, unit: 'MB', flotilla: agentMemory.peakMB, baseline: agentMemory.rssMB, baselineLabel: 'agent RSS after', argo: '—', target: '—' });
    } finally {
      for (const w of watches) w.stop();
      rmSync(dir, { recursive: true, force: true });
      if (rows.length) printTable(`3. A ${total}-object application (${counts.configMaps} ConfigMaps, ${counts.services} Services, ${counts.deployments} Deployments)`, ['', 'Flotilla', 'kubectl apply --server-side', 'ratio'], rows);
    }
  });
}
