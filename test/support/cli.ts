// Running the `flotilla` CLI in tests exactly as a user does: `hub/bin/flotilla.js` as a child
// process from the repo root, with its own config file and none of the caller's overrides.
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { recordSecret, recordSecretsInText } from './secret-ledger.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** What a finished run gave. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A running `flotilla ARGS`: its result once it exits, and a wait for its stdout to match. */
export interface Started {
  done: Promise<Run>;
  printed(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/** Starts `flotilla ARGS` from the repo root with the given config file. */
export function startCli(config: string, args: string[], input?: string): Started {
  const env: NodeJS.ProcessEnv = { ...process.env, FLOTILLA_CONFIG: config };
  delete env.FLOTILLA_SERVER;
  delete env.FLOTILLA_AUTH_TOKEN;
  // Passwords and tokens given as flags, and tokens the CLI prints, join the suite's secret ledger.
  args.forEach((arg, i) => {
    if (/^--[\w-]*(password|token|secret)$/.test(arg)) recordSecret(`cli ${arg}`, args[i + 1]);
  });
  let stdout = '';
  const done = new Promise<Run>((resolve) => {
    const child = execFile(process.execPath, ['hub/bin/flotilla.js', ...args], { cwd: root, env, timeout: 60_000 }, (error, out, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      recordSecretsInText('cli output', out);
      resolve({ code, stdout: out, stderr });
    });
    child.stdout?.on('data', (chunk: Buffer | string) => (stdout += chunk.toString()));
    child.stdin?.end(input ?? '');
  });
  let exited = false;
  void done.then(() => (exited = true));
  return {
    done,
    async printed(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stdout)) {
        if (exited || Date.now() > deadline) throw new Error(`flotilla ${args.join(' ')} did not print ${pattern}; it printed:\n${stdout}`);
        await sleep(20);
      }
    },
  };
}

/** Runs `flotilla ARGS` to the end. */
export const runCli = (config: string, args: string[], input?: string): Promise<Run> => startCli(config, args, input).done;
