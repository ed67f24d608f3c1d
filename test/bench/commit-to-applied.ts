// Benchmark 1, commit → applied: an application with automated sync (prune, selfHeal) whose path
// holds one ConfigMap; each commit changes its value, is pushed, and the GitHub push webhook is
// sent. Measured from the moment the webhook request is sent until a watch on the cluster shows
// the new value. Baseline in the same run: `kubectl apply --server-side` of the same ConfigMap file
// (into another namespace), from the moment kubectl is started until the same watch shows the value.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { application, waitForApp, withEnv } from './env.ts';
import { configMap } from './manifests.ts';
import { LiveWatch } from './watch.ts';
import { format, percentile, printTable, seconds, sleep, type BenchOptions, type BenchResult } from './report.ts';

const APP = 'commit-bench';
const NAMESPACE = 'commit-bench';
const BASELINE_NAMESPACE = 'commit-baseline';
const CONFIG = 'bench-config';

export async function commitToApplied(options: BenchOptions, result: BenchResult): Promise<void> {
  const commits = options.quick ? 5 : 20;
  await withEnv({ clusters: ['bench'], repos: { apps: { 'commit/config.yaml': configMap(CONFIG, 'v0') } } }, options, result, async (env) => {
    const kube = env.kube(0);
    const byName = `metadata.name=${CONFIG}`;
    const watch = await LiveWatch.start(kube.config, `/api/v1/namespaces/${NAMESPACE}/configmaps`, { fieldSelector: byName });
    const baselineWatch = await LiveWatch.start(kube.config, `/api/v1/namespaces/${BASELINE_NAMESPACE}/configmaps`, { fieldSelector: byName });
    const valueIs = (w: LiveWatch, value: string) => w.until(`${CONFIG} = ${value}`, (objects) => objects.get(CONFIG)?.data?.value === value, 30_000);
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-commit-'));
    try {
      await env.createApp(application(APP, env.repoURL('apps'), 'commit', 'bench', NAMESPACE, { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] }));
      await valueIs(watch, 'v0');
      await waitForApp(env, APP, 'Synced', (a) => a.status.sync.status === 'Synced', 60_000);

      // Flotilla: commit, push, webhook → value on the cluster (and Synced on the hub).
      const applied: number[] = [];
      const synced: number[] = [];
      for (let i = 1; i <= commits; i++) {
        const value = `v${i}`;
        const sha = env.git.commit('apps', { 'commit/config.yaml': configMap(CONFIG, value) }, `value ${value}`);
        const seen = valueIs(watch, value);
        seen.catch(() => {}); // awaited below
        const sent = performance.now();
        await env.webhook('apps', sha);
        applied.push((await seen) - sent);
        await waitForApp(env, APP, `Synced at ${sha.slice(0, 8)}`, (a) => a.status.sync.status === 'Synced' && a.status.sync.revision === sha, 30_000, 10);
        synced.push(performance.now() - sent);
        await sleep(300);
      }

      // Baseline: kubectl apply --server-side of the same file → value on the cluster.
      await env.kubectl(0, 'create', 'namespace', BASELINE_NAMESPACE);
      const kubectlApplied: number[] = [];
      const kubectlProcess: number[] = [];
      const file = join(dir, 'config.yaml');
      for (let i = 0; i <= commits; i++) {
        const value = `b${i}`;
        writeFileSync(file, configMap(CONFIG, value));
        const seen = valueIs(baselineWatch, value);
        seen.catch(() => {});
        const started = performance.now();
        const run = await env.kubectl(0, 'apply', '--server-side', '-n', BASELINE_NAMESPACE, '-f', file);
        const at = await seen;
        if (i === 0) continue; // the first apply creates the object; the others change it, as the commits do
        kubectlApplied.push(at - started);
        kubectlProcess.push(run.ms);
        await sleep(300);
      }

      const row = (label: string, p: number) => [label, ...[applied, synced, kubectlApplied, kubectlProcess].map((v) => format(seconds(percentile(v, p)), 's'))];
      printTable(`1. Commit → applied (${commits} commits, webhook; p99 of ${commits} is the max when fewer than 100)`,
        ['', 'Flotilla: value on cluster', 'Flotilla: Synced on hub', 'kubectl apply --server-side: value on cluster', 'kubectl process'],
        [row('p50', 50), row('p99', 99), row('max', 100), row('min', 0)]);
      console.log(`   each commit (s): ${applied.map((v) => seconds(v).toFixed(3)).join(' ')}`);

      const p50 = seconds(percentile(applied, 50));
      const max = seconds(percentile(applied, 100));
      result.figures.push(
        { metric: 'commit → applied, p50', unit: 's', flotilla: p50, baseline: seconds(percentile(kubectlApplied, 50)), baselineLabel: 'kubectl apply --server-side', argo: '0.85 s', target: '≤ 0.85 s (Argo CD)', met: p50 <= 0.85 },
        { metric: 'commit → applied, p99', unit: 's', flotilla: seconds(percentile(applied, 99)), baseline: seconds(percentile(kubectlApplied, 99)), baselineLabel: 'kubectl apply --server-side', argo: '—', target: '—' },
        { metric: 'commit → applied, max', unit: 's', flotilla: max, baseline: seconds(percentile(kubectlApplied, 100)), baselineLabel: 'kubectl apply --server-side', argo: '0.98 s', target: '≤ 0.98 s (Argo CD)', met: max <= 0.98 },
      );
    } finally {
      watch.stop();
      baselineWatch.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
