// AppProject roles as RBAC rules (pure): each role in spec.roles is the subject
// `proj:<project>:<role>`; its `policies` are policy.csv lines that may only name that subject and
// objects inside the project (`<project>/…`), as Argo CD requires; its `groups` become
// `g, <group>, proj:<project>:<role>`. A bad line is an issue naming the project and role.
import { parsePolicy, type PolicyIssue, type PolicyRule } from './policy.ts';

/** What this module reads of an AppProject. */
export interface ProjectRolesInput {
  name: string;
  spec: { roles?: { name?: unknown; policies?: unknown; groups?: unknown }[] } | Record<string, unknown>;
}

/** The rules a project's roles give, with where each came from, and the lines refused. */
export interface ProjectRoleRules {
  rules: (PolicyRule & { source: string })[];
  issues: (PolicyIssue & { project: string; role: string })[];
}

/** The RBAC subject of a project role. */
export function projectRoleSubject(project: string, role: string): string {
  return `proj:${project}:${role}`;
}

function roleIssue(rule: PolicyRule, project: string, subject: string): string | undefined {
  if (rule.kind !== 'p') return 'a project role policy is a p line';
  if (rule.subject !== subject) return `the subject must be ${subject}, not ${rule.subject}`;
  if (!rule.object.startsWith(`${project}/`)) return `the object must be inside the project (${project}/…), not ${rule.object}`;
  return undefined;
}

/** Validates one role's policy lines (what the projects API checks on write). */
export function validateRolePolicies(project: string, role: string, policies: string[]): PolicyIssue[] {
  const subject = projectRoleSubject(project, role);
  const { rules, issues } = parsePolicy(policies.join('\n'));
  for (const rule of rules) {
    const message = roleIssue(rule, project, subject);
    if (message) issues.push({ line: rule.line, message });
  }
  return issues.sort((a, b) => a.line - b.line);
}

/** The rules of every role of these projects (pure); refused lines are left out and reported. */
export function projectRoleRules(projects: ProjectRolesInput[]): ProjectRoleRules {
  const out: ProjectRoleRules = { rules: [], issues: [] };
  for (const project of projects) {
    const roles = Array.isArray((project.spec as { roles?: unknown }).roles) ? ((project.spec as { roles: unknown[] }).roles as { name?: unknown; policies?: unknown; groups?: unknown }[]) : [];
    for (const role of roles) {
      if (typeof role?.name !== 'string' || role.name === '') continue;
      const subject = projectRoleSubject(project.name, role.name);
      const policies = Array.isArray(role.policies) ? role.policies.filter((p): p is string => typeof p === 'string') : [];
      const issues = validateRolePolicies(project.name, role.name, policies);
      for (const issue of issues) out.issues.push({ ...issue, project: project.name, role: role.name });
      const bad = new Set(issues.map((i) => i.line));
      const source = `project ${project.name} role ${role.name}`;
      for (const rule of parsePolicy(policies.join('\n')).rules) if (!bad.has(rule.line)) out.rules.push({ ...rule, source });
      const groups = Array.isArray(role.groups) ? role.groups.filter((g): g is string => typeof g === 'string' && g !== '') : [];
      for (const group of groups) out.rules.push({ kind: 'g', subject: group, role: subject, line: 0, source });
    }
  }
  return out;
}
