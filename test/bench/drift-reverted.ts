// Benchmark 2, drift → reverted: an application with automated sync and selfHeal holding a
// Deployment (2 replicas in Git) and a ConfigMap; `kubectl scale --replicas=5` (the built kubectl)
// drifts it, several times in a row (1 s apart once reverted, where Argo CD backs off). Measured
// from the moment a watch shows 5 replicas until it shows the Git value again. Baselines in the same
// run, timed to the same kind of watch: the same revert by hand, on a copy of the Deployment no
// application manages (another namespace), drifted the same way: `kubectl apply --server-side` of
// the Git file started as soon as the watch shows the drift (a person who reacts at once), and the
// same server-side apply as one PATCH from this process (no kubectl start-up). The `kubectl scale`
// process's own run time is printed too, for what a kubectl call costs here; it is no revert.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Cluster } from '../cluster/index.ts';
import { application, poll, waitForApp, withEnv, type BenchEnv } from './env.ts';
import { configMap, deployment } from './manifests.ts';
import { LiveWatch } from './watch.ts';
import { format, percentile, printTable, seconds, sleep, type BenchOptions, type BenchResult } from './report.ts';

const APP = 'drift-bench';
const NAMESPACE = 'drift-bench';
const NAME = 'bench-web';
const GIT_REPLICAS = 2;
const DRIFT_REPLICAS = 5;
const MANUAL_NAMESPACE = 'drift-by-hand';

export async function driftReverted(options: BenchOptions, result: BenchResult): Promise<void> {
  const drifts = options.quick ? 3 : 10;
  const files = { 'drift/deployment.yaml': deployment(NAME, GIT_REPLICAS), 'drift/config.yaml': configMap('bench-config', 'v1') };
  await withEnv({ clusters: ['bench'], repos: { apps: files } }, options, result, async (env) => {
    const kube = env.kube(0);
    const watch = await LiveWatch.start(kube.config, `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`, { fieldSelector: `metadata.name=${NAME}` });
    const replicas = (objects: Map<string, any>) => objects.get(NAME)?.spec?.replicas as number | undefined;
    try {
      await env.createApp(application(APP, env.repoURL('apps'), 'drift', 'bench', NAMESPACE, { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] }));
      await waitForApp(env, APP, 'Synced and Healthy', (a) => a.status.sync.status === 'Synced' && a.status.health.status === 'Healthy', 60_000);

      const rows: string[][] = [];
      const reverted: number[] = [];
      const scale: number[] = [];
      for (let i = 1; i <= drifts; i++) {
        // Both waits are registered before kubectl starts: the revert may land before kubectl exits.
        let drifted = false;
        const driftSeen = watch.until(`${NAME} scaled to ${DRIFT_REPLICAS}`, (o) => replicas(o) === DRIFT_REPLICAS, 30_000);
        const revertSeen = watch.until(`${NAME} back to ${GIT_REPLICAS}`, (o) => {
          if (replicas(o) === DRIFT_REPLICAS) drifted = true;
          return drifted && replicas(o) === GIT_REPLICAS;
        }, 30_000);
        driftSeen.catch(() => {});
        revertSeen.catch(() => {});
        const started = performance.now();
        const run = await env.kubectl(0, 'scale', `deployment/${NAME}`, '-n', NAMESPACE, `--replicas=${DRIFT_REPLICAS}`);
        const [driftAt, revertAt] = [await driftSeen, await revertSeen];
        reverted.push(revertAt - driftAt);
        scale.push(run.ms);
        rows.push([String(i), format(seconds(run.ms), 's'), format(seconds(driftAt - started), 's'), format(seconds(revertAt - driftAt), 's'), format(seconds(revertAt - started), 's')]);
        // Let the Pods settle and the status come back before the next drift, as a person would.
        await poll(`${NAME} available again`, async () => (await kube.apps.readNamespacedDeployment({ name: NAME, namespace: NAMESPACE })).status?.replicas === GIT_REPLICAS, 30_000, 100);
        await sleep(1000);
      }
      const byHand = await revertsByHand(env, drifts, files['drift/deployment.yaml']);
      for (const [i, row] of rows.entries()) row.push(format(seconds(byHand.kubectl[i]!), 's'), format(seconds(byHand.patch[i]!), 's'));
      rows.push(['p50', format(seconds(percentile(scale, 50)), 's'), '', format(seconds(percentile(reverted, 50)), 's'), '', format(seconds(percentile(byHand.kubectl, 50)), 's'), format(seconds(percentile(byHand.patch, 50)), 's')]);
      rows.push(['max', format(seconds(percentile(scale, 100)), 's'), '', format(seconds(percentile(reverted, 100)), 's'), '', format(seconds(percentile(byHand.kubectl, 100)), 's'), format(seconds(percentile(byHand.patch, 100)), 's')]);
      printTable(`2. Drift → reverted (${drifts} kubectl scale --replicas=${DRIFT_REPLICAS} in a row; Git says ${GIT_REPLICAS})`,
        ['drift', 'kubectl scale (process)', 'drift visible after', 'Flotilla: reverted after drift visible', 'reverted after kubectl start', 'by hand: kubectl apply --server-side, after drift visible', 'by hand: SSA PATCH, after drift visible'], rows);

      const p50 = seconds(percentile(reverted, 50));
      const max = seconds(percentile(reverted, 100));
      result.figures.push(
        { metric: 'drift → reverted, p50', unit: 's', flotilla: p50, baseline: seconds(percentile(byHand.kubectl, 50)), baselineLabel: 'kubectl apply --server-side by hand, at once', argo: '0.8–0.9 s (1st drift)', target: '≤ 0.9 s', met: p50 <= 0.9 },
        { metric: `drift → reverted, max of ${drifts} in a row`, unit: 's', flotilla: max, baseline: seconds(percentile(byHand.kubectl, 100)), baselineLabel: 'kubectl apply --server-side by hand, at once', argo: '53 s (backs off: 5, 17, 53 s)', target: '≤ 1 s (no back-off)', met: max <= 1 },
        { metric: 'drift → reverted by one SSA PATCH (no kubectl), p50', unit: 's', baseline: seconds(percentile(byHand.patch, 50)), baselineLabel: 'server-side apply PATCH', argo: '—', target: '—' },
      );
    } finally {
      watch.stop();
    }
  });
}

/**
 * The same reverts by hand: a copy of the Deployment that no application manages, drifted with
 * `kubectl scale` as above, reverted as soon as the watch shows the drift, by `kubectl apply
 * --server-side --force-conflicts` of the Git file (kubectl scale's manager owns spec.replicas now,
 * so a plain apply would stop at the conflict, as it would for a person) and by the same apply as
 * one PATCH from this process; each timed from the drift on the watch to the revert on the watch.
 */
async function revertsByHand(env: BenchEnv, drifts: number, gitFile: string): Promise<{ kubectl: number[]; patch: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'drift-by-hand-'));
  const file = join(dir, 'deployment.yaml');
  writeFileSync(file, gitFile);
  const kube = env.kube(0);
  await env.kubectl(0, 'create', 'namespace', MANUAL_NAMESPACE);
  await env.kubectl(0, 'apply', '--server-side', '-n', MANUAL_NAMESPACE, '-f', file);
  const watch = await LiveWatch.start(kube.config, `/apis/apps/v1/namespaces/${MANUAL_NAMESPACE}/deployments`, { fieldSelector: `metadata.name=${NAME}` });
  const replicas = (objects: Map<string, any>) => objects.get(NAME)?.spec?.replicas as number | undefined;
  const cluster = env.clusters.clusters[0]!;
  const out = { kubectl: [] as number[], patch: [] as number[] };
  try {
    for (const how of ['kubectl', 'patch'] as const) {
      for (let i = 0; i < drifts; i++) {
        const driftSeen = watch.until(`${NAME} scaled to ${DRIFT_REPLICAS}`, (o) => replicas(o) === DRIFT_REPLICAS, 30_000);
        await env.kubectl(0, 'scale', `deployment/${NAME}`, '-n', MANUAL_NAMESPACE, `--replicas=${DRIFT_REPLICAS}`);
        const driftAt = await driftSeen;
        const revertSeen = watch.until(`${NAME} back to ${GIT_REPLICAS}`, (o) => replicas(o) === GIT_REPLICAS, 30_000);
        if (how === 'kubectl') await env.kubectl(0, 'apply', '--server-side', '--force-conflicts', '-n', MANUAL_NAMESPACE, '-f', file);
        else await applyPatch(cluster, `/apis/apps/v1/namespaces/${MANUAL_NAMESPACE}/deployments/${NAME}?fieldManager=kubectl&force=true`, gitFile);
        out[how].push((await revertSeen) - driftAt);
        await poll(`${NAME} (by hand) settled`, async () => (await kube.apps.readNamespacedDeployment({ name: NAME, namespace: MANUAL_NAMESPACE })).status?.replicas === GIT_REPLICAS, 30_000, 100);
        await sleep(300);
      }
    }
  } finally {
    watch.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

/** One server-side apply PATCH (application/apply-patch+yaml), as kubectl apply --server-side sends it. */
function applyPatch(cluster: Cluster, path: string, yaml: string): Promise<void> {
  const url = new URL(path, cluster.server);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PATCH', ca: cluster.ca, headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/apply-patch+yaml', accept: 'application/json' }, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`SSA PATCH answered ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`))));
    });
    req.on('error', reject);
    req.end(yaml);
  });
}
