// `flotilla proj role create-token|list-tokens|delete-token`: JWTs of project roles (Argo CD's
// `argocd proj role create-token`). Added to the `proj role` group, made here if `proj` has none.
import type { Command } from 'commander';
import { clientOf, formatOf, outputOption, print } from '../kit.ts';
import { renderObject } from '../output.ts';
import { tokenTable, type AccountView } from './account.ts';

const rolePath = (project: string, role: string) => `/api/v1/projects/${encodeURIComponent(project)}/roles/${encodeURIComponent(role)}/token`;

/** The `proj role` group of the program's `proj` command (made when missing). */
function roleGroup(program: Command): Command {
  const proj = program.commands.find((c) => c.name() === 'proj') ?? program.command('proj').description('manage projects');
  return proj.commands.find((c) => c.name() === 'role') ?? proj.command('role').description('manage project roles');
}

/** Adds `proj role create-token|list-tokens|delete-token` (call after registerProj). */
export function registerProjRoleTokens(program: Command): void {
  const role = roleGroup(program);

  role.command('create-token').description("issue a JWT for a project role (printed once)").argument('<project>').argument('<role>')
    .option('--expires-in <duration>', 'lifetime, e.g. 90m, 24h, 7d (default: never expires)')
    .option('--id <id>', 'the token id, its jti (default: a random UUID)')
    .action(async (project: string, name: string, opts: { expiresIn?: string; id?: string }, cmd: Command) => {
      const body = { ...(opts.expiresIn ? { expiresIn: opts.expiresIn } : {}), ...(opts.id ? { id: opts.id } : {}) };
      const { body: issued } = await clientOf(cmd).request<{ token: string }>('POST', rolePath(project, name), { body });
      print(issued.token);
    });

  role.command('list-tokens').description("list a project role's tokens (ids and times)").argument('<project>').argument('<role>').addOption(outputOption())
    .action(async (project: string, name: string, opts: { output?: string }, cmd: Command) => {
      const { items } = await clientOf(cmd).get<{ items: AccountView['tokens'] }>(rolePath(project, name));
      const format = formatOf(opts);
      print(format === 'json' || format === 'yaml' ? renderObject(items, format) : tokenTable(items));
    });

  role.command('delete-token').description("revoke a project role's token by id (refused at once on every hub replica)").argument('<project>').argument('<role>').argument('<id>')
    .action(async (project: string, name: string, id: string, _opts: unknown, cmd: Command) => {
      await clientOf(cmd).request('DELETE', `${rolePath(project, name)}/${encodeURIComponent(id)}`);
      print(`token '${id}' of role '${name}' in project '${project}' deleted`);
    });
}
