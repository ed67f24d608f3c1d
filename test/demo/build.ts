// The cluster binaries' build as `npm run demo` runs it: test/cluster/build-tools.sh in the
// background (its whole output in a log file), its progress on the demo's status line, per binary
// with elapsed times, while the hub starts and waits. A build that fails says so with its last lines.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { BUILD_STARTED, describeBuild, readBuildLine } from './build-progress.ts';
import type { StatusLine } from './status-line.ts';

const script = new URL('../cluster/build-tools.sh', import.meta.url).pathname;

/** A running build. */
export interface Build {
  /** Resolves when every binary is there; rejects with the build's last lines when it fails. */
  done: Promise<void>;
  /** Stops the build (its whole process group: bash and the go processes under it). */
  stop(): void;
}

/** Starts the build, logging to logFile and showing progress through term. */
export function startBuild(logFile: string, term: StatusLine, say: (line: string) => void): Build {
  const started = Date.now();
  const log = createWriteStream(logFile);
  // Its own process group, so that stop() reaches the go processes too.
  const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let state = BUILD_STARTED;
  const last: string[] = [];
  const read = (line: string) => {
    log.write(`${line}\n`);
    last.push(line);
    if (last.length > 8) last.shift();
    const next = readBuildLine(state, line, Date.now());
    state = next.state;
    if (next.say) say(`build: ${next.say}`);
  };
  createInterface({ input: child.stdout }).on('line', read);
  createInterface({ input: child.stderr }).on('line', read);
  const ticker = setInterval(() => term.show(describeBuild(state, Date.now(), started)), 1000);
  const stop = () => {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.once('exit', stop);
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`could not run ${script}: ${error.message}`)));
    child.once('close', (code, signal) => {
      clearInterval(ticker);
      term.clear();
      process.removeListener('exit', stop);
      log.end();
      if (code === 0) {
        say(`build: ${describeBuild({ ...state, done: true }, Date.now(), started)}`);
        resolve();
      } else {
        reject(new Error(`the cluster binaries' build failed (${code ?? signal}); its last lines (all of it in ${logFile}):\n  ${last.join('\n  ')}`));
      }
    });
  });
  return { done, stop };
}
