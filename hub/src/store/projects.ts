// AppProjects: the `default` project exists from the first migration; others are created, updated
// and deleted through the API (owner null) or by the app-of-apps controller for the parent
// application that renders them (owner). A changed project re-logs its applications' assignments,
// so their agents get the new rules (projectLimits).
import { canonicalJson } from '@flotilla/shared';
import type { Queryable } from './db.ts';
import { reassignProject } from './assignments.ts';

/** A stored project. */
export interface ProjectRecord {
  name: string;
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  spec: Record<string, unknown>;
  /** The parent application that renders this project; null for `default` and API-made ones. */
  owner: string | null;
  createdAt: Date;
}

interface ProjectRow {
  name: string;
  metadata: ProjectRecord['metadata'] | null;
  spec: Record<string, unknown>;
  owner: string | null;
  created_at: Date;
}

function toRecord(r: ProjectRow): ProjectRecord {
  return { name: r.name, metadata: r.metadata ?? {}, spec: r.spec, owner: r.owner, createdAt: r.created_at };
}

/** Every project, by name; optionally only those of one parent application or with these names. */
export async function listProjects(db: Queryable, filter: { owner?: string; names?: string[] } = {}): Promise<ProjectRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.owner !== undefined) where.push(`owner = $${params.push(filter.owner)}`);
  if (filter.names) where.push(`name = ANY($${params.push(filter.names)})`);
  return (await db.query<ProjectRow>(`SELECT * FROM projects${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY name`, params)).rows.map(toRecord);
}

/** One project by name; `forUpdate` locks its row until the transaction ends. */
export async function getProject(db: Queryable, name: string, options: { forUpdate?: boolean } = {}): Promise<ProjectRecord | undefined> {
  const row = (await db.query<ProjectRow>(`SELECT * FROM projects WHERE name = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [name])).rows[0];
  return row && toRecord(row);
}

/** What a project write holds. */
export interface ProjectWrite {
  name: string;
  metadata: ProjectRecord['metadata'];
  spec: Record<string, unknown>;
  owner: string | null;
}

/** Inserts a project; false when the name is taken. */
export async function insertProject(db: Queryable, project: ProjectWrite): Promise<boolean> {
  const res = await db.query('INSERT INTO projects (name, metadata, spec, owner) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING', [project.name, project.metadata, project.spec, project.owner]);
  return (res.rowCount ?? 0) > 0;
}

/** Replaces a project's metadata and spec (its owner stays); its applications' agents hear of the new rules. */
export async function updateProject(db: Queryable, project: Omit<ProjectWrite, 'owner'>): Promise<void> {
  const before = (await db.query<{ spec: Record<string, unknown> }>('SELECT spec FROM projects WHERE name = $1 FOR UPDATE', [project.name])).rows[0];
  await db.query('UPDATE projects SET metadata = $2, spec = $3, updated_at = now() WHERE name = $1', [project.name, project.metadata, project.spec]);
  if (before && canonicalJson(before.spec) !== canonicalJson(project.spec)) await reassignProject(db, project.name);
}

/** Deletes a project; the caller checked that no application uses it (the foreign key would refuse). */
export async function deleteProject(db: Queryable, name: string): Promise<void> {
  await db.query('DELETE FROM projects WHERE name = $1', [name]);
}

/** The applications that use each of these projects, by project name. */
export async function projectUsers(db: Queryable, names: string[]): Promise<Record<string, string[]>> {
  const rows = (await db.query<{ project: string; name: string }>('SELECT project, name FROM applications WHERE project = ANY($1) ORDER BY name', [names])).rows;
  const users: Record<string, string[]> = {};
  for (const r of rows) (users[r.project] ??= []).push(r.name);
  return users;
}
