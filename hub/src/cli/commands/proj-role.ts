// `flotilla proj role create|delete|list|get|add-policy|remove-policy|add-group|remove-group`:
// edit a project's roles as Argo CD's `argocd proj role` does, by reading the project, changing its
// spec (proj-role-edit.ts) and replacing it; the hub validates the result (policy shape, groups).
// `proj role create-token|list-tokens|delete-token` join this group from proj-role-tokens.ts.
import type { Command } from 'commander';
import { clientOf, formatOf, outputOption, print } from '../kit.ts';
import { renderKeyValues, renderList, renderObject, type Column } from '../output.ts';
import type { ApiClient } from '../client.ts';
import { CliError } from '../errors.ts';
import { addGroup, addPolicy, addRole, removeGroup, removePolicy, removeRole, type PolicyFlags, type RoleSpec, type RolesSpec } from './proj-role-edit.ts';
import type { ProjectView } from './proj.ts';

const projectPath = (name: string) => `/api/v1/projects/${encodeURIComponent(name)}`;

/** Reads a project, applies an edit to its spec and replaces it. */
async function editProject(client: ApiClient, project: string, edit: (spec: RolesSpec) => RolesSpec): Promise<void> {
  const current = await client.get<ProjectView & { apiVersion: string; kind: string; metadata: Record<string, unknown> }>(projectPath(project));
  const { creationTimestamp: _created, ...metadata } = current.metadata;
  await client.request('PUT', projectPath(project), { body: { apiVersion: current.apiVersion, kind: current.kind, metadata, spec: edit(current.spec as RolesSpec) } });
}

/** The columns of `proj role list`. */
export const roleColumns: Column<RoleSpec>[] = [
  { header: 'role-name', value: (r) => r.name },
  { header: 'description', value: (r) => r.description ?? '' },
  { header: 'policies', value: (r) => String(r.policies?.length ?? 0), wide: true },
  { header: 'groups', value: (r) => (r.groups ?? []).join(',') || '<none>', wide: true },
];

const policyOptions = (command: Command) => command
  .requiredOption('-a, --action <action>', 'the action: get, create, update, delete, sync, override, action/...')
  .option('-o, --object <object>', 'the application (glob) inside the project', '*')
  .option('-p, --permission <permission>', 'allow or deny', 'allow')
  .option('-r, --resource <resource>', 'the resource: applications, applicationsets, repositories, clusters, logs, exec', 'applications');

/** Adds the `proj role` group and its editing commands to `proj`. */
export function registerProjRole(proj: Command): Command {
  const role = proj.command('role').description('manage project roles (policies, SSO groups, tokens)');

  role.command('create').description('add a role to a project').argument('<project>').argument('<role>')
    .option('--description <text>', 'what the role is for')
    .action(async (project: string, name: string, opts: { description?: string }, cmd: Command) => {
      await editProject(clientOf(cmd), project, (spec) => addRole(spec, project, name, opts.description));
      print(`role '${name}' created in project '${project}'`);
    });

  role.command('delete').description('remove a role from a project').argument('<project>').argument('<role>')
    .action(async (project: string, name: string, _opts: unknown, cmd: Command) => {
      await editProject(clientOf(cmd), project, (spec) => removeRole(spec, project, name));
      print(`role '${name}' deleted from project '${project}'`);
    });

  role.command('list').description("list a project's roles").argument('<project>').addOption(outputOption())
    .action(async (project: string, opts: { output?: string }, cmd: Command) => {
      const found = await clientOf(cmd).get<ProjectView>(projectPath(project));
      print(renderList((found.spec as RolesSpec).roles ?? [], roleColumns, formatOf(opts)));
    });

  role.command('get').description('show a role: its policies and groups').argument('<project>').argument('<role>').addOption(outputOption())
    .action(async (project: string, name: string, opts: { output?: string }, cmd: Command) => {
      const found = await clientOf(cmd).get<ProjectView>(projectPath(project));
      const r = ((found.spec as RolesSpec).roles ?? []).find((x) => x.name === name);
      if (!r) throw new CliError(`project ${project} has no role ${name}`);
      const format = formatOf(opts);
      if (format === 'json' || format === 'yaml') return print(renderObject(r, format));
      print(renderKeyValues([['Role Name', r.name], ['Description', r.description ?? ''], ['Groups', (r.groups ?? []).join(', ')], ['Policies', '']]) + (r.policies ?? []).map((p) => `  ${p}\n`).join(''));
    });

  policyOptions(role.command('add-policy').description("add a policy line to a role (Argo CD's argocd proj role add-policy)").argument('<project>').argument('<role>'))
    .action(async (project: string, name: string, opts: PolicyFlags, cmd: Command) => {
      await editProject(clientOf(cmd), project, (spec) => addPolicy(spec, project, name, opts));
      print(`policy added to role '${name}' in project '${project}'`);
    });

  policyOptions(role.command('remove-policy').description('remove a policy line from a role').argument('<project>').argument('<role>'))
    .action(async (project: string, name: string, opts: PolicyFlags, cmd: Command) => {
      await editProject(clientOf(cmd), project, (spec) => removePolicy(spec, project, name, opts));
      print(`policy removed from role '${name}' in project '${project}'`);
    });

  role.command('add-group').description('bind an SSO group to a role').argument('<project>').argument('<role>').argument('<group>')
    .action(async (project: string, name: string, group: string, _opts: unknown, cmd: Command) => {
      await editProject(clientOf(cmd), project, (spec) => addGroup(spec, project, name, group));
      print(`group '${group}' added to role '${name}' in project '${project}'`);
    });

  role.command('remove-group').description('unbind an SSO group from a role').argument('<project>').argument('<role>').argument('<group>')
    .action(async (project: string, name: string, group: string, _opts: unknown, cmd: Command) => {
      await editProject(clientOf(cmd), project, (spec) => removeGroup(spec, project, name, group));
      print(`group '${group}' removed from role '${name}' in project '${project}'`);
    });

  return role;
}
