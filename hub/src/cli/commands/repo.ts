// `flotilla repo ...`: register Git repositories the hub may fetch (with HTTPS credentials for a
// private one, bound to that exact URL, scheme included; the password is sent once and never shown
// again), list and remove them. `flotilla repocreds ...`: credential templates, one username and
// password for every repository under a URL prefix (Argo CD's `argocd repocreds`).
import type { Command } from 'commander';
import { clientOf, formatOf, outputOption, print, secretOrPrompt } from '../kit.ts';
import { renderList, type Column } from '../output.ts';

/** A repository as the API answers it (never with its password). */
export interface RepositoryView {
  repo: string;
  type: string;
  username?: string;
  hasCredentials: boolean;
  createdAt: string;
}

/** The columns of `repo list`. */
export const repositoryColumns: Column<RepositoryView>[] = [
  { header: 'repo', value: (r) => r.repo },
  { header: 'type', value: (r) => r.type },
  { header: 'user', value: (r) => r.username ?? '' },
  { header: 'credentials', value: (r) => (r.hasCredentials ? 'yes' : 'no') },
  { header: 'created', value: (r) => r.createdAt, wide: true },
];

/** A credential template as the API answers it (never with its password). */
export interface RepoCredsView {
  url: string;
  username?: string;
  createdAt: string;
}

/** The columns of `repocreds list`. */
export const repoCredsColumns: Column<RepoCredsView>[] = [
  { header: 'url pattern', value: (r) => r.url },
  { header: 'user', value: (r) => r.username ?? '' },
  { header: 'created', value: (r) => r.createdAt, wide: true },
];

/** Asks for the password on a terminal when --username came without --password. */
async function passwordOf(opts: { username?: string; password?: string }, required: boolean): Promise<string | undefined> {
  if (opts.password !== undefined) return opts.password;
  if ((opts.username || required) && process.stdin.isTTY) return secretOrPrompt(undefined, '--password', `password${opts.username ? ` for ${opts.username}` : ''}: `);
  return undefined;
}

/** Adds `repo add|list|rm` and `repocreds add|list|rm`. */
export function registerRepo(program: Command): void {
  registerRepository(program);
  registerRepoCreds(program);
}

function registerRepository(program: Command): void {
  const repo = program.command('repo').description('manage the Git repositories the hub fetches');

  repo
    .command('add')
    .description('register a repository (with credentials for a private one, used for this exact URL only)')
    .argument('<url>', 'HTTP(S) Git URL')
    .option('--username <username>', 'HTTPS username')
    .option('--password <password>', 'HTTPS password or token (asked for on a terminal when --username is given without it)')
    .option('--upsert', 'update the repository when it is already registered')
    .action(async (url: string, opts: { username?: string; password?: string; upsert?: boolean }, cmd: Command) => {
      const password = await passwordOf(opts, false);
      const body = { url, ...(opts.username !== undefined ? { username: opts.username } : {}), ...(password !== undefined ? { password } : {}), ...(opts.upsert ? { upsert: true } : {}) };
      const answer = await clientOf(cmd).request<RepositoryView>('POST', '/api/v1/repositories', { body });
      print(`repository ${answer.body.repo} ${answer.status === 201 ? 'added' : 'updated'}`);
    });

  repo
    .command('list')
    .alias('ls')
    .description('list repositories')
    .addOption(outputOption())
    .action(async (opts: { output?: string }, cmd: Command) => {
      const { items } = await clientOf(cmd).get<{ items: RepositoryView[] }>('/api/v1/repositories');
      print(renderList(items, repositoryColumns, formatOf(opts)));
    });

  repo
    .command('rm')
    .alias('remove')
    .description('remove a repository')
    .argument('<url>', 'the repository URL')
    .action(async (url: string, _opts: unknown, cmd: Command) => {
      await clientOf(cmd).request('DELETE', `/api/v1/repositories/${encodeURIComponent(url)}`);
      print(`repository ${url} removed`);
    });
}

function registerRepoCreds(program: Command): void {
  const creds = program.command('repocreds').description('manage credential templates: credentials for every repository under a URL prefix');

  creds
    .command('add')
    .description('register credentials for every repository whose URL starts with this prefix (scheme and host included, up to a "/")')
    .argument('<url>', 'HTTP(S) URL prefix, e.g. https://git.example.com/team')
    .option('--username <username>', 'HTTPS username')
    .option('--password <password>', 'HTTPS password or token (asked for on a terminal when left out)')
    .option('--upsert', 'update the template when it is already registered')
    .action(async (url: string, opts: { username?: string; password?: string; upsert?: boolean }, cmd: Command) => {
      const password = await passwordOf(opts, true);
      const body = { url, ...(opts.username !== undefined ? { username: opts.username } : {}), ...(password !== undefined ? { password } : {}), ...(opts.upsert ? { upsert: true } : {}) };
      const answer = await clientOf(cmd).request<RepoCredsView>('POST', '/api/v1/repocreds', { body });
      print(`credential template ${answer.body.url} ${answer.status === 201 ? 'added' : 'updated'}`);
    });

  creds
    .command('list')
    .alias('ls')
    .description('list credential templates')
    .addOption(outputOption())
    .action(async (opts: { output?: string }, cmd: Command) => {
      const { items } = await clientOf(cmd).get<{ items: RepoCredsView[] }>('/api/v1/repocreds');
      print(renderList(items, repoCredsColumns, formatOf(opts)));
    });

  creds
    .command('rm')
    .alias('remove')
    .description('remove a credential template')
    .argument('<url>', 'the template URL prefix')
    .action(async (url: string, _opts: unknown, cmd: Command) => {
      await clientOf(cmd).request('DELETE', `/api/v1/repocreds/${encodeURIComponent(url)}`);
      print(`credential template ${url} removed`);
    });
}
