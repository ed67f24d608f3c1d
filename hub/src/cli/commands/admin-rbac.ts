// `flotilla admin rbac can|validate|get|set`: the RBAC policy. `can` prints yes or no for a
// subject (an account, a role, or proj:<project>:<role>), asking the hub's stored policy, or with
// --policy-file deciding offline from a policy.csv or an argocd-rbac-cm ConfigMap file, as
// `argocd admin settings rbac can` does; `validate -f` checks a file offline.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { buildEnforcer, type Decision } from '../../rbac/enforcer.ts';
import { DEFAULT_RBAC_SETTINGS, settingsFromConfigMap, validateSettings, type PolicyIssue, type RbacSettings } from '../../rbac/policy.ts';
import { CliError } from '../errors.ts';
import { clientOf, collect, print, readStdin } from '../kit.ts';
import { renderObject } from '../output.ts';

/** What a policy file holds: policy.csv text, or a ConfigMap (YAML or JSON) whose keys are the settings. */
export function settingsOfFile(name: string, text: string): { settings: RbacSettings; csv: boolean } {
  let parsed: unknown;
  if (!name.endsWith('.csv')) {
    try {
      parsed = parse(text);
    } catch {
      parsed = undefined;
    }
  }
  // policy.csv lines read as one YAML string (or nothing, when all are comments).
  if (parsed === null || parsed === undefined || typeof parsed !== 'object') return { settings: { ...DEFAULT_RBAC_SETTINGS, policyCsv: text }, csv: true };
  const read = settingsFromConfigMap(parsed);
  if (!read.ok) throw new CliError(`${name}: ${read.message}`);
  return { settings: read.settings, csv: false };
}

/** The report of `validate` (pure): one line per issue, or that the policy is valid. */
export function describeIssues(name: string, issues: PolicyIssue[]): string {
  if (!issues.length) return `${name}: the policy is valid`;
  return issues.map((i) => `${name}${i.line ? `:${i.line}` : ''}: ${i.message}`).join('\n');
}

const readPolicyFile = async (file: string) => (file === '-' ? readStdin() : readFileSync(file, 'utf8'));

interface CanOptions {
  policyFile?: string;
  defaultRole?: string;
  group?: string[];
  explain?: boolean;
}

async function decideOffline(file: string, opts: CanOptions, subject: string, action: string, resource: string, object: string): Promise<Decision> {
  const { settings } = settingsOfFile(file, await readPolicyFile(file));
  const issues = validateSettings(settings);
  if (issues.length) throw new CliError(`the policy is invalid:\n${describeIssues(file, issues)}`);
  const enforcer = await buildEnforcer({ ...settings, ...(opts.defaultRole !== undefined ? { policyDefault: opts.defaultRole } : {}) });
  return enforcer.decide({ account: subject, groups: opts.group ?? [] }, resource, action, object);
}

/** Adds `admin rbac can|validate|get|set` under `admin`. */
export function registerAdminRbac(admin: Command): void {
  const rbac = admin.command('rbac').description('the RBAC policy (Argo CD policy.csv syntax)');

  rbac
    .command('can')
    .description('print yes or no: may SUBJECT (an account, a role, proj:<project>:<role>) do ACTION on RESOURCE OBJECT?')
    .argument('<subject>')
    .argument('<action>', 'get, create, update, delete, sync, override, action/<group>/<kind>/<name>')
    .argument('<resource>', 'applications, applicationsets, clusters, projects, repositories, accounts, logs, exec')
    .argument('<object>', 'e.g. <project>/<app> for applications, a cluster or project name')
    .option('--policy-file <file>', 'decide offline from this policy.csv or argocd-rbac-cm ConfigMap (- reads stdin) instead of asking the hub')
    .option('--default-role <role>', 'with --policy-file: the policy.default role (overrides the file)')
    .option('--group <group>', 'a group the subject is in (repeatable)', collect)
    .option('--explain', 'also print the rule or default that decided')
    .action(async (subject: string, action: string, resource: string, object: string, opts: CanOptions, cmd: Command) => {
      const decision = opts.policyFile
        ? await decideOffline(opts.policyFile, opts, subject, action, resource, object)
        : (await clientOf(cmd).request<Decision>('POST', '/api/v1/settings/rbac/can', { body: { subject, action, resource, object, groups: opts.group ?? [] } })).body;
      print(decision.allowed ? 'yes' : 'no');
      if (opts.explain) print(decision.reason);
    });

  rbac
    .command('validate')
    .description('check a policy.csv or argocd-rbac-cm ConfigMap file (offline); exits 1 when invalid')
    .requiredOption('-f, --file <file>', 'the policy file (- reads stdin)')
    .action(async (opts: { file: string }) => {
      const { settings } = settingsOfFile(opts.file, await readPolicyFile(opts.file));
      const issues = validateSettings(settings);
      if (issues.length) throw new CliError(`the policy is invalid:\n${describeIssues(opts.file, issues)}`);
      print(describeIssues(opts.file, issues));
    });

  rbac
    .command('get')
    .description("print the hub's RBAC policy as an argocd-rbac-cm ConfigMap (or only policy.csv)")
    .option('-o, --output <format>', 'yaml, json or csv (policy.csv only)', 'yaml')
    .action(async (opts: { output: string }, cmd: Command) => {
      if (!['yaml', 'json', 'csv'].includes(opts.output)) throw new CliError(`unknown output format ${opts.output} (yaml, json or csv)`, { exitCode: 2 });
      const { status: _status, ...configMap } = await clientOf(cmd).get<{ data: Record<string, string>; status: unknown }>('/api/v1/settings/rbac');
      print(opts.output === 'csv' ? configMap.data['policy.csv'] ?? '' : renderObject(configMap, opts.output as 'json' | 'yaml'));
    });

  rbac
    .command('set')
    .description("replace the hub's RBAC policy from a file: an argocd-rbac-cm ConfigMap (all keys) or a policy.csv (policy.csv only)")
    .requiredOption('-f, --file <file>', 'the policy file (- reads stdin)')
    .action(async (opts: { file: string }, cmd: Command) => {
      const text = await readPolicyFile(opts.file);
      const { csv } = settingsOfFile(opts.file, text);
      const answer = await clientOf(cmd).request<{ status: { version: number } }>('PUT', '/api/v1/settings/rbac', { body: text, contentType: csv ? 'text/csv' : 'application/yaml' });
      print(`RBAC policy updated (version ${answer.body.status.version})`);
    });
}
