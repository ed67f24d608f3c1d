// The cluster and project lists' query: the caller's RBAC patterns (their objects are plain names),
// a label selector and a name search as one WHERE clause, read in name order after a keyset cursor.
import type { Queryable } from './db.ts';
import type { Requirement } from '../api/list-selector.ts';
import { SqlParams, containsPattern, rbacSql, selectorSql, type PermittedPatterns } from './list-where.ts';

/** A list of named objects: its table and the SQL of its labels. */
const TABLES = {
  clusters: { labels: `COALESCE(t.labels, '{}'::jsonb)` },
  projects: { labels: `COALESCE(t.metadata->'labels', '{}'::jsonb)` },
} as const;

/** A table with named rows that lists page through. */
export type NamedTable = keyof typeof TABLES;

/** The filters of a cluster or project list. */
export interface NamedListFilter {
  selector?: Requirement[];
  search?: string;
}

/** A compiled WHERE clause over alias `t`; `exact` when it alone decides what the caller sees. */
export interface NamedWhere {
  table: NamedTable;
  sql: string;
  params: unknown[];
  exact: boolean;
  none: boolean;
}

/** The WHERE clause of a cluster or project list (pure). */
export function namedWhere(table: NamedTable, filter: NamedListFilter, rbac: PermittedPatterns): NamedWhere {
  const p = new SqlParams();
  const where: string[] = [];
  const access = rbacSql(rbac, { object: 't.name' }, p);
  if (access.sql !== 'TRUE') where.push(access.sql);
  if (filter.selector?.length) where.push(selectorSql(filter.selector, TABLES[table].labels, p));
  if (filter.search) where.push(`t.name ILIKE ${p.add(containsPattern(filter.search))} ESCAPE '\\'`);
  return { table, sql: where.length ? where.join(' AND ') : 'TRUE', params: p.values, exact: access.exact, none: access.none };
}

/** Names after `after` in order, at most `count` (all without one). */
export async function namedCandidates(db: Queryable, where: NamedWhere, after: string | undefined, count: number | undefined): Promise<{ name: string }[]> {
  const params = [...where.params];
  const cursor = after === undefined ? '' : ` AND t.name > $${params.push(after)}`;
  const limit = count === undefined ? '' : ` LIMIT $${params.push(count)}`;
  return (await db.query<{ name: string }>(`SELECT t.name FROM ${where.table} t WHERE ${where.sql}${cursor} ORDER BY t.name${limit}`, params)).rows;
}

/** How many names follow `after`. */
export async function countNamed(db: Queryable, where: NamedWhere, after: string): Promise<number> {
  const params = [...where.params];
  const row = (await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${where.table} t WHERE ${where.sql} AND t.name > $${params.push(after)}`, params)).rows[0]!;
  return Number(row.n);
}
