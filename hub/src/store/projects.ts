// AppProjects: read-only for now (the `default` project exists from the first migration); the
// tenancy work adds create, update and enforcement.
import type { Queryable } from './db.ts';

/** A stored project. */
export interface ProjectRecord {
  name: string;
  spec: Record<string, unknown>;
  createdAt: Date;
}

/** Every project, by name. */
export async function listProjects(db: Queryable): Promise<ProjectRecord[]> {
  return (await db.query<{ name: string; spec: Record<string, unknown>; created_at: Date }>('SELECT * FROM projects ORDER BY name')).rows
    .map((r) => ({ name: r.name, spec: r.spec, createdAt: r.created_at }));
}

/** One project by name. */
export async function getProject(db: Queryable, name: string): Promise<ProjectRecord | undefined> {
  const row = (await db.query<{ name: string; spec: Record<string, unknown>; created_at: Date }>('SELECT * FROM projects WHERE name = $1', [name])).rows[0];
  return row && { name: row.name, spec: row.spec, createdAt: row.created_at };
}
