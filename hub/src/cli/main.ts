// `flotilla`: wires the command groups into one commander program and reports errors: a failure
// prints `error: <message>` (and the hub's field issues) and exits 1, a usage error exits 2.
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { CliError, ExitStatus, formatError } from './errors.ts';
import { registerLogin } from './commands/login.ts';
import { registerAdmin } from './commands/admin.ts';
import { registerCluster } from './commands/cluster.ts';
import { registerRepo } from './commands/repo.ts';
import { registerApp } from './commands/app.ts';
import { registerProj } from './commands/proj.ts';
import { registerAccount } from './commands/account.ts';
import { registerProjRoleTokens } from './commands/proj-role-tokens.ts';
import { registerAudit } from './commands/audit.ts';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The whole command tree (settings given before the subcommands are inherited by them). */
export function buildProgram(): Command {
  const program = new Command('flotilla')
    .description('Flotilla: GitOps continuous delivery for fleets of Kubernetes clusters')
    .version(version, '--version', 'print the CLI version')
    .option('--server <url>', 'hub URL (overrides $FLOTILLA_SERVER and the config file)')
    .option('--auth-token <token>', 'session token (overrides $FLOTILLA_AUTH_TOKEN and the config file)')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true });
  registerLogin(program);
  registerAdmin(program);
  registerCluster(program);
  registerRepo(program);
  registerApp(program);
  registerProj(program);
  registerProjRoleTokens(program);
  registerAccount(program);
  registerAudit(program);
  return program;
}

/** Runs the CLI on argv; answers the exit code (0 ok, 1 failure, 2 usage error). */
export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    // Commander has already printed its own message (or the help / version).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ExitStatus) return error.exitCode;
    process.stderr.write(formatError(error));
    if (!(error instanceof CliError) && process.env.FLOTILLA_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

// `flotilla … | head` closes stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.exitCode = await run(process.argv);
