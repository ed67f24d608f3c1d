// Applications as stored: the Argo CD spec the user gave, where it goes (a cluster, or none for an
// application whose destination is the hub itself), what it renders to (bundle, commit, each source's revision), the
// hub's conditions about it, a pending operation, a pending deletion, and the parent application
// that owns it when an app of apps rendered it (app of apps, hub/src/controllers/app-of-apps.ts).
import type { Queryable } from './db.ts';
import { normalizeRepoUrl } from '../repo/repo-url.ts';

/** One stored application. */
export interface ApplicationRecord {
  name: string;
  project: string;
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  spec: ApplicationSpecLike;
  /** The destination cluster; null for an application whose destination is the hub (app of apps). */
  clusterId: number | null;
  clusterName: string | null;
  /** The parent application that rendered this one; null when it came through the API. */
  owner: string | null;
  repoUrl: string;
  bundleKey: string | null;
  revision: string | null;
  /** A `spec.sources` application's revision of each source, in source order; null otherwise or before its first render. */
  revisions: string[] | null;
  conditions: AppCondition[];
  generation: number;
  operation: PendingOperation | null;
  deletion: { cascade: boolean; propagationPolicy?: string; confirmed?: boolean } | null;
  refreshedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  status: StoredStatus | null;
}

/** The parts of an Argo CD ApplicationSpec the hub reads. */
export interface ApplicationSpecLike {
  project?: string;
  source?: SourceLike;
  sources?: SourceLike[];
  destination: { server?: string; name?: string; namespace?: string };
  syncPolicy?: { automated?: unknown; syncOptions?: string[] } & Record<string, unknown>;
  ignoreDifferences?: unknown[];
  [key: string]: unknown;
}

/** The parts of an Argo CD ApplicationSource the hub reads. */
export interface SourceLike {
  repoURL: string;
  path?: string;
  targetRevision?: string;
  directory?: { recurse?: boolean; include?: string; exclude?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** A condition the hub sets on an application (ComparisonError, InvalidSpecError ...). */
export interface AppCondition {
  type: string;
  message: string;
  lastTransitionTime: string;
}

/** An operation waiting for (or running on) the agent. */
export interface PendingOperation {
  id: string;
  kind: 'sync' | 'rollback' | 'terminate';
  initiatedBy?: string;
  prune?: boolean;
  dryRun?: boolean;
  syncOptions?: string[];
  /** A selective sync's resources (`app sync --resource`). */
  resources?: { group: string; kind: string; name: string; namespace?: string }[];
  revision?: string;
  bundle?: string;
  /** Confirms the pruning of Prune=confirm resources. */
  confirm?: boolean;
}

/** The latest status the agent reported. */
export interface StoredStatus {
  seq: number;
  status: Record<string, unknown>;
  updatedAt: Date;
}

interface AppRow {
  name: string;
  project: string;
  metadata: ApplicationRecord['metadata'];
  spec: ApplicationSpecLike;
  cluster_id: string | null;
  cluster_name: string | null;
  owner: string | null;
  repo_url: string;
  bundle_key: string | null;
  revision: string | null;
  revisions: string[] | null;
  conditions: AppCondition[];
  generation: string;
  operation: PendingOperation | null;
  deletion: ApplicationRecord['deletion'];
  refreshed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  status_seq: string | null;
  status: Record<string, unknown> | null;
  status_updated_at: Date | null;
}

/** The SELECT of application records (aliases a, c and s), read by list pages too (store/list-applications.ts). */
export const SELECT = `SELECT a.*, c.name AS cluster_name, s.seq AS status_seq, s.status, s.updated_at AS status_updated_at
  FROM applications a LEFT JOIN clusters c ON c.id = a.cluster_id LEFT JOIN application_status s ON s.app_name = a.name`;

/** A row of SELECT as a record. */
export function toRecord(row: AppRow): ApplicationRecord {
  return {
    name: row.name,
    project: row.project,
    metadata: row.metadata,
    spec: row.spec,
    clusterId: row.cluster_id === null ? null : Number(row.cluster_id),
    clusterName: row.cluster_name,
    owner: row.owner,
    repoUrl: row.repo_url,
    bundleKey: row.bundle_key,
    revision: row.revision,
    revisions: row.revisions ?? null,
    conditions: row.conditions,
    generation: Number(row.generation),
    operation: row.operation,
    deletion: row.deletion,
    refreshedAt: row.refreshed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    status: row.status && row.status_seq ? { seq: Number(row.status_seq), status: row.status, updatedAt: row.status_updated_at! } : null,
  };
}

/** The source the hub renders (the first of `sources` for a multi-source app). */
export function primarySource(spec: ApplicationSpecLike): SourceLike {
  const source = spec.source ?? spec.sources?.[0];
  if (!source) throw new Error('application has no source');
  return source;
}

/** One application by name. */
export async function getApplication(db: Queryable, name: string, options: { forUpdate?: boolean } = {}): Promise<ApplicationRecord | undefined> {
  const row = (await db.query<AppRow>(`${SELECT} WHERE a.name = $1${options.forUpdate ? ' FOR UPDATE OF a' : ''}`, [name])).rows[0];
  return row && toRecord(row);
}

/** Whether an application's destination is the hub itself (app of apps): no cluster, no agent. */
export function isHubApplication(app: Pick<ApplicationRecord, 'clusterId'>): boolean {
  return app.clusterId === null;
}

/** Applications, optionally only those of some projects, a cluster, the hub (app-of-apps parents), a repository, or one parent. */
export async function listApplications(db: Queryable, filter: { clusterId?: number; hubOnly?: boolean; repoUrls?: string[]; projects?: string[]; owner?: string; names?: string[] } = {}): Promise<ApplicationRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.clusterId !== undefined) where.push(`a.cluster_id = $${params.push(filter.clusterId)}`);
  if (filter.hubOnly) where.push('a.cluster_id IS NULL');
  if (filter.owner !== undefined) where.push(`a.owner = $${params.push(filter.owner)}`);
  if (filter.names) where.push(`a.name = ANY($${params.push(filter.names)})`);
  if (filter.repoUrls) where.push(`a.repo_url = ANY($${params.push(filter.repoUrls)})`);
  if (filter.projects) where.push(`a.project = ANY($${params.push(filter.projects)})`);
  const rows = (await db.query<AppRow>(`${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY a.name`, params)).rows;
  return rows.map(toRecord);
}

/**
 * The names of the applications with a source in one of these repositories (canonical URLs,
 * repo-url.ts): the first source (`repo_url`) or any of `spec.sources`, so a push to a `ref`
 * source's repository refreshes the applications whose values live there.
 */
export async function applicationsOfRepositories(db: Queryable, urls: string[]): Promise<string[]> {
  const rows = (await db.query<{ name: string; repo_url: string; sources: unknown }>(
    `SELECT name, repo_url, spec->'sources' AS sources FROM applications WHERE repo_url = ANY($1) OR jsonb_typeof(spec->'sources') = 'array' ORDER BY name`,
    [urls],
  )).rows;
  const wanted = new Set(urls);
  const inSources = (sources: unknown) => Array.isArray(sources) && sources.some((s) => typeof (s as SourceLike | null)?.repoURL === 'string' && wanted.has(normalizeRepoUrl((s as SourceLike).repoURL)));
  return rows.filter((r) => wanted.has(r.repo_url) || inSources(r.sources)).map((r) => r.name);
}

/** What create and update write. */
export interface ApplicationWrite {
  name: string;
  project: string;
  metadata: ApplicationRecord['metadata'];
  spec: ApplicationSpecLike;
  /** null: the destination is the hub (app of apps). */
  clusterId: number | null;
  repoUrl: string;
  /** The parent application that renders this one (set at insert, never changed by an update). */
  owner?: string | null;
}

/** Inserts an application; false when the name is taken. */
export async function insertApplication(db: Queryable, app: ApplicationWrite): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO applications (name, project, metadata, spec, cluster_id, repo_url, owner) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING`,
    [app.name, app.project, app.metadata, app.spec, app.clusterId, app.repoUrl, app.owner ?? null],
  );
  return (res.rowCount ?? 0) > 0;
}

/** Replaces an application's spec; a new source means the old render no longer applies. */
export async function updateApplicationSpec(db: Queryable, app: ApplicationWrite, sourceChanged: boolean): Promise<void> {
  await db.query(
    `UPDATE applications SET project = $2, metadata = $3, spec = $4, cluster_id = $5, repo_url = $6, generation = generation + 1, updated_at = now()
       ${sourceChanged ? ', bundle_key = NULL, revision = NULL, revisions = NULL, refreshed_at = NULL' : ''} WHERE name = $1`,
    [app.name, app.project, app.metadata, app.spec, app.clusterId, app.repoUrl],
  );
}

/**
 * Records the outcome of a render: the new bundle, commit and per-source revisions (when it
 * succeeded; `revisions` null for a `spec.source` application) and the conditions. A failed render
 * leaves all three as they were.
 */
export async function recordRender(db: Queryable, name: string, result: { bundleKey?: string; revision?: string; revisions?: string[] | null; conditions: AppCondition[] }): Promise<void> {
  await db.query(
    `UPDATE applications SET bundle_key = COALESCE($2, bundle_key), revision = COALESCE($3, revision),
       revisions = CASE WHEN $5 THEN $6::jsonb ELSE revisions END, conditions = $4, refreshed_at = now() WHERE name = $1`,
    [name, result.bundleKey ?? null, result.revision ?? null, JSON.stringify(result.conditions), result.revisions !== undefined, result.revisions ? JSON.stringify(result.revisions) : null],
  );
}

/** Sets (or clears) the pending operation. */
export async function setOperation(db: Queryable, name: string, operation: PendingOperation | null): Promise<void> {
  await db.query('UPDATE applications SET operation = $2 WHERE name = $1', [name, operation]);
}

/** Marks an application for deletion by its agent. */
export async function setDeletion(db: Queryable, name: string, deletion: NonNullable<ApplicationRecord['deletion']>): Promise<void> {
  await db.query('UPDATE applications SET deletion = $2 WHERE name = $1', [name, deletion]);
}

/** Removes an application row (status, operations and history go with it). */
export async function deleteApplicationRow(db: Queryable, name: string): Promise<void> {
  await db.query('DELETE FROM applications WHERE name = $1', [name]);
}

/** Replaces an application's hub conditions (the app-of-apps controller keeps its own types in them). */
export async function setConditions(db: Queryable, name: string, conditions: AppCondition[]): Promise<void> {
  await db.query('UPDATE applications SET conditions = $2 WHERE name = $1', [name, JSON.stringify(conditions)]);
}
