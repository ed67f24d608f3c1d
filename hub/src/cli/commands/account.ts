// `flotilla account update-password`: changes the logged-in account's password (the hub ends its
// other sessions; this one stays logged in).
import type { Command } from 'commander';
import { clientOf, print, secretOrPrompt } from '../kit.ts';

/** Adds `account update-password`. */
export function registerAccount(program: Command): void {
  const account = program.command('account').description('manage your account');
  account
    .command('update-password')
    .description("change the logged-in account's password")
    .option('--current-password <password>', 'the current password (asked for on a terminal when left out)')
    .option('--new-password <password>', 'the new password, 8 characters or more (asked for on a terminal when left out)')
    .action(async (opts: { currentPassword?: string; newPassword?: string }, cmd: Command) => {
      const client = clientOf(cmd);
      const currentPassword = await secretOrPrompt(opts.currentPassword, '--current-password', 'current password: ');
      const newPassword = await secretOrPrompt(opts.newPassword, '--new-password', 'new password: ');
      await client.request('PUT', '/api/v1/account/password', { body: { currentPassword, newPassword } });
      print('password updated');
    });
}
