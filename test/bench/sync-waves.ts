// Benchmark 9, a sync through waves and hooks: an application of 4 waves (ConfigMap, Deployment,
// Service, ConfigMap) with a PreSync migration Job and a PostSync smoke Job, synced by hand
// (POST /sync) several times. Measured from the sync request until the hub shows the operation
// Succeeded and the app Synced, beside the sum of the two Jobs' run times (from the watch: the Job
// created until it shows Complete), which no engine can go below. Argo CD waits 2 s after each
// wave (ARGOCD_SYNC_WAVE_DELAY) besides the Jobs: its reference is the Jobs' time plus 2 s per
// group boundary (PreSync, 4 waves, PostSync: 5 boundaries, 10 s). Flotilla starts the next group
// as soon as the last one is Healthy.
import { performance } from 'node:perf_hooks';
import * as k8s from '@kubernetes/client-node';
import { application, waitForApp, withEnv } from './env.ts';
import { format, percentile, printTable, seconds, sleep, type BenchOptions, type BenchResult } from './report.ts';

const APP = 'waves-bench';
const NAMESPACE = 'waves-bench';
const ARGO_WAVE_DELAY_S = 2;

const annotations = (entries: Record<string, string>) => `  annotations:\n${Object.entries(entries).map(([k, v]) => `    ${k}: "${v}"`).join('\n')}\n`;
const wave = (n: number) => annotations({ 'argocd.argoproj.io/sync-wave': String(n) });
const hookJob = (name: string, hook: string) => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
${annotations({ 'argocd.argoproj.io/hook': hook })}spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: run
          image: busybox:1.36
          command: ["true"]
`;

/** The application's files: PreSync Job, waves 0–3, PostSync Job. */
export function wavesApp(dir: string): Record<string, string> {
  return {
    [`${dir}/migrate.yaml`]: hookJob('migrate', 'PreSync'),
    [`${dir}/config.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n${wave(0)}data:\n  value: "v1"\n`,
    [`${dir}/deployment.yaml`]: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
${wave(1)}spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
`,
    [`${dir}/service.yaml`]: `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n${wave(2)}spec:\n  selector: {app: web}\n  ports:\n    - port: 80\n`,
    [`${dir}/ready.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ready\n${wave(3)}data:\n  value: "yes"\n`,
    [`${dir}/smoke.yaml`]: hookJob('smoke', 'PostSync'),
  };
}

const complete = (job: any) => (job?.status?.conditions ?? []).some((c: any) => c.type === 'Complete' && c.status === 'True');

export async function syncWaves(options: BenchOptions, result: BenchResult): Promise<void> {
  const runs = options.quick ? 2 : 5;
  await withEnv({ clusters: ['bench'], repos: { apps: wavesApp('waves') } }, options, result, async (env) => {
    await env.createApp(application(APP, env.repoURL('apps'), 'waves', 'bench', NAMESPACE, { syncOptions: ['CreateNamespace=true'] }));
    await waitForApp(env, APP, 'compared (OutOfSync)', (a) => a.status?.sync?.status === 'OutOfSync', 60_000);
    // Each Job's run, from the watch: first seen (by uid: BeforeHookCreation makes a new one per sync) until first seen Complete.
    const seen = new Map<string, { name: string; added: number; done?: number }>();
    const abort = await new k8s.Watch(env.kube(0).config).watch(`/apis/batch/v1/namespaces/${NAMESPACE}/jobs`, {}, (type: string, job: any) => {
      const now = performance.now();
      const uid = job?.metadata?.uid as string | undefined;
      if (!uid || type === 'DELETED') return;
      if (!seen.has(uid)) seen.set(uid, { name: job.metadata.name, added: now });
      const entry = seen.get(uid)!;
      if (entry.done === undefined && complete(job)) entry.done = now;
    }, () => {});
    const rows: string[][] = [];
    const totals: number[] = [];
    const jobSums: number[] = [];
    try {
      for (let i = 1; i <= runs; i++) {
        const started = performance.now();
        const res = await env.hub.api('POST', `/api/v1/applications/${APP}/sync`, {});
        if (res.status !== 200) throw new Error(`sync answered ${res.status}: ${JSON.stringify(res.body)}`);
        const id = res.body.operation.id as string;
        const done = await waitForApp(env, APP, `operation ${id} Succeeded and Synced`, (a) => a.status?.operationState?.id === id && a.status.operationState.phase !== 'Running' && !a.operation && a.status.sync.status === 'Synced', 120_000, 20);
        const total = performance.now() - started;
        if (done.status.operationState.phase !== 'Succeeded') throw new Error(`sync ${i} ended ${done.status.operationState.phase}: ${done.status.operationState.message}`);
        const jobs = [...seen.values()].filter((j) => j.added >= started && j.done !== undefined);
        if (jobs.length !== 2) throw new Error(`expected 2 completed Jobs in sync ${i}, saw ${jobs.map((j) => j.name).join(', ')}`);
        const jobSum = jobs.reduce((sum, j) => sum + (j.done! - j.added), 0);
        const waves = (done.status.operationState.result?.waves ?? []) as { phase: string; wave: number; startedAt?: string; finishedAt?: string }[];
        const gaps = waves.slice(1).map((w, k) => Date.parse(w.startedAt ?? '') - Date.parse(waves[k]!.finishedAt ?? ''));
        totals.push(total);
        jobSums.push(jobSum);
        rows.push([String(i), format(seconds(total), 's'), format(seconds(jobSum), 's'), format(seconds(total - jobSum), 's'),
          format(seconds(jobSum) + ARGO_WAVE_DELAY_S * Math.max(0, waves.length - 1), 's'),
          `${waves.length} groups, gaps ${gaps.map((g) => `${Number.isNaN(g) ? '?' : g} ms`).join(' / ')}`]);
        await sleep(500);
      }
    } finally {
      abort.abort();
    }
    const p50 = percentile(totals, 50);
    const jobs50 = percentile(jobSums, 50);
    const groups = 6;
    rows.push(['p50', format(seconds(p50), 's'), format(seconds(jobs50), 's'), format(seconds(p50 - jobs50), 's'), format(seconds(jobs50) + ARGO_WAVE_DELAY_S * (groups - 1), 's'), '']);
    printTable(`9. Sync through waves and hooks (PreSync Job, waves 0–3, PostSync Job; ${runs} syncs by hand)`,
      ['sync', 'Flotilla: request → Succeeded and Synced', 'the two Jobs\' run times', 'Flotilla beyond the Jobs', 'Argo CD reference (Jobs + 2 s per wave boundary)', 'operation groups'], rows);
    result.figures.push({
      metric: '4-wave app with 2 hook Jobs, sync → Synced, p50', unit: 's', flotilla: seconds(p50), baseline: seconds(jobs50), baselineLabel: 'its Jobs\' run times',
      argo: `≈ ${format(seconds(jobs50) + ARGO_WAVE_DELAY_S * (groups - 1), 's')} (Jobs + 2 s × 5 wave boundaries)`, target: '< Jobs + 1 s', met: seconds(p50 - jobs50) < 1,
    });
  });
}
