// `flotilla admin initial-password`: reads the admin's first password from the hub's data
// directory on this machine (it is there until the password is changed).
import type { Command } from 'commander';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readInitialPassword } from '../../store/accounts.ts';
import { CliError } from '../errors.ts';
import { print } from '../kit.ts';
import { registerAdminRbac } from './admin-rbac.ts';

/** The hub's default data directory, as `flotilla-hub` picks it. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLOTILLA_DATA_DIR ?? join(homedir(), '.local', 'share', 'flotilla', 'hub');
}

/** Adds `admin initial-password` and `admin rbac …`. */
export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('administer the hub on this machine');
  admin
    .command('initial-password')
    .description("print the admin account's initial password (read from the hub's data directory)")
    .option('--data-dir <dir>', 'the hub data directory (default: $FLOTILLA_DATA_DIR or ~/.local/share/flotilla/hub)')
    .action((opts: { dataDir?: string }) => {
      const dir = resolve(opts.dataDir ?? defaultDataDir());
      const password = readInitialPassword(dir);
      if (password === undefined) throw new CliError(`the initial admin password was changed or the hub has not started in ${dir}`);
      print(password);
    });
  registerAdminRbac(admin);
}
