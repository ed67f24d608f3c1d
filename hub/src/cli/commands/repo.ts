// `flotilla repo ...`: register Git repositories the hub may fetch (with HTTPS credentials for a
// private one; the password is sent once and never shown again), list and remove them.
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

/** Adds `repo add|list|rm`. */
export function registerRepo(program: Command): void {
  const repo = program.command('repo').description('manage the Git repositories the hub fetches');

  repo
    .command('add')
    .description('register a repository (with credentials for a private one)')
    .argument('<url>', 'HTTP(S) Git URL')
    .option('--username <username>', 'HTTPS username')
    .option('--password <password>', 'HTTPS password or token (asked for on a terminal when --username is given without it)')
    .option('--upsert', 'update the repository when it is already registered')
    .action(async (url: string, opts: { username?: string; password?: string; upsert?: boolean }, cmd: Command) => {
      const password = opts.username && opts.password === undefined && process.stdin.isTTY
        ? await secretOrPrompt(undefined, '--password', `password for ${opts.username}: `)
        : opts.password;
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
