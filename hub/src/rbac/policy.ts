// Policy text in Argo CD's syntax, parsed and validated without I/O: `policy.csv` lines
// (`p, subject, resource, action, object, allow|deny` and `g, user-or-group, role`, `#` comments),
// and the RBAC settings an `argocd-rbac-cm` ConfigMap carries (policy.csv, policy.default,
// policy.matchMode, scopes). An invalid line is reported with its line number and why.
import { PROJECT_SCOPED_RESOURCES, RBAC_ACTIONS, RBAC_RESOURCES } from './model.ts';

/** One policy rule: a permission (`p`) or a role assignment (`g`). */
export type PolicyRule =
  | { kind: 'p'; subject: string; resource: string; action: string; object: string; effect: 'allow' | 'deny'; line: number }
  | { kind: 'g'; subject: string; role: string; line: number };

/** A problem in a policy, by line (1-based; 0 for the settings themselves). */
export interface PolicyIssue {
  line: number;
  message: string;
}

/** The parse of a policy text: its rules and, when it is invalid, every issue. */
export interface ParsedPolicy {
  rules: PolicyRule[];
  issues: PolicyIssue[];
}

/** How policy patterns match: Argo CD's globs (the default) or regular expressions. */
export type MatchMode = 'glob' | 'regex';

/** What the hub stores: the fields of an argocd-rbac-cm ConfigMap. */
export interface RbacSettings {
  /** policy.csv: the site's rules (the built-in roles are always there as well). */
  policyCsv: string;
  /** policy.default: the role every authenticated subject holds ('' for none). */
  policyDefault: string;
  /** policy.matchMode. */
  matchMode: MatchMode;
  /** scopes: the OIDC claims whose values count as groups, as Argo CD writes it (`[groups, email]`). */
  scopes: string;
}

/** The settings of a new hub: only the built-in roles, no default role, groups from the `groups` claim. */
export const DEFAULT_RBAC_SETTINGS: RbacSettings = { policyCsv: '', policyDefault: '', matchMode: 'glob', scopes: '[groups]' };

/** Splits one CSV line into trimmed fields (double quotes group a field holding commas). */
export function splitCsvLine(text: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"' && quoted && text[i + 1] === '"') {
      current += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      fields.push(current.trim());
      current = '';
    } else current += ch;
  }
  fields.push(current.trim());
  return fields;
}

const isKnownAction = (action: string) =>
  RBAC_ACTIONS.includes(action) || /^(action|update|delete)\/.+$/.test(action) || action.includes('*') || action.includes('?');
const isKnownResource = (resource: string) => RBAC_RESOURCES.includes(resource) || resource.includes('*') || resource.includes('?');

function parseP(fields: string[], line: number, issues: PolicyIssue[]): PolicyRule | undefined {
  if (fields.length !== 6) return void issues.push({ line, message: `a p line has 5 fields (subject, resource, action, object, effect), not ${fields.length - 1}` });
  const [, subject, resource, action, object, effect] = fields as [string, string, string, string, string, string];
  const empty = (['subject', 'resource', 'action', 'object'] as const).find((_, i) => fields[i + 1] === '');
  if (empty) return void issues.push({ line, message: `the ${empty} is empty` });
  if (effect !== 'allow' && effect !== 'deny') return void issues.push({ line, message: `the effect must be allow or deny, not "${effect}"` });
  if (!isKnownResource(resource)) return void issues.push({ line, message: `unknown resource "${resource}" (one of ${RBAC_RESOURCES.join(', ')})` });
  if (!isKnownAction(action)) return void issues.push({ line, message: `unknown action "${action}" (one of ${RBAC_ACTIONS.join(', ')}, action/<group>/<kind>/<name>, or a glob)` });
  if (PROJECT_SCOPED_RESOURCES.includes(resource) && object !== '*' && !object.includes('/')) {
    return void issues.push({ line, message: `${resource} objects are <project>/<name> (e.g. ${object}/*), not "${object}"` });
  }
  return { kind: 'p', subject, resource, action, object, effect, line };
}

function parseG(fields: string[], line: number, issues: PolicyIssue[]): PolicyRule | undefined {
  if (fields.length !== 3) return void issues.push({ line, message: `a g line has 2 fields (user-or-group, role), not ${fields.length - 1}` });
  const [, subject, role] = fields as [string, string, string];
  if (!subject || !role) return void issues.push({ line, message: 'a g line names a user or group and a role' });
  return { kind: 'g', subject, role, line };
}

/** Parses policy.csv text (pure): every rule, and every issue with its line. */
export function parsePolicy(text: string): ParsedPolicy {
  const rules: PolicyRule[] = [];
  const issues: PolicyIssue[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = splitCsvLine(trimmed);
    const line = index + 1;
    // casbin reads the rules back as CSV: a quoted comma or quote inside a field would shift them.
    if (fields.some((f) => /[",]/.test(f))) return void issues.push({ line, message: 'a field may not hold a comma or a double quote' });
    const rule = fields[0] === 'p' ? parseP(fields, line, issues) : fields[0] === 'g' ? parseG(fields, line, issues) : void issues.push({ line, message: `a line starts with p or g, not "${fields[0]}"` });
    if (rule) rules.push(rule);
  });
  return { rules, issues };
}

/** A rule as a policy.csv line. */
export function formatRule(rule: PolicyRule): string {
  return rule.kind === 'p' ? `p, ${rule.subject}, ${rule.resource}, ${rule.action}, ${rule.object}, ${rule.effect}` : `g, ${rule.subject}, ${rule.role}`;
}

/** The claims the `scopes` setting names (`[groups, email]`, `groups`, or a JSON list); ['groups'] when empty. */
export function parseScopes(scopes: string): string[] {
  const names = scopes.trim().replace(/^\[/, '').replace(/\]$/, '').split(',').map((s) => s.trim().replace(/^["']|["']$/g, '')).filter(Boolean);
  return names.length ? names : ['groups'];
}

/** Checks a settings object as a whole: the policy's lines, the match mode, a regex policy's patterns. */
export function validateSettings(settings: RbacSettings): PolicyIssue[] {
  const { rules, issues } = parsePolicy(settings.policyCsv);
  if (settings.matchMode !== 'glob' && settings.matchMode !== 'regex') issues.push({ line: 0, message: `policy.matchMode must be glob or regex, not "${String(settings.matchMode)}"` });
  if (/[\s,]/.test(settings.policyDefault)) issues.push({ line: 0, message: `policy.default names one role, not "${settings.policyDefault}"` });
  if (settings.matchMode === 'regex') {
    for (const rule of rules) {
      if (rule.kind !== 'p') continue;
      for (const pattern of [rule.resource, rule.action, rule.object]) {
        try {
          new RegExp(pattern);
        } catch {
          issues.push({ line: rule.line, message: `"${pattern}" is not a valid regular expression` });
        }
      }
    }
  }
  return issues;
}

const CONFIGMAP_KEYS = ['policy.csv', 'policy.default', 'policy.matchMode', 'scopes'];

/**
 * Reads an argocd-rbac-cm ConfigMap (as Argo CD users keep it) into settings; also accepts
 * `{data: …}` without a kind, and the bare data map. Keys named `policy.<anything>.csv` are appended to policy.csv, as Argo CD does.
 */
export function settingsFromConfigMap(input: unknown): { ok: true; settings: RbacSettings } | { ok: false; message: string } {
  const object = input as { kind?: unknown; data?: unknown } | null;
  if (!object || typeof object !== 'object') return { ok: false, message: 'expected an argocd-rbac-cm ConfigMap (or its data)' };
  if (object.kind !== undefined && object.kind !== 'ConfigMap') return { ok: false, message: `expected a ConfigMap, not a ${String(object.kind)}` };
  const wrapped = object.kind === 'ConfigMap' || (typeof object.data === 'object' && object.data !== null);
  const data = (wrapped ? (object.data ?? {}) : object) as Record<string, unknown>;
  if (typeof data !== 'object' || Array.isArray(data)) return { ok: false, message: 'the ConfigMap data is a map of strings' };
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') return { ok: false, message: `data.${key} must be a string` };
    if (!CONFIGMAP_KEYS.includes(key) && !/^policy\..+\.csv$/.test(key)) return { ok: false, message: `unknown key data.${key} (known: ${CONFIGMAP_KEYS.join(', ')}, policy.<name>.csv)` };
  }
  const extra = Object.keys(data).filter((k) => /^policy\..+\.csv$/.test(k)).sort().map((k) => data[k] as string);
  const policyCsv = [data['policy.csv'] as string | undefined, ...extra].filter((s) => s !== undefined).join('\n');
  return {
    ok: true,
    settings: {
      policyCsv,
      policyDefault: (data['policy.default'] as string | undefined)?.trim() ?? '',
      matchMode: ((data['policy.matchMode'] as string | undefined)?.trim() || 'glob') as MatchMode,
      scopes: (data['scopes'] as string | undefined) ?? DEFAULT_RBAC_SETTINGS.scopes,
    },
  };
}

/** The settings as an argocd-rbac-cm ConfigMap (what `GET /api/v1/settings/rbac` answers). */
export function settingsToConfigMap(settings: RbacSettings): { apiVersion: 'v1'; kind: 'ConfigMap'; metadata: { name: string; labels: Record<string, string> }; data: Record<string, string> } {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-rbac-cm', labels: { 'app.kubernetes.io/part-of': 'argocd' } },
    data: { 'policy.csv': settings.policyCsv, 'policy.default': settings.policyDefault, 'policy.matchMode': settings.matchMode, scopes: settings.scopes },
  };
}
