// Runs one render tool (helm, kustomize, jsonnet) as a child process, bounded: a wall-time limit
// (the process group is killed), a limit on standard output (the run is cut off past it), and
// standard error kept for the condition message; standard output can also be read as it arrives.
// No shell: arguments go to the binary as they are.
import { spawn } from 'node:child_process';
import type { RenderBounds } from './types.ts';

/** How a tool run ended. */
export type ToolRun =
  | { ok: true; stdout: string; stderr: string }
  | { ok: false; reason: 'exit' | 'timeout' | 'output' | 'spawn'; message: string; stderr: string };

/** Options of one run. */
export interface ToolRunOptions {
  cwd: string;
  env?: Record<string, string>;
  bounds: RenderBounds;
  /** Written to the tool's standard input, if given. */
  input?: string;
  /** Also given each chunk of standard output as it arrives, within the output bound, until the run ends (must not throw). */
  onStdout?: (chunk: Buffer) => void;
}

const MAX_STDERR_BYTES = 64 * 1024;

/** Runs `binary args…` in `cwd` within the bounds; never throws. */
export function runTool(binary: string, args: string[], options: ToolRunOptions): Promise<ToolRun> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let ended: ToolRun | undefined;
    const child = spawn(binary, args, {
      cwd: options.cwd,
      // A minimal environment: the tool sees no hub secrets (FLOTILLA_SECRET_KEY, DATABASE_URL).
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.cwd, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const stop = (run: ToolRun) => {
      if (ended) return;
      ended = run;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => stop({ ok: false, reason: 'timeout', message: `timed out after ${Math.round(options.bounds.timeoutMs / 1000)} s`, stderr: text(err) }), options.bounds.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > options.bounds.maxOutputBytes) return stop({ ok: false, reason: 'output', message: `wrote more than ${options.bounds.maxOutputBytes} bytes of output`, stderr: text(err) });
      out.push(chunk);
      if (!ended) options.onStdout?.(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errBytes < MAX_STDERR_BYTES) err.push(chunk);
      errBytes += chunk.length;
    });
    child.stdin.on('error', () => {}); // a tool that exits before reading its input
    child.stdin.end(options.input ?? '');
    child.on('error', (error) => {
      clearTimeout(timer);
      ended ??= { ok: false, reason: 'spawn', message: `could not run ${binary}: ${error.message}`, stderr: '' };
      resolve(ended);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (!ended) {
        ended = code === 0
          ? { ok: true, stdout: Buffer.concat(out).toString('utf8'), stderr: text(err) }
          : { ok: false, reason: 'exit', message: `exited with ${code ?? signal}`, stderr: text(err) };
      }
      resolve(ended);
    });
  });
}

function text(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_STDERR_BYTES).trim();
}
