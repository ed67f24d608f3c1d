// `npm run cluster:up -- --clusters N` starts N clusters that outlive the command and records their
// pids; `npm run cluster:down` stops exactly those pids. For people and the demo; tests use index.ts.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startClusters } from './index.ts';
import { isAlive, stopPid } from './processes.ts';

interface UpState {
  dir: string;
  pids: number[];
  clusters: { name: string; server: string; kubeconfig: string }[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    clusters: { type: 'string', default: '2' },
    dir: { type: 'string', default: resolve('.flotilla', 'clusters') },
  },
});
const dir = resolve(values.dir);
const stateFile = join(dir, 'state.json');

function readState(): UpState | undefined {
  return existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as UpState) : undefined;
}

function printClusters(state: UpState): void {
  for (const c of state.clusters) console.log(`cluster ${c.name} KUBECONFIG=${c.kubeconfig}`);
}

async function up(): Promise<void> {
  const count = Number(values.clusters);
  if (!Number.isInteger(count) || count < 1 || count > 10) throw new Error(`--clusters takes a whole number from 1 to 10, not ${values.clusters}`);
  const previous = readState();
  if (previous && previous.pids.some(isAlive)) {
    console.log(`clusters already up in ${dir} (npm run cluster:down stops them):`);
    printClusters(previous);
    return;
  }
  rmSync(dir, { recursive: true, force: true });
  const started = Date.now();
  console.log(`starting ${count} cluster(s) in ${dir} ...`);
  const set = await startClusters({ count, dir, detached: true });
  const state: UpState = {
    dir,
    pids: [set.etcd.proc.pid, ...set.clusters.flatMap((c) => c.procs.map((p) => p.pid))],
    clusters: set.clusters.map((c) => ({ name: c.name, server: c.server, kubeconfig: c.kubeconfigPath })),
  };
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
  console.log(`${count} cluster(s) up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  printClusters(state);
}

async function down(): Promise<void> {
  const state = readState();
  if (!state) {
    console.log(`no clusters recorded in ${stateFile}`);
    return;
  }
  // Control planes first, etcd (the first pid) last.
  await Promise.all(state.pids.slice(1).map((pid) => stopPid(pid, 2000)));
  await stopPid(state.pids[0]!, 2000);
  rmSync(dir, { recursive: true, force: true });
  console.log(`stopped ${state.clusters.length} cluster(s) (${state.pids.length} processes)`);
}

const command = positionals[0];
try {
  if (command === 'up') await up();
  else if (command === 'down') await down();
  else throw new Error(`usage: cli.ts up [--clusters N] [--dir DIR] | down [--dir DIR]`);
} catch (error) {
  console.error(`cluster ${command ?? ''}: ${(error as Error).message}`);
  process.exitCode = 1;
}
