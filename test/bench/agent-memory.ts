// Benchmark 4, memory with 100 applications, in two worlds side by side (issue 15): 100 applications
// of one ConfigMap each (100 objects), then 100 applications of 20 objects each (12 ConfigMaps,
// 4 Services, 4 Deployments: 2,000 objects); one path and one namespace per application, one
// cluster. Once all are Synced, the resident memory (VmRSS, and its peak VmHWM) of the agent
// process, and of the hub's Node process (its embedded PostgreSQL runs in processes of its own and
// is not counted). Each world starts a fresh agent, whose memory before any application is printed
// too. Baseline in the same run: a bare `node -e "setInterval(() => {}, 1000)"` on the same
// runtime; and, for reference, a Node process that only imports @kubernetes/client-node.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { application, poll, withEnv } from './env.ts';
import { configMap, largeApp } from './manifests.ts';
import { commandOf, memoryOf } from './proc.ts';
import { format, printTable, seconds, sleep, type BenchOptions, type BenchResult } from './report.ts';

/** Objects in each application, one world each: a single ConfigMap, and apps that look like real ones. */
const OBJECTS_PER_APP = [1, 20] as const;

const root = new URL('../../', import.meta.url).pathname;

/** The resident memory of a Node process on this runtime running `script`, after it has settled. */
async function nodeMB(script: string): Promise<number> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore', cwd: root });
  try {
    await sleep(2500);
    if (child.exitCode !== null) throw new Error(`node -e ${JSON.stringify(script)} exited with ${child.exitCode}`);
    return memoryOf(child.pid!).rssMB;
  } finally {
    child.kill('SIGKILL');
  }
}

/** What one world measured. */
interface WorldMemory {
  perApp: number;
  agent: { rssMB: number; peakMB: number };
  idleAgent: { rssMB: number; peakMB: number };
  hub: { rssMB: number; peakMB: number };
  idleHub: { rssMB: number; peakMB: number };
  bare: number;
}

/** The files of `count` applications of `perApp` objects each, one directory per application. */
function appFiles(count: number, perApp: number, name: (i: number) => string): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    if (perApp === 1) files[`${name(i)}/config.yaml`] = configMap(`${name(i)}-config`, `value-${i}`);
    else Object.assign(files, largeApp(name(i), perApp));
  }
  return files;
}

/** One world: `count` applications of `perApp` objects, created and Synced, then the agent's and the hub's memory. */
async function measureWorld(options: BenchOptions, result: BenchResult, count: number, perApp: number): Promise<WorldMemory> {
  const name = (i: number) => `app-${String(i).padStart(3, '0')}`;
  return withEnv({ clusters: ['bench'], repos: { apps: appFiles(count, perApp, name) } }, options, result, async (env) => {
    const agentPid = env.agents[0]!.proc.pid;
    const hubPid = env.hub.proc.pid;
    for (const [what, pid] of [['agent', agentPid], ['hub', hubPid]] as const) {
      if (!/flotilla-(agent|hub)/.test(commandOf(pid))) throw new Error(`pid ${pid} is not the ${what}: ${commandOf(pid)}`);
    }
    await sleep(2000);
    const idleAgent = memoryOf(agentPid);
    const idleHub = memoryOf(hubPid);

    const started = performance.now();
    for (let i = 0; i < count; i++) {
      await env.createApp(application(name(i), env.repoURL('apps'), name(i), 'bench', `mem-${String(i).padStart(3, '0')}`, { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] }));
    }
    const created = performance.now();
    let last: any[] = [];
    await poll(`${count} applications Synced`, async () => {
      last = (await env.hub.api('GET', '/api/v1/applications')).body.items ?? [];
      return last.length === count && last.every((a) => a.status.sync.status === 'Synced');
    }, options.quick ? 120_000 : 300_000, 250, () => {
      const bySync = new Map<string, number>();
      for (const a of last) bySync.set(a.status.sync.status, (bySync.get(a.status.sync.status) ?? 0) + 1);
      return `${last.length} applications: ${[...bySync].map(([s, n]) => `${n} ${s}`).join(', ')}`;
    });
    const synced = performance.now();
    console.log(`   ${count} applications of ${perApp} object(s) created in ${format(seconds(created - started), 's')}, all Synced ${format(seconds(synced - started), 's')} after the first was created`);
    await sleep(5000); // let the status reports and any garbage settle
    const agent = memoryOf(agentPid);
    const hub = memoryOf(hubPid);
    const bare = await nodeMB('setInterval(() => {}, 1000)');
    return { perApp, agent, idleAgent, hub, idleHub, bare };
  });
}

export async function agentMemory(options: BenchOptions, result: BenchResult): Promise<void> {
  const count = options.quick ? 20 : 100;
  const worlds: WorldMemory[] = [];
  for (const perApp of OBJECTS_PER_APP) worlds.push(await measureWorld(options, result, count, perApp));
  // For reference: what loading the Kubernetes client alone costs (the agent does without it).
  const withClient = await nodeMB("await import('@kubernetes/client-node'); setInterval(() => {}, 1000)");

  const objects = (w: WorldMemory) => `${w.perApp} (${count * w.perApp} in all)`;
  const row = (process: string, w: WorldMemory, m: WorldMemory['agent'], idle: WorldMemory['agent']) =>
    [process, objects(w), format(m.rssMB, 'MB'), format(m.peakMB, 'MB'), format(idle.rssMB, 'MB'), format(w.bare, 'MB')];
  printTable(`4. Memory with ${count} applications (VmRSS; peak = VmHWM)`, ['process', 'objects per app', `with ${count} apps`, 'peak', 'idle (0 apps)', 'bare node (same run)'], [
    ...worlds.map((w) => row('flotilla-agent', w, w.agent, w.idleAgent)),
    ...worlds.map((w) => row('flotilla-hub (Node process)', w, w.hub, w.idleHub)),
  ]);
  console.log(`   for reference, node with only @kubernetes/client-node imported: ${format(withClient, 'MB')}`);
  for (const w of worlds) {
    const what = w.perApp === 1 ? `${count} apps of 1 ConfigMap (${count} objects)` : `${count} apps (${count * w.perApp} objects)`;
    result.figures.push(
      { metric: `agent RSS, ${what}`, unit: 'MB', flotilla: w.agent.rssMB, baseline: w.bare, baselineLabel: 'bare node', argo: '264–369 MB (app controller)', target: '< 80 MB', met: w.agent.rssMB < 80 },
      { metric: `agent peak RSS, ${what}`, unit: 'MB', flotilla: w.agent.peakMB, baseline: w.bare, baselineLabel: 'bare node', argo: '—', target: '—' },
    );
  }
  for (const w of worlds) {
    result.figures.push({ metric: `hub RSS, ${count} apps of ${w.perApp} object(s)`, unit: 'MB', flotilla: w.hub.rssMB, baseline: w.bare, baselineLabel: 'bare node', argo: '—', target: '—' });
  }
}
