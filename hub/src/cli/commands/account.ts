// `flotilla account …`: local accounts and their API tokens (Argo CD's `argocd account`): list and
// get, create, enable and disable, set capabilities, change a password (one's own, or with
// --account another's, proving it with one's own), and issue and delete API tokens. Without
// --account, a command acts on the logged-in account.
import type { Command } from 'commander';
import type { ApiClient } from '../client.ts';
import { clientOf, formatOf, outputOption, print, secretOrPrompt } from '../kit.ts';
import { renderKeyValues, renderList, renderObject, renderTable, type Column } from '../output.ts';

/** An account as the API answers it. */
export interface AccountView {
  name: string;
  enabled: boolean;
  capabilities: string[];
  passwordSet: boolean;
  tokens: { id: string; issuedAt: string; expiresAt: string | null; lastUsedAt: string | null }[];
}

/** The columns of `account list`. */
export const accountColumns: Column<AccountView>[] = [
  { header: 'name', value: (a) => a.name },
  { header: 'enabled', value: (a) => String(a.enabled) },
  { header: 'capabilities', value: (a) => a.capabilities.join(', ') },
  { header: 'tokens', value: (a) => String(a.tokens.length), wide: true },
];

/** The readable view of one account with its tokens (pure). */
export function describeAccount(a: AccountView): string {
  const head = renderKeyValues([['Name', a.name], ['Enabled', String(a.enabled)], ['Capabilities', a.capabilities.join(', ')], ['Password set', String(a.passwordSet)]]);
  if (!a.tokens.length) return `${head}\nTokens: <none>\n`;
  return `${head}\nTokens:\n${tokenTable(a.tokens)}`;
}

/** Tokens as a table: id, issued, expires (never), last used (pure). */
export function tokenTable(tokens: AccountView['tokens']): string {
  return renderTable(['id', 'issued-at', 'expires-at', 'last-used-at'], tokens.map((t) => [t.id, t.issuedAt, t.expiresAt ?? 'never', t.lastUsedAt ?? '']));
}

/** The account a command acts on: --account, or the logged-in one. */
async function targetAccount(client: ApiClient, account: string | undefined): Promise<string> {
  return account ?? (await client.get<{ username: string }>('/api/v1/session/userinfo')).username;
}

const path = (name: string) => `/api/v1/account/${encodeURIComponent(name)}`;
const splitList = (value: string) => value.split(',').map((v) => v.trim()).filter(Boolean);

/** Adds `account list|get|create|update|enable|disable|update-password|generate-token|delete-token`. */
export function registerAccount(program: Command): void {
  const account = program.command('account').description('manage local accounts and their API tokens');

  account.command('list').alias('ls').description('list accounts').addOption(outputOption())
    .action(async (opts: { output?: string }, cmd: Command) => {
      const { items } = await clientOf(cmd).get<{ items: AccountView[] }>('/api/v1/account');
      print(renderList(items, accountColumns, formatOf(opts)));
    });

  account.command('get').description('show an account and its tokens').option('--account <name>', 'the account (default: the logged-in one)').addOption(outputOption())
    .action(async (opts: { account?: string; output?: string }, cmd: Command) => {
      const client = clientOf(cmd);
      const found = await client.get<AccountView>(path(await targetAccount(client, opts.account)));
      const format = formatOf(opts);
      print(format === 'json' || format === 'yaml' ? renderObject(found, format) : describeAccount(found));
    });

  account.command('create').description('create a local account').argument('<name>', 'account name')
    .option('--capabilities <list>', 'login and/or apiKey, comma-separated', 'login')
    .option('--password <password>', 'its password (none: it cannot log in until one is set)')
    .option('--disabled', 'create it disabled')
    .action(async (name: string, opts: { capabilities: string; password?: string; disabled?: boolean }, cmd: Command) => {
      const body = { name, capabilities: splitList(opts.capabilities), enabled: !opts.disabled, ...(opts.password !== undefined ? { password: opts.password } : {}) };
      await clientOf(cmd).request('POST', '/api/v1/account', { body });
      print(`account '${name}' created`);
    });

  account.command('update').description("set an account's capabilities").argument('<name>', 'account name')
    .requiredOption('--capabilities <list>', 'login and/or apiKey, comma-separated (empty: none)')
    .action(async (name: string, opts: { capabilities: string }, cmd: Command) => {
      await clientOf(cmd).request('PATCH', path(name), { body: { capabilities: splitList(opts.capabilities) } });
      print(`account '${name}' updated`);
    });

  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    account.command(verb).description(`${verb} an account (a disabled one can neither log in nor use its tokens)`).argument('<name>', 'account name')
      .action(async (name: string, _opts: unknown, cmd: Command) => {
        await clientOf(cmd).request('PATCH', path(name), { body: { enabled } });
        print(`account '${name}' ${verb}d`);
      });
  }

  account.command('update-password')
    .description("change the logged-in account's password, or with --account another's (the current password is always your own)")
    .option('--account <name>', 'the account whose password to set (default: the logged-in one)')
    .option('--current-password <password>', 'your current password (asked for on a terminal when left out)')
    .option('--new-password <password>', 'the new password, 8 characters or more (asked for on a terminal when left out)')
    .action(async (opts: { account?: string; currentPassword?: string; newPassword?: string }, cmd: Command) => {
      const client = clientOf(cmd);
      const currentPassword = await secretOrPrompt(opts.currentPassword, '--current-password', 'current password: ');
      const newPassword = await secretOrPrompt(opts.newPassword, '--new-password', 'new password: ');
      const route = opts.account === undefined ? '/api/v1/account/password' : `${path(opts.account)}/password`;
      await client.request('PUT', route, { body: { currentPassword, newPassword } });
      print('password updated');
    });

  account.command('generate-token').description('issue an API token (printed once; the account needs the apiKey capability)')
    .option('--account <name>', 'the account (default: the logged-in one)')
    .option('--expires-in <duration>', 'lifetime, e.g. 90m, 24h, 7d (default: never expires)')
    .option('--id <id>', 'the token id (default: a random UUID)')
    .action(async (opts: { account?: string; expiresIn?: string; id?: string }, cmd: Command) => {
      const client = clientOf(cmd);
      const name = await targetAccount(client, opts.account);
      const { body } = await client.request<{ token: string }>('POST', `${path(name)}/token`, { body: { ...(opts.expiresIn ? { expiresIn: opts.expiresIn } : {}), ...(opts.id ? { id: opts.id } : {}) } });
      print(body.token);
    });

  account.command('delete-token').description('revoke an API token by id (refused at once on every hub replica)').argument('<id>', 'token id')
    .option('--account <name>', 'the account (default: the logged-in one)')
    .action(async (id: string, opts: { account?: string }, cmd: Command) => {
      const client = clientOf(cmd);
      const name = await targetAccount(client, opts.account);
      await client.request('DELETE', `${path(name)}/token/${encodeURIComponent(id)}`);
      print(`token '${id}' of account '${name}' deleted`);
    });
}
