// SQL conditions for list filters, built without I/O: label selectors on a jsonb labels column,
// case-insensitive name search, and the caller's RBAC patterns. RBAC globs become PostgreSQL
// regular expressions that match exactly what rbac/glob.ts matches; a pattern that cannot be
// translated exactly (an unusual bracket expression, or any pattern under policy.matchMode regex)
// is widened instead (an allow to "any character", a deny left out), and the condition says it is
// not `exact`: the API then filters each row with the enforcer as well and reports no counts.
import type { Requirement } from '../api/list-selector.ts';
import { renderGlob } from '../rbac/glob.ts';

/** Positional parameters of one query, shared by every condition added to it. */
export class SqlParams {
  readonly values: unknown[] = [];
  /** Adds a value; answers its placeholder (`$n`). */
  add(value: unknown): string {
    return `$${this.values.push(value)}`;
  }
}

/** A selector's requirements as SQL over `labels` (a jsonb object expression); TRUE when there are none. */
export function selectorSql(requirements: readonly Requirement[], labels: string, p: SqlParams): string {
  const parts = requirements.map((r) => {
    switch (r.op) {
      case 'exists': return `${labels} ? ${p.add(r.key)}`;
      case 'notexists': return `NOT (${labels} ? ${p.add(r.key)})`;
      case '=': return `${labels} @> ${p.add(JSON.stringify({ [r.key]: r.value }))}::jsonb`;
      case '!=': return `NOT (${labels} @> ${p.add(JSON.stringify({ [r.key]: r.value }))}::jsonb)`;
      case 'in': return `${labels}->>${p.add(r.key)} = ANY(${p.add(r.values)}::text[])`;
      case 'notin': {
        const key = p.add(r.key);
        return `(${labels}->>${key} IS NULL OR NOT (${labels}->>${key} = ANY(${p.add(r.values)}::text[])))`;
      }
    }
  });
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

/** A LIKE pattern for "contains this text" (`%`, `_` and `\` escaped; use with ILIKE … ESCAPE '\'). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}

/** A glob of rbac/glob.ts as a PostgreSQL (ARE) regular expression; `exact` false when it was widened. */
export function globToPostgresRegex(glob: string): { regex: string; exact: boolean } {
  let exact = true;
  const regex = renderGlob(glob, {
    set: (p) => {
      // Letters, digits and - . _ / (and ^ first): the same set in JavaScript and PostgreSQL; any other set is widened to one character.
      // `[^]` and a range running backwards (`z-a`) are errors in PostgreSQL: widened too.
      if (p.chars !== '' && p.chars !== '^' && /^\^?[A-Za-z0-9._/-]*$/.test(p.chars) && !p.chars.startsWith('-') && !p.chars.endsWith('-') && rangesAscend(p.chars)) return `[${p.negated ? '^' : ''}${p.chars}]`;
      exact = false;
      return '.';
    },
    literal: (char) => (/[A-Za-z0-9]/.test(char) || char.charCodeAt(0) > 127 ? char : `\\${char}`),
  });
  return { regex, exact };
}

/** Whether every `a-b` range of a bracket set runs upwards. */
function rangesAscend(chars: string): boolean {
  for (let i = 0; i + 2 < chars.length; i++) {
    if (chars[i + 1] === '-') {
      if (chars[i]! > chars[i + 2]!) return false;
      i += 2;
    }
  }
  return true;
}

const GLOB_CHARS = /[*?[{]/;

/** Where an RBAC object lives in a query: its whole text, and for `project/name` objects the two columns. */
export interface ObjectColumns {
  /** The object as SQL (`a.project || '/' || a.name`, or `c.name`). */
  object: string;
  /** For project-scoped objects: the project and name columns (a literal project's glob becomes an equality). */
  project?: string;
  name?: string;
}

/** The caller's permitted patterns for one resource and action (rbac/list-filter.ts objectPatterns). */
export interface PermittedPatterns {
  allow: readonly string[];
  deny: readonly string[];
  matchMode: 'glob' | 'regex';
}

/** The RBAC condition of a list: `none` when nothing can be permitted, `exact` when SQL decides as the enforcer does. */
export interface RbacCondition {
  sql: string;
  exact: boolean;
  none: boolean;
}

// `P/*` and `P/N` with a literal P: equalities on indexed columns (names never hold '/').
function literalProject(pattern: string, columns: ObjectColumns): { project: string; name?: string } | undefined {
  if (!columns.project || !columns.name) return undefined;
  const slash = pattern.indexOf('/');
  if (slash <= 0) return undefined;
  const project = pattern.slice(0, slash);
  const name = pattern.slice(slash + 1);
  if (GLOB_CHARS.test(project) || name.includes('/')) return undefined;
  if (name === '*') return { project };
  return GLOB_CHARS.test(name) ? undefined : { project, name };
}

const isMatchAll = (pattern: string, columns: ObjectColumns) => /^\*+$/.test(pattern) || (columns.project !== undefined && /^\*+\/\*+$/.test(pattern));

/** The SQL of "the caller may get this object" (pure); see the header for when it is not exact. */
export function rbacSql(patterns: PermittedPatterns, columns: ObjectColumns, p: SqlParams): RbacCondition {
  if (!patterns.allow.length) return { sql: 'FALSE', exact: true, none: true };
  if (patterns.matchMode === 'regex') return { sql: 'TRUE', exact: false, none: false };
  let exact = true;
  const projects: string[] = [];
  const allows: string[] = [];
  const regexes: string[] = [];
  let all = false;
  for (const pattern of patterns.allow) {
    if (isMatchAll(pattern, columns)) {
      all = true;
      continue;
    }
    const literal = literalProject(pattern, columns);
    if (literal && literal.name === undefined) projects.push(literal.project);
    else if (literal) allows.push(`(${columns.project} = ${p.add(literal.project)} AND ${columns.name} = ${p.add(literal.name)})`);
    else {
      const translated = globToPostgresRegex(pattern);
      exact &&= translated.exact;
      regexes.push(translated.regex);
    }
  }
  if (projects.length) allows.unshift(`${columns.project} = ANY(${p.add(projects)}::text[])`);
  if (regexes.length) allows.push(`${columns.object} ~ ANY(${p.add(regexes)}::text[])`);
  const denied: string[] = [];
  for (const pattern of patterns.deny) {
    const translated = globToPostgresRegex(pattern);
    if (translated.exact) denied.push(translated.regex);
    else exact = false;
  }
  const allowSql = all ? 'TRUE' : allows.length === 1 ? allows[0]! : `(${allows.join(' OR ')})`;
  if (!denied.length) return { sql: allowSql, exact, none: false };
  return { sql: `${allowSql} AND NOT (${columns.object} ~ ANY(${p.add(denied)}::text[]))`, exact, none: false };
}
