// `flotilla app rollback NAME [ID]` and `flotilla app terminate-op NAME`, and the wait for one
// operation that `app sync --wait` and `app rollback --wait` share: it polls the application and
// prints the operation's phase and message each time they change (the `app wait` progress line),
// then its outcome and the operation's ChangeSet (one row per task: what it did, or for a dry run
// what it would do), as `argocd app sync` prints its resource results; a Failed or Error outcome
// exits 1, as `argocd app sync` does.
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, type ApiClient } from '../client.ts';
import { CliError } from '../errors.ts';
import { clientOf, outputOption, parseNonNegativeInt, print } from '../kit.ts';
import { renderObject } from '../output.ts';
import { Progress } from './app-state.ts';
import { formatElapsed } from './app-state-view.ts';
import { describeChangeSet, operationLine, operationStatus, type OperationHolder } from './app-operation-view.ts';

const path = (name: string) => `/api/v1/applications/${encodeURIComponent(name)}`;
const POLL_MS = 300;

/** Polls until operation `id` of `name` ends (or `timeoutS` passes, 0: never); prints its progress and outcome. */
export async function waitForOperation(client: ApiClient, name: string, id: string, timeoutS: number): Promise<void> {
  const started = Date.now();
  const deadline = timeoutS > 0 ? started + timeoutS * 1000 : Infinity;
  const progress = new Progress(process.stdout);
  try {
    for (;;) {
      let app: OperationHolder | undefined;
      try {
        app = await client.get<OperationHolder>(path(name));
      } catch (error) {
        // A hub briefly unreachable is waited out; an answer of the hub (not found, forbidden) ends the wait.
        if (error instanceof ApiError || !(error instanceof CliError)) throw error;
      }
      if (app) {
        const now = operationStatus(app, id);
        const line = operationLine(now.phase, now.message);
        if (now.done) {
          progress.end();
          const changes = describeChangeSet(now.state);
          if (now.phase === 'Succeeded') return print(`operation ${id} ${line} (${formatElapsed(Date.now() - started)})${changes ? `\n\n${changes}` : ''}`);
          if (changes) print(changes);
          throw new CliError(`operation ${id} of application ${name} completed with phase ${line}`);
        }
        progress.show(`${formatElapsed(Date.now() - started)}  ${line}`, line, false);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new CliError(`timed out after ${timeoutS}s waiting for operation ${id} of application ${name}`);
      await sleep(Math.min(POLL_MS, left));
    }
  } finally {
    progress.end();
  }
}

/** Adds `app rollback` and `app terminate-op`. */
export function registerAppOperations(app: Command): void {
  app
    .command('rollback')
    .description('roll an application back to a history entry by id (the previous entry without one): its agent re-applies that bundle; refused while automated sync is on')
    .argument('<name>', 'application name')
    .argument('[id]', 'history entry id (see app history)')
    .option('--prune', 'delete resources that the entry does not have')
    .option('--dry-run', 'only check what would change')
    .option('--wait', 'wait for the operation to finish, printing its phase as it changes')
    .option('--timeout <seconds>', 'with --wait: give up after this many seconds (0: never)', parseNonNegativeInt, 300)
    .addOption(outputOption(['json', 'yaml']))
    .action(async (name: string, id: string | undefined, opts: { prune?: boolean; dryRun?: boolean; wait?: boolean; timeout: number; output?: 'json' | 'yaml' }, cmd: Command) => {
      if (id !== undefined && !/^\d+$/.test(id)) throw new CliError(`history id must be a number, not "${id}"`, { exitCode: 2 });
      const body = { ...(id !== undefined ? { id: Number(id) } : {}), ...(opts.prune ? { prune: true } : {}), ...(opts.dryRun ? { dryRun: true } : {}) };
      const client = clientOf(cmd);
      const answer = await client.request<{ operation: { id: string; revision?: string } }>('POST', `${path(name)}/rollback`, { body });
      if (opts.output) return print(renderObject(answer.body, opts.output));
      const op = answer.body.operation;
      print(`application ${name}: rollback operation ${op.id} requested${op.revision ? ` (revision ${op.revision.slice(0, 7)})` : ''}${opts.dryRun ? ' (dry run)' : ''}`);
      if (opts.wait) await waitForOperation(client, name, op.id, opts.timeout);
    });

  app
    .command('terminate-op')
    .description('terminate the running operation of an application (exit 1 when none runs)')
    .argument('<name>', 'application name')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const answer = await clientOf(cmd).request<{ operation: { id: string } }>('POST', `${path(name)}/operation/terminate`);
      print(`application ${name}: terminate operation ${answer.body.operation.id} requested`);
    });
}
