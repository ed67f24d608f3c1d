// The application list's query: every filter of `GET /api/v1/applications` and the caller's RBAC
// patterns as one WHERE clause, read in name order after a keyset cursor.
// Sync and health are the values the API shows (present-application.ts): the agent's reported
// status, OutOfSync when it reported on another bundle, Unknown before any report. An application
// applied by the hub (app of apps) has no agent report: its status is the hub's roll-up, so SQL
// keeps it as a candidate for sync/health filters and the API decides it. Rows are whole records
// (one query a batch): a page needs them all, and only inexact RBAC ever reads rows it drops.
import { normalizeRepoUrl } from '../repo/repo-url.ts';
import { normalizeServerUrl } from './clusters.ts';
import type { Queryable } from './db.ts';
import { SELECT, toRecord, type ApplicationRecord } from './applications.ts';
import type { Requirement } from '../api/list-selector.ts';
import { SqlParams, containsPattern, rbacSql, selectorSql, type PermittedPatterns } from './list-where.ts';

/** The filters of an application list (each list: any of its values). */
export interface ApplicationListFilter {
  projects?: string[];
  /** Cluster names or API URLs; `hub` for applications the hub applies. */
  clusters?: string[];
  namespaces?: string[];
  repos?: string[];
  sync?: string[];
  health?: string[];
  selector?: Requirement[];
  /** A case-insensitive substring of the name. */
  search?: string;
}

/** A compiled WHERE clause; `exact` when it alone decides which applications the caller sees. */
export interface ApplicationWhere {
  sql: string;
  params: unknown[];
  exact: boolean;
  /** Nothing can match (the caller may get no application). */
  none: boolean;
  /** A sync or health filter is set: hub-applied candidates still need the API's check. */
  statusFiltered: boolean;
}

const FROM = `applications a LEFT JOIN clusters c ON c.id = a.cluster_id LEFT JOIN application_status s ON s.app_name = a.name`;

// The sync status the API shows (present-application.ts) is the agent's when it reported on the
// current bundle (or named none), OutOfSync when it reported on another, Unknown before a report.
// Written as conditions on migration 013's generated columns, which have statistics, so the
// planner estimates a filter well (a CASE expression has none, and misled it into joining all rows).
const CURRENT = '(s.sync_bundle IS NULL OR s.sync_bundle = a.bundle_key)';
const STALE = '(s.sync_bundle IS NOT NULL AND (a.bundle_key IS NULL OR s.sync_bundle <> a.bundle_key))';

/** "The sync status the API shows is one of these", as SQL. */
export function syncStatusSql(statuses: readonly string[], p: SqlParams): string {
  const parts = [`(s.sync_status = ANY(${p.add(statuses)}::text[]) AND ${CURRENT})`];
  if (statuses.includes('OutOfSync')) parts.push(`(s.sync_status IS NOT NULL AND ${STALE})`);
  if (statuses.includes('Unknown')) parts.push('s.sync_status IS NULL');
  return `(${parts.join(' OR ')})`;
}

/** "The health status the API shows is one of these" (Unknown before a report), as SQL. */
export function healthStatusSql(statuses: readonly string[], p: SqlParams): string {
  const listed = `s.health_status = ANY(${p.add(statuses)}::text[])`;
  return statuses.includes('Unknown') ? `(${listed} OR s.health_status IS NULL)` : listed;
}

/** The labels object (an expression index, migration 013, covers it). */
export const LABELS_SQL = `COALESCE(a.metadata->'labels', '{}'::jsonb)`;

/** The WHERE clause of a list (pure). */
export function applicationWhere(filter: ApplicationListFilter, rbac: PermittedPatterns): ApplicationWhere {
  const p = new SqlParams();
  const where: string[] = [];
  const access = rbacSql(rbac, { object: `(a.project || '/' || a.name)`, project: 'a.project', name: 'a.name' }, p);
  if (access.sql !== 'TRUE') where.push(access.sql);
  if (filter.projects) where.push(`a.project = ANY(${p.add(filter.projects)}::text[])`);
  if (filter.clusters) {
    const names = p.add(filter.clusters);
    where.push(`(c.name = ANY(${names}::text[]) OR c.server_url = ANY(${p.add(filter.clusters.map(normalizeServerUrl))}::text[]) OR (a.cluster_id IS NULL AND 'hub' = ANY(${names}::text[])))`);
  }
  if (filter.namespaces) where.push(`a.spec->'destination'->>'namespace' = ANY(${p.add(filter.namespaces)}::text[])`);
  if (filter.repos) {
    const sources = filter.repos.map((url) => `a.spec->'sources' @> ${p.add(JSON.stringify([{ repoURL: url }]))}::jsonb`);
    where.push(`(a.repo_url = ANY(${p.add(filter.repos.map(normalizeRepoUrl))}::text[]) OR ${sources.join(' OR ')})`);
  }
  if (filter.sync) where.push(`(a.cluster_id IS NULL OR ${syncStatusSql(filter.sync, p)})`);
  if (filter.health) where.push(`(a.cluster_id IS NULL OR ${healthStatusSql(filter.health, p)})`);
  if (filter.selector?.length) where.push(selectorSql(filter.selector, LABELS_SQL, p));
  if (filter.search) where.push(`a.name ILIKE ${p.add(containsPattern(filter.search))} ESCAPE '\\'`);
  return { sql: where.length ? where.join(' AND ') : 'TRUE', params: p.values, exact: access.exact, none: access.none, statusFiltered: Boolean(filter.sync || filter.health) };
}

/** Records after `after` in name order, at most `count` (all without one). */
export async function applicationCandidates(db: Queryable, where: ApplicationWhere, after: string | undefined, count: number | undefined): Promise<ApplicationRecord[]> {
  const params = [...where.params];
  const cursor = after === undefined ? '' : ` AND a.name > $${params.push(after)}`;
  const limit = count === undefined ? '' : ` LIMIT $${params.push(count)}`;
  const rows = (await db.query<Parameters<typeof toRecord>[0]>(`${SELECT} WHERE ${where.sql}${cursor} ORDER BY a.name${limit}`, params)).rows;
  return rows.map(toRecord);
}

/** How many candidates follow `after`, and how many of them the hub applies. */
export async function countApplicationCandidates(db: Queryable, where: ApplicationWhere, after: string): Promise<{ total: number; hub: number }> {
  const params = [...where.params];
  const row = (await db.query<{ total: string; hub: string }>(
    `SELECT count(*) AS total, count(*) FILTER (WHERE a.cluster_id IS NULL) AS hub FROM ${FROM} WHERE ${where.sql} AND a.name > $${params.push(after)}`,
    params,
  )).rows[0]!;
  return { total: Number(row.total), hub: Number(row.hub) };
}
