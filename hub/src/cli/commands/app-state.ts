// `flotilla app diff` and `flotilla app wait`: read the state an application's agent reported.
// diff prints what differs from Git (exit 1 when something does, like `argocd app diff`); wait
// polls until the application is synced, healthy and/or done with its operation, showing progress.
import { Option, type Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, type ApiClient } from '../client.ts';
import { CliError, ExitStatus } from '../errors.ts';
import { clientOf, parseBoolean, parseNonNegativeInt, parsePositiveInt, print } from '../kit.ts';
import { describeTargets, fitToWidth, formatElapsed, missingComparison, progressLine, renderDiff, stateLine, summaryLine, unmet, waitTargets, type WaitFor } from './app-state-view.ts';
import type { ApplicationView } from './app-view.ts';

const path = (name: string) => `/api/v1/applications/${encodeURIComponent(name)}`;

/** Prints the diff of every OutOfSync resource; exit 1 when there is one (and exitCode), 2 on any error. */
async function diffApplication(client: ApiClient, name: string, exitCode: boolean): Promise<void> {
  let a: ApplicationView;
  try {
    a = await client.get<ApplicationView>(path(name));
  } catch (error) {
    // `argocd app diff` keeps 1 for "there are differences": its errors exit 2.
    if (error instanceof CliError) throw new CliError(error.message, { issues: error.issues, exitCode: 2, cause: error });
    throw new CliError((error as Error).message, { exitCode: 2, cause: error });
  }
  const missing = missingComparison(a);
  if (missing) throw new CliError(missing, { exitCode: 2 });
  const { text, count } = renderDiff(a);
  if (text) process.stdout.write(text);
  if (count > 0 && exitCode) throw new ExitStatus(1);
}

/** Progress on stdout: on a terminal one line rewritten in place, otherwise one line per change. */
export class Progress {
  readonly #out: NodeJS.WriteStream;
  #last = '';
  #open = false;
  constructor(out: NodeJS.WriteStream) {
    this.#out = out;
  }

  /** Shows a line; `state` (the line without the clock) decides what counts as a change. */
  show(line: string, state: string, keep: boolean): void {
    if (this.#out.isTTY) {
      this.#out.write(`\r${fitToWidth(line, this.#out.columns)}\x1b[K`);
      this.#open = true;
      // A state worth keeping in the scroll-back (Degraded) is not overwritten by the next one.
      if (keep && state !== this.#last) {
        this.#out.write('\n');
        this.#open = false;
      }
    } else if (state !== this.#last) {
      this.#out.write(`${line}\n`);
    }
    this.#last = state;
  }

  /** Clears the line being rewritten, if any. */
  end(): void {
    if (this.#open) this.#out.write('\r\x1b[K');
    this.#open = false;
  }
}

/** The flags of `app wait`. */
interface WaitFlags extends Partial<WaitFor> {
  timeout: number;
  interval: number;
  degradedFail?: boolean;
}

/** Polls the application until every requested condition holds, the timeout passes, or it fails. */
async function waitForApplication(client: ApiClient, name: string, flags: WaitFlags): Promise<void> {
  const want = waitTargets(flags);
  const started = Date.now();
  const deadline = flags.timeout > 0 ? started + flags.timeout * 1000 : Infinity;
  const progress = new Progress(process.stdout);
  let current: ApplicationView | undefined;
  try {
    for (;;) {
      try {
        current = await client.get<ApplicationView>(path(name));
      } catch (error) {
        // Once the application was seen, a hub that is briefly unreachable is waited out; an answer
        // of the hub (not found, forbidden) ends the wait.
        if (current === undefined || error instanceof ApiError || !(error instanceof CliError)) throw error;
        progress.show(`${formatElapsed(Date.now() - started)}  ${error.message}`, error.message, false);
      }
      const elapsed = Date.now() - started;
      if (current && unmet(current, want).length === 0) {
        progress.end();
        return print(summaryLine(current, want, elapsed));
      }
      if (current) {
        const degraded = current.status.health.status === 'Degraded';
        progress.show(progressLine(current, elapsed), stateLine(current), degraded);
        if (degraded && flags.degradedFail) {
          const message = current.status.health.message;
          throw new CliError(`application ${name} is Degraded${message ? `: ${message}` : ''} (${stateLine(current)})`);
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const missing = current ? unmet(current, want) : undefined;
        throw new CliError(`timed out after ${flags.timeout}s waiting for ${describeTargets(want, missing)}${current ? `: ${stateLine(current)}` : ''}`);
      }
      await sleep(Math.min(flags.interval, left));
    }
  } finally {
    progress.end();
  }
}

/** Adds `app diff` and `app wait` to the `app` command. */
export function registerAppState(app: Command): void {
  app
    .command('diff')
    .description('show how the live resources differ from Git (exit 1 when they do, 2 on error)')
    .argument('<name>', 'application name')
    .addOption(new Option('--exit-code [bool]', 'exit 1 when there are differences (--exit-code=false: exit 0)').argParser(parseBoolean).default(true))
    .action(async (name: string, opts: { exitCode: boolean }, cmd: Command) => {
      await diffApplication(clientOf(cmd), name, opts.exitCode);
    });

  app
    .command('wait')
    .description('wait until an application is synced, healthy and done with its operation (all three without flags)')
    .argument('<name>', 'application name')
    .option('--sync', 'wait for sync status Synced')
    .option('--health', 'wait for health Healthy')
    .option('--operation', 'wait until no operation is pending')
    .option('--degraded-fail', 'fail at once (exit 1) when the health becomes Degraded')
    .option('--timeout <seconds>', 'give up after this many seconds (0: never)', parseNonNegativeInt, 300)
    .option('--interval <ms>', 'poll every this many milliseconds', parsePositiveInt, 500)
    .action(async (name: string, opts: WaitFlags, cmd: Command) => {
      await waitForApplication(clientOf(cmd), name, opts);
    });
}
