// Rendering benchmark: the hub's memory during a burst of 100 chart renders (issue 14: bounded by
// the concurrency limit). 100 repositories each hold the 20-object chart with values of their own
// (a tenant name), one Application each, on one cluster; after they have rendered once, a commit
// to every repository changes its values, and one RepoService.refresh of all 100 renders them
// again (nothing cached: every content key is new), at the default concurrency (the CPU count).
// The hub runs in a Node process of its own (this file, run by run.ts) as test/support/hub.ts
// starts it, so its RSS is that process's (with the Git server; its RSS before the hub started is
// printed too), and no other benchmark's heap is in it:
// the peak is VmHWM, reset (clear_refs) before the burst, and a 20 ms sampler of VmRSS; the
// baseline is the same process idle just before, after the first renders. The sampler also counts
// the helm processes running at once and their memory (outside the hub's RSS).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { clusterName, helmApp, objectsOf, shopChart, shopValues, startRenderWorld } from './render-world.ts';
import { memoryOf } from './proc.ts';
import { format, printTable, ratio, seconds, sleep, type BenchOptions, type BenchResult } from './report.ts';

/** Helm processes that are children of this process now, and their resident memory in MB. */
function helmChildren(): { count: number; rssMB: number } {
  let count = 0;
  let rssMB = 0;
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) > 57) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'helm') continue;
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      count++;
      rssMB += memoryOf(Number(name)).rssMB;
    } catch {
      // gone meanwhile
    }
  }
  return { count, rssMB };
}

/** Runs the benchmark in a fresh Node process (this file), so no other benchmark's heap is in its RSS. */
export async function renderBurst(options: BenchOptions, result: BenchResult): Promise<void> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), options.quick ? '--quick' : '--full'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    for (let nl = out.indexOf('\n'); nl !== -1; nl = out.indexOf('\n')) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (line.startsWith(RESULT)) Object.assign(result, JSON.parse(line.slice(RESULT.length)), { name: result.name, logs: result.logs });
      else console.log(line);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0 && !result.error) throw new Error(`the benchmark's process exited with ${code}`);
  if (result.error) throw new Error(`in the benchmark's process: ${result.error}`);
}

const RESULT = 'BENCH-RESULT ';

async function measure(options: BenchOptions, result: BenchResult): Promise<void> {
  const count = options.quick ? 20 : 100;
  const repos: Record<string, Record<string, string>> = {};
  for (let i = 0; i < count; i++) repos[`shop-${i}`] = shopChart('chart', 3, `tenant-${i}`);
  const bare = memoryOf(process.pid).rssMB;
  const world = await startRenderWorld({ clusters: 1, repos });
  const rows: string[][] = [];
  try {
    const apps = Array.from({ length: count }, (_, i) => helmApp(`shop-${i}`, world.repoURL(`shop-${i}`), 'chart', clusterName(0), `shop-${i}`, {}));
    await world.createApps(apps);
    await sleep(2000);
    const idle = memoryOf(process.pid).rssMB;
    for (let i = 0; i < count; i++) world.git.commit(`shop-${i}`, { 'chart/values.yaml': shopValues(3, `tenant-${i}`).replace('logLevel: INFO', 'logLevel: WARN') });
    await sleep(500);
    const idleAfterCommits = memoryOf(process.pid).rssMB;
    let resetPeak = true;
    try {
      writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM to the current RSS
    } catch {
      resetPeak = false;
    }
    let sampledPeak = 0;
    let helmPeak = { count: 0, rssMB: 0 };
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, memoryOf(process.pid).rssMB);
      const helm = helmChildren();
      if (helm.count > helmPeak.count || (helm.count === helmPeak.count && helm.rssMB > helmPeak.rssMB)) helmPeak = helm;
    }, 20);
    const before = world.stats();
    const started = performance.now();
    await world.t.hub.ctx.repo.refresh(await world.apps());
    const ms = performance.now() - started;
    clearInterval(sampler);
    const renders = world.stats().renders - before.renders;
    const peak = Math.max(sampledPeak, resetPeak ? memoryOf(process.pid).peakMB : 0);
    const limit = availableParallelism();
    console.log(`   the benchmark's process before the hub started ${format(bare, 'MB')}; idle hub RSS ${format(idle, 'MB')} (${format(idleAfterCommits, 'MB')} just before the burst); ${renders} renders of ${objectsOf(3)} objects in ${format(seconds(ms), 's')}`);
    console.log(`   peak hub RSS during the burst ${format(peak, 'MB')} (${resetPeak ? 'VmHWM reset before it, and' : 'VmHWM could not be reset:'} sampled every 20 ms: ${format(sampledPeak, 'MB')}); at most ${helmPeak.count} helm processes at once (limit ${limit}), ${format(helmPeak.rssMB, 'MB')} together`);
    if (renders !== count) throw new Error(`${renders} renders for ${count} changed applications`);
    rows.push([`hub RSS, burst of ${count} chart renders`, format(peak, 'MB'), format(idleAfterCommits, 'MB'), ratio(peak, idleAfterCommits)]);
    rows.push(['the process before the hub started', format(bare, 'MB'), '—', '—']);
    rows.push(['helm processes at once (sampled)', String(helmPeak.count), `limit ${limit}`, '—']);
    rows.push(['their RSS together, at the most', format(helmPeak.rssMB, 'MB'), '—', '—']);
    result.figures.push({ metric: `hub peak RSS, burst of ${count} chart renders`, unit: 'MB', flotilla: peak, baseline: idleAfterCommits, baselineLabel: 'the same hub idle, before', argo: '—', target: 'bounded by the concurrency limit', met: helmPeak.count <= limit });
    result.figures.push({ metric: `burst of ${count} chart renders, wall time`, unit: 's', flotilla: seconds(ms), baselineLabel: '', argo: '—', target: '—' });
  } finally {
    if (rows.length) printTable(`Memory during a burst of ${count} chart renders (${count} repositories, concurrency ${availableParallelism()})`, ['', 'Flotilla', 'baseline (same run)', 'ratio'], rows);
    await world.stop();
  }
}

// Run as a process of its own: measure, print the tables, and hand the figures back on one line.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result: BenchResult = { name: 'render-burst', figures: [], logs: [] };
  const keepAlive = setInterval(() => {}, 60_000);
  try {
    await measure({ quick: process.argv[2] === '--quick', keepLogs: false }, result);
  } catch (error) {
    result.error = (error as Error).stack ?? String(error);
  }
  clearInterval(keepAlive);
  console.log(`${RESULT}${JSON.stringify({ figures: result.figures, ...(result.error ? { error: result.error } : {}) })}`);
  process.exit(result.error ? 1 : 0);
}
