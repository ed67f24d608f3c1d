// Argo CD's AppProject rules beyond the CRD schema (AppProject.ValidateProject): no '!*' wildcards,
// no duplicate destinations/repos/roles/policies/windows, role names, Casbin policy shape, sync window
// kind/schedule/duration/targets and destination service accounts.
import { joinPath, type FieldError } from './field-errors.ts';
import { asArray, asRecord, isGoDuration, nonEmpty } from './checks.ts';

const ROLE_NAME = /^[a-zA-Z0-9]([-_a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const PROJECT_RESOURCES = new Set(['applications', 'applicationsets', 'repositories', 'exec', 'logs', 'clusters']);
const CRON_FIELD = /^[\w*?,/-]+$/;
const SERVICE_ACCOUNT_DISALLOWED = /[!*[\]{}\\/]/;

/** Escapes a string for literal use inside a RegExp. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Why a Casbin policy line is not valid for this project role, or undefined. */
function policyProblem(project: string, role: string, policy: string): string | undefined {
  const parts = policy.split(',').map((p) => p.trim());
  if (parts.length !== 6 || parts[0] !== 'p') return "must have the form 'p, sub, res, act, obj, eft'";
  const [, subject, resource, , object, effect] = parts as [string, string, string, string, string, string];
  if (subject !== `proj:${project}:${role}`) return `policy subject must be 'proj:${project}:${role}', not '${subject}'`;
  if (!PROJECT_RESOURCES.has(resource)) {
    return `resource must be one of ${[...PROJECT_RESOURCES].join(', ')}, not '${resource}'`;
  }
  if (!new RegExp(`^${escapeRegExp(project)}(/[*\\w.-]+)?/[*\\w.-]+$`).test(object)) {
    return `object must be of the form '${project}/*', '${project}/<APPNAME>' or '${project}/<NAMESPACE>/<APPNAME>', not '${object}'`;
  }
  if (effect !== 'allow' && effect !== 'deny') return `effect must be 'allow' or 'deny', not '${effect}'`;
  return undefined;
}

/** Why a role group name is invalid (unquoted comma, empty, control characters), or undefined. */
function groupProblem(group: string): string | undefined {
  let name = group.trim();
  if (name.length > 1 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1);
  else if (name.includes(',')) return 'a group containing a comma must be quoted';
  if (name === '') return 'must not be empty';
  if (/["\n\r\t]/.test(name)) return 'contains invalid characters';
  return undefined;
}

/** Why a sync window schedule is not a 5-field cron expression, or undefined. */
function scheduleProblem(schedule: string): string | undefined {
  const fields = schedule.trim().replace(/^(CRON_)?TZ=\S+\s+/, '').split(/\s+/);
  if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
    return `must be a 5-field cron expression such as "0 22 * * *" (got ${JSON.stringify(schedule)})`;
  }
  return undefined;
}

/** Reports a string list entry that repeats an earlier one. */
function duplicateErrors(list: unknown[], at: string, what: string): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  list.forEach((item, index) => {
    if (typeof item !== 'string') return;
    if (seen.has(item)) errors.push({ path: joinPath(at, index), message: `duplicate ${what} ${JSON.stringify(item)}` });
    seen.add(item);
  });
  return errors;
}

/** Destination, source repo and namespace rules. */
function scopeErrors(spec: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const destinations = new Set<string>();
  asArray(spec.destinations).forEach((item, index) => {
    const dest = asRecord(item);
    if (dest === undefined) return;
    const at = `spec.destinations[${index}]`;
    for (const key of ['name', 'server', 'namespace'] as const) {
      if (dest[key] === '!*') errors.push({ path: `${at}.${key}`, message: "'!*' is not allowed (it would match nothing)" });
    }
    const server = nonEmpty(dest.server);
    const key = `${server ?? nonEmpty(dest.name) ?? ''}/${String(dest.namespace ?? '')}`;
    if (destinations.has(key)) errors.push({ path: at, message: `duplicate destination '${key}'` });
    destinations.add(key);
  });
  const repos = asArray(spec.sourceRepos);
  repos.forEach((repo, index) => {
    if (repo === '!*') errors.push({ path: `spec.sourceRepos[${index}]`, message: "'!*' is not allowed (it would match nothing)" });
  });
  errors.push(...duplicateErrors(repos, 'spec.sourceRepos', 'source repository'));
  errors.push(...duplicateErrors(asArray(spec.sourceNamespaces), 'spec.sourceNamespaces', 'source namespace'));
  return errors;
}

/** Role rules: names valid and unique, policies well-formed and unique, groups valid and unique. */
function roleErrors(project: string, spec: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  asArray(spec.roles).forEach((item, index) => {
    const role = asRecord(item);
    if (role === undefined || typeof role.name !== 'string') return;
    const at = `spec.roles[${index}]`;
    if (names.has(role.name)) errors.push({ path: `${at}.name`, message: `duplicate role "${role.name}"` });
    names.add(role.name);
    if (!ROLE_NAME.test(role.name)) {
      errors.push({ path: `${at}.name`, message: "must consist of letters, digits, '-' or '_', starting and ending with a letter or digit" });
    }
    const policies = asArray(role.policies);
    policies.forEach((policy, k) => {
      if (typeof policy !== 'string') return;
      const problem = policyProblem(project, role.name as string, policy);
      if (problem !== undefined) errors.push({ path: `${at}.policies[${k}]`, message: `invalid policy rule: ${problem}` });
    });
    errors.push(...duplicateErrors(policies, `${at}.policies`, 'policy'));
    const groups = asArray(role.groups);
    groups.forEach((group, k) => {
      if (typeof group !== 'string') return;
      const problem = groupProblem(group);
      if (problem !== undefined) errors.push({ path: `${at}.groups[${k}]`, message: problem });
    });
    errors.push(...duplicateErrors(groups, `${at}.groups`, 'group'));
  });
  return errors;
}

/** Sync window rules: valid schedule and duration, at least one target, no duplicate windows. */
function windowErrors(spec: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  asArray(spec.syncWindows).forEach((item, index) => {
    const window = asRecord(item);
    if (window === undefined) return;
    const at = `spec.syncWindows[${index}]`;
    if (typeof window.schedule === 'string') {
      const problem = scheduleProblem(window.schedule);
      if (problem !== undefined) errors.push({ path: `${at}.schedule`, message: problem });
    }
    if (typeof window.duration === 'string' && !isGoDuration(window.duration)) {
      errors.push({ path: `${at}.duration`, message: `must be a duration such as "1h" or "30m" (got ${JSON.stringify(window.duration)})` });
    }
    const targets = ['applications', 'namespaces', 'clusters'].some((key) => asArray(window[key]).length > 0);
    if (!targets) errors.push({ path: at, message: 'must list at least one of applications, namespaces or clusters' });
    const identity = JSON.stringify([window.kind, window.schedule, window.duration, window.applications, window.namespaces,
      window.clusters, window.timeZone ?? 'UTC', window.andOperator ?? false]);
    if (seen.has(identity)) errors.push({ path: at, message: 'duplicate sync window (same kind, schedule, duration and targets)' });
    seen.add(identity);
  });
  return errors;
}

/** destinationServiceAccounts rules: no '!' patterns, a plain service account name, no duplicates. */
function serviceAccountErrors(spec: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  asArray(spec.destinationServiceAccounts).forEach((item, index) => {
    const entry = asRecord(item);
    if (entry === undefined) return;
    const at = `spec.destinationServiceAccounts[${index}]`;
    for (const key of ['server', 'namespace'] as const) {
      const value = entry[key];
      if (typeof value === 'string' && value.includes('!')) errors.push({ path: `${at}.${key}`, message: "must not contain '!'" });
    }
    const account = entry.defaultServiceAccount;
    if (typeof account === 'string' && (account.trim() === '' || SERVICE_ACCOUNT_DISALLOWED.test(account))) {
      errors.push({ path: `${at}.defaultServiceAccount`, message: `must be a service account name without any of !*[]{}\\/ (got ${JSON.stringify(account)})` });
    }
    const key = `${String(entry.server)}/${String(entry.namespace ?? '')}`;
    if (seen.has(key)) errors.push({ path: at, message: `duplicate destination service account for '${key}'` });
    seen.add(key);
  });
  return errors;
}

/** All Argo CD rules on an AppProject beyond its schema; tolerant of shapes the schema already rejected. */
export function appProjectRuleErrors(project: Record<string, unknown>): FieldError[] {
  const spec = asRecord(project.spec);
  if (spec === undefined) return [];
  const name = asRecord(project.metadata)?.name;
  return [
    ...scopeErrors(spec),
    ...roleErrors(typeof name === 'string' ? name : '', spec),
    ...windowErrors(spec),
    ...serviceAccountErrors(spec),
  ];
}
