// `npm run bench`: starts real clusters, a Git server, a hub and agents, and measures what a user
// of a GitOps tool feels (commit → applied, drift → reverted, a 1,000-object application, memory),
// each against a baseline measured in the same run and beside Argo CD's figure on this machine
// kind (docs/benchmarks.md). `--quick` cuts the counts for a smoke run; `--only NAME[,NAME]` runs
// some (commit, drift, large, memory, render-fleet, render-monorepo, render-overhead, render-burst, waves, lists, ui); `--keep-logs` keeps the hub and agent logs.
import { performance } from 'node:perf_hooks';
import { availableParallelism, cpus } from 'node:os';
import { commitToApplied } from './commit-to-applied.ts';
import { driftReverted } from './drift-reverted.ts';
import { largeApp } from './large-app.ts';
import { agentMemory } from './agent-memory.ts';
import { renderFleet } from './render-fleet.ts';
import { renderMonorepo } from './render-monorepo.ts';
import { renderOverhead } from './render-overhead.ts';
import { renderBurst } from './render-burst.ts';
import { syncWaves } from './sync-waves.ts';
import { listLatency } from './list-latency.ts';
import { uiBench } from './ui.ts';
import { format, ratio, table, type BenchOptions, type BenchResult } from './report.ts';

const benchmarks: { name: string; title: string; run: (options: BenchOptions, result: BenchResult) => Promise<void> }[] = [
  { name: 'commit', title: '1. commit → applied', run: commitToApplied },
  { name: 'drift', title: '2. drift → reverted', run: driftReverted },
  { name: 'large', title: '3. 1,000-object application', run: largeApp },
  { name: 'memory', title: '4. agent memory with 100 applications', run: agentMemory },
  { name: 'render-fleet', title: '5. renders per commit, one Helm app on 100 clusters', run: renderFleet },
  { name: 'render-monorepo', title: '6. renders for a one-app commit in a monorepo of 100 apps', run: renderMonorepo },
  // The burst before the large chart: the hub runs in this process, whose heap the large chart's parse would grow.
  { name: 'render-burst', title: '7. hub memory during a burst of 100 chart renders', run: renderBurst },
  { name: 'render-overhead', title: '8. render of a 4,000-object chart against helm template', run: renderOverhead },
  { name: 'waves', title: '9. sync through 4 waves and 2 hook Jobs', run: syncWaves },
  { name: 'lists', title: '10. application lists over 10,000 applications', run: listLatency },
  { name: 'ui', title: '11. web UI over 10,000 applications in headless Chromium', run: uiBench },
];

function parseArgs(argv: string[]): BenchOptions & { only?: Set<string> } {
  const options: BenchOptions & { only?: Set<string> } = { quick: false, keepLogs: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--keep-logs') options.keepLogs = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      options.only = new Set((value ?? '').split(',').filter(Boolean));
      for (const name of options.only) {
        if (!benchmarks.some((b) => b.name === name)) throw new Error(`unknown benchmark "${name}" (known: ${benchmarks.map((b) => b.name).join(', ')})`);
      }
    } else throw new Error(`unknown argument "${arg}" (known: --quick, --only NAME[,NAME], --keep-logs)`);
  }
  return options;
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseArgs>;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  // The harness's child processes are unref'd: hold the event loop open while we wait on them.
  const keepAlive = setInterval(() => {}, 60_000);
  const started = performance.now();
  console.log(`Flotilla benchmarks${options.quick ? ' (--quick: reduced counts)' : ''} on ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString()}`);
  const results: BenchResult[] = [];
  for (const b of benchmarks) {
    if (options.only && !options.only.has(b.name)) continue;
    const result: BenchResult = { name: b.title, figures: [], logs: [] };
    results.push(result);
    console.log(`\n=== ${b.title} ===`);
    const t = performance.now();
    try {
      await b.run(options, result);
    } catch (error) {
      result.error = (error as Error).stack ?? String(error);
      console.log(`\nFAILED: ${(error as Error).message}`);
    }
    console.log(`(${((performance.now() - t) / 1000).toFixed(0)} s)`);
    if (result.logs.length) console.log(`logs kept: ${result.logs.join(' ')}`);
  }

  const rows = results.flatMap((r) => [
    ...r.figures.map((f) => [
      f.metric, format(f.flotilla, f.unit), f.baseline === undefined ? '—' : `${format(f.baseline, f.unit)} (${f.baselineLabel})`,
      ratio(f.flotilla, f.baseline), f.argo, f.target, f.met === undefined ? '—' : f.met ? 'yes' : 'NO',
    ]),
    ...(r.error ? [[`${r.name}: FAILED (below)`, '—', '—', '—', '—', '—', '—']] : []),
  ]);
  console.log(`\n=== Summary (${((performance.now() - started) / 1000).toFixed(0)} s) ===`);
  console.log(table(['metric', 'Flotilla', 'baseline (same run)', 'ratio', 'Argo CD', 'target', 'met?'], rows));
  const failed = results.filter((r) => r.error);
  for (const r of failed) {
    console.log(`\n${r.name} FAILED:\n${r.error}`);
    if (r.logs.length) console.log(`logs: ${r.logs.join(' ')}`);
  }
  clearInterval(keepAlive);
  return failed.length ? 1 : 0;
}

// process.exit, not process.exitCode: a child or a handle left open by a benchmark must not keep
// the run alive after its figures are printed.
process.exit(await main());
