// The RBAC decision: casbin with Argo CD's model over the built-in roles, the site's policy.csv
// and the AppProjects' role rules. A caller is its account (or project-role subject), its groups
// and the policy.default role; each is asked in turn and deny beats allow across all of them
// (Argo CD lets the default role allow before looking for a deny; here an explicit deny wins).
// Every decision says which rule, or the lack of one, decided it. No I/O: built from data.
import { newEnforcer, newModelFromString, StringAdapter, type Enforcer } from 'casbin';
import { BUILTIN_POLICY, RBAC_MODEL } from './model.ts';
import { formatRule, parsePolicy, type MatchMode, type PolicyRule, type RbacSettings } from './policy.ts';
import { patternMatcher } from './glob.ts';
import { objectFilter, objectPatterns } from './list-filter.ts';

/** Who asks: an account name (or `proj:<project>:<role>`) and its groups. */
export interface RbacSubject {
  account: string;
  groups: readonly string[];
}

/** A decision and the rule or default that made it. */
export interface Decision {
  allowed: boolean;
  reason: string;
}

/** A rule with the place it came from (built-in, policy.csv line N, project P role R). */
export type SourcedRule = PolicyRule & { source: string };

const MEMO_LIMIT = 100_000;

/** An enforcer for one version of the policy; decisions are remembered until it is replaced. */
export class RbacEnforcer {
  readonly #casbin: Enforcer;
  readonly #sources: Map<string, string>;
  readonly #defaultRole: string;
  readonly #rules: readonly PolicyRule[];
  readonly #match: (value: string, pattern: string) => boolean;
  readonly #memo = new Map<string, Decision>();
  readonly #filters = new Map<string, (object: string) => boolean>();

  constructor(casbin: Enforcer, sources: Map<string, string>, defaultRole: string, rules: readonly PolicyRule[], match: (value: string, pattern: string) => boolean) {
    this.#casbin = casbin;
    this.#sources = sources;
    this.#defaultRole = defaultRole;
    this.#rules = rules;
    this.#match = match;
  }

  /** A predicate for lists: may this subject do `action` on `resource` OBJECT? (same answers as decide, without reasons) */
  permits(subject: RbacSubject, resource: string, action: string): (object: string) => boolean {
    const key = `${subject.account}\0${subject.groups.join('\u0001')}\0${resource}\0${action}`;
    let filter = this.#filters.get(key);
    if (!filter) {
      filter = objectFilter(this.#rules, this.#match, [subject.account, ...subject.groups, this.#defaultRole].filter(Boolean), resource, action);
      if (this.#filters.size >= MEMO_LIMIT) this.#filters.clear();
      this.#filters.set(key, filter);
    }
    return filter;
  }

  /** The allow and deny object patterns that decide `permits` (for SQL list filters), with the match mode they are written in. */
  patterns(subject: RbacSubject, resource: string, action: string): { allow: string[]; deny: string[]; matchMode: MatchMode } {
    const names = [subject.account, ...subject.groups, this.#defaultRole].filter(Boolean);
    return { ...objectPatterns(this.#rules, this.#match, names, resource, action), matchMode: this.matchMode };
  }

  /** How policy patterns match (policy.matchMode). */
  matchMode: MatchMode = 'glob';

  /** May this subject do `action` on `resource` `object`? With the reason. */
  decide(subject: RbacSubject, resource: string, action: string, object: string): Decision {
    const key = `${subject.account}\0${subject.groups.join('\u0001')}\0${resource}\0${action}\0${object}`;
    let decision = this.#memo.get(key);
    if (!decision) {
      decision = this.#decide(subject, resource, action, object);
      if (this.#memo.size >= MEMO_LIMIT) this.#memo.clear();
      this.#memo.set(key, decision);
    }
    return decision;
  }

  #decide(subject: RbacSubject, resource: string, action: string, object: string): Decision {
    const asked = [...new Set([subject.account, ...subject.groups, this.#defaultRole].filter(Boolean))];
    let allow: { who: string; rule: string[] } | undefined;
    for (const who of asked) {
      const [ok, rule] = this.#casbin.enforceExSync(who, resource, action, object);
      if (!ok && rule.length > 0) return { allowed: false, reason: `${this.#describe(rule)} denies ${action} on ${resource} ${object} to ${this.#who(who, rule, subject)}` };
      if (ok && !allow) allow = { who, rule };
    }
    if (allow) return { allowed: true, reason: `${this.#describe(allow.rule)} allows ${action} on ${resource} ${object} to ${this.#who(allow.who, allow.rule, subject)}` };
    const groups = subject.groups.length ? subject.groups.join(', ') : 'none';
    return { allowed: false, reason: `no rule allows ${action} on ${resource} ${object} to ${subject.account} (groups: ${groups}; policy.default: ${this.#defaultRole || 'none'})` };
  }

  #describe(rule: string[]): string {
    const text = `p, ${rule.join(', ')}`;
    return `"${text}" (${this.#sources.get(text) ?? 'policy'})`;
  }

  // "alice", "alice through group ops", "alice through policy.default role:readonly", plus the role the rule names.
  #who(who: string, rule: string[], subject: RbacSubject): string {
    const through = who === subject.account ? '' : subject.groups.includes(who) ? ` through group ${who}` : ` through policy.default ${who}`;
    const as = rule[0] !== who ? ` as ${rule[0]}` : '';
    return `${subject.account}${through}${as}`;
  }
}

/** The rules of the built-in policy and of settings.policyCsv, with their sources (invalid lines left out). */
export function siteRules(settings: RbacSettings): SourcedRule[] {
  const builtin = parsePolicy(BUILTIN_POLICY).rules.map((r) => ({ ...r, source: 'built-in' }));
  const site = parsePolicy(settings.policyCsv).rules.map((r) => ({ ...r, source: `policy.csv line ${r.line}` }));
  return [...builtin, ...site];
}

/** Builds the enforcer for these settings and extra rules (the projects' roles). */
export async function buildEnforcer(settings: RbacSettings, extra: SourcedRule[] = []): Promise<RbacEnforcer> {
  const rules = [...siteRules(settings), ...extra];
  const sources = new Map<string, string>();
  for (const rule of rules) if (!sources.has(formatRule(rule))) sources.set(formatRule(rule), rule.source);
  const casbin = await newEnforcer(newModelFromString(RBAC_MODEL), new StringAdapter([...sources.keys()].join('\n')));
  const match = patternMatcher(settings.matchMode);
  await casbin.addFunction('globOrRegexMatch', match);
  const enforcer = new RbacEnforcer(casbin, sources, settings.policyDefault, rules, match);
  enforcer.matchMode = settings.matchMode;
  return enforcer;
}
