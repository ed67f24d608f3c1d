// The edits behind `flotilla proj role ...`, as Argo CD's `argocd proj role` makes them: add or
// remove a role, a policy line (`p, proj:<project>:<role>, <resource>, <action>, <project>/<object>,
// <allow|deny>`) or an SSO group. Each takes a project spec and answers the changed copy, or throws
// a CliError saying what is missing or already there; the hub validates the result. Pure.
import { CliError } from '../errors.ts';

/** A project role as the spec holds it. */
export interface RoleSpec {
  name: string;
  description?: string;
  policies?: string[];
  groups?: string[];
  jwtTokens?: unknown[];
}

/** The part of a project spec these edits touch. */
export interface RolesSpec {
  roles?: RoleSpec[];
  [key: string]: unknown;
}

/** What `add-policy` / `remove-policy` are given (Argo CD's flags and defaults). */
export interface PolicyFlags {
  action: string;
  object: string;
  permission?: string;
  resource?: string;
}

/** The policy line a role gets for these flags. */
export function policyLine(project: string, role: string, flags: PolicyFlags): string {
  return `p, proj:${project}:${role}, ${flags.resource ?? 'applications'}, ${flags.action}, ${project}/${flags.object}, ${flags.permission ?? 'allow'}`;
}

/** Policy lines compare without the spaces around their commas. */
const samePolicy = (a: string, b: string) => a.split(',').map((p) => p.trim()).join(',') === b.split(',').map((p) => p.trim()).join(',');

function withRole(spec: RolesSpec, project: string, role: string, edit: (r: RoleSpec) => RoleSpec): RolesSpec {
  const roles = spec.roles ?? [];
  const index = roles.findIndex((r) => r.name === role);
  if (index < 0) throw new CliError(`project ${project} has no role ${role} (roles: ${roles.map((r) => r.name).join(', ') || 'none'})`);
  return { ...spec, roles: roles.map((r, i) => (i === index ? edit(r) : r)) };
}

/** Adds a role (refused when one of that name exists). */
export function addRole(spec: RolesSpec, project: string, role: string, description?: string): RolesSpec {
  if ((spec.roles ?? []).some((r) => r.name === role)) throw new CliError(`project ${project} already has a role ${role}`);
  return { ...spec, roles: [...(spec.roles ?? []), { name: role, ...(description ? { description } : {}) }] };
}

/** Removes a role. */
export function removeRole(spec: RolesSpec, project: string, role: string): RolesSpec {
  const edited = withRole(spec, project, role, (r) => r);
  return { ...edited, roles: edited.roles!.filter((r) => r.name !== role) };
}

/** Adds a policy line to a role (refused when it has it). */
export function addPolicy(spec: RolesSpec, project: string, role: string, flags: PolicyFlags): RolesSpec {
  const line = policyLine(project, role, flags);
  return withRole(spec, project, role, (r) => {
    if ((r.policies ?? []).some((p) => samePolicy(p, line))) throw new CliError(`role ${role} already has the policy "${line}"`);
    return { ...r, policies: [...(r.policies ?? []), line] };
  });
}

/** Removes a policy line from a role (refused when it has none such). */
export function removePolicy(spec: RolesSpec, project: string, role: string, flags: PolicyFlags): RolesSpec {
  const line = policyLine(project, role, flags);
  return withRole(spec, project, role, (r) => {
    const kept = (r.policies ?? []).filter((p) => !samePolicy(p, line));
    if (kept.length === (r.policies ?? []).length) throw new CliError(`role ${role} has no policy "${line}"`);
    return { ...r, policies: kept };
  });
}

/** Adds an SSO group to a role (refused when it has it). */
export function addGroup(spec: RolesSpec, project: string, role: string, group: string): RolesSpec {
  return withRole(spec, project, role, (r) => {
    if ((r.groups ?? []).includes(group)) throw new CliError(`role ${role} already has the group ${group}`);
    return { ...r, groups: [...(r.groups ?? []), group] };
  });
}

/** Removes an SSO group from a role (refused when it has none such). */
export function removeGroup(spec: RolesSpec, project: string, role: string, group: string): RolesSpec {
  return withRole(spec, project, role, (r) => {
    if (!(r.groups ?? []).includes(group)) throw new CliError(`role ${role} has no group ${group}`);
    return { ...r, groups: (r.groups ?? []).filter((g) => g !== group) };
  });
}
