// Benchmark 4, memory with 100 applications: 100 small applications (one ConfigMap each, one path
// and one namespace per application) on one cluster; once all are Synced, the resident memory
// (VmRSS) of the agent process, and of the hub's Node process (its embedded PostgreSQL runs in
// processes of its own and is not counted). Baseline in the same run: a bare
// `node -e "setInterval(() => {}, 1000)"` on the same runtime; the agent before any application
// is printed too, and a Node process that only imports @kubernetes/client-node, for reference.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { application, poll, withEnv } from './env.ts';
import { largeApp } from './manifests.ts';

/** Objects in each application of the memory benchmark. */
const OBJECTS_PER_APP = 20;
import { commandOf, memoryOf } from './proc.ts';
import { format, printTable, seconds, sleep, type BenchOptions, type BenchResult } from './report.ts';

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

export async function agentMemory(options: BenchOptions, result: BenchResult): Promise<void> {
  const count = options.quick ? 20 : 100;
  const name = (i: number) => `app-${String(i).padStart(3, '0')}`;
  const files: Record<string, string> = {};
  // Apps that look like real ones: 20 objects each (ConfigMaps, Services, Deployments), 2,000 in all.
  for (let i = 0; i < count; i++) Object.assign(files, largeApp(name(i), OBJECTS_PER_APP));
  await withEnv({ clusters: ['bench'], repos: { apps: files } }, options, result, async (env) => {
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
    console.log(`   ${count} applications created in ${format(seconds(created - started), 's')}, all Synced ${format(seconds(synced - started), 's')} after the first was created`);
    await sleep(5000); // let the status reports and any garbage settle
    const agent = memoryOf(agentPid);
    const hub = memoryOf(hubPid);
    const bare = await nodeMB('setInterval(() => {}, 1000)');
    // For reference: what loading the Kubernetes client alone costs (the agent needs it).
    const withClient = await nodeMB("await import('@kubernetes/client-node'); setInterval(() => {}, 1000)");

    printTable(`4. Memory with ${count} applications of ${OBJECTS_PER_APP} objects (VmRSS; peak = VmHWM)`, ['process', `with ${count} apps`, `peak`, 'idle (0 apps)', 'bare node (same run)'], [
      ['flotilla-agent', format(agent.rssMB, 'MB'), format(agent.peakMB, 'MB'), format(idleAgent.rssMB, 'MB'), format(bare, 'MB')],
      ['flotilla-hub (Node process)', format(hub.rssMB, 'MB'), format(hub.peakMB, 'MB'), format(idleHub.rssMB, 'MB'), format(bare, 'MB')],
    ]);
    console.log(`   for reference, node with only @kubernetes/client-node imported: ${format(withClient, 'MB')}`);
    result.figures.push(
      { metric: `agent RSS, ${count} apps (${count * OBJECTS_PER_APP} objects)`, unit: 'MB', flotilla: agent.rssMB, baseline: bare, baselineLabel: 'bare node', argo: '264–369 MB (app controller)', target: '< 80 MB', met: agent.rssMB < 80 },
      { metric: `agent peak RSS, ${count} apps (${count * OBJECTS_PER_APP} objects)`, unit: 'MB', flotilla: agent.peakMB, baseline: bare, baselineLabel: 'bare node', argo: '—', target: '—' },
      { metric: `hub RSS, ${count} apps`, unit: 'MB', flotilla: hub.rssMB, baseline: bare, baselineLabel: 'bare node', argo: '—', target: '—' },
    );
  });
}
