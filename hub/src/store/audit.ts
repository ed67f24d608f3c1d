// The audit log: who did what to which object, written by every mutating API call.
import type { Queryable } from './db.ts';

/** One audit entry. */
export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  action: string;
  resource: string;
  object: string;
  detail: Record<string, unknown>;
}

/** Appends an entry. */
export async function recordAudit(db: Queryable, entry: Omit<AuditEntry, 'id' | 'at'>): Promise<void> {
  await db.query('INSERT INTO audit_log (actor, action, resource, object, detail) VALUES ($1, $2, $3, $4, $5)', [entry.actor, entry.action, entry.resource, entry.object, entry.detail]);
}

/** Entries, newest first, optionally of one object. */
export async function listAudit(db: Queryable, filter: { resource?: string; object?: string; limit?: number } = {}): Promise<AuditEntry[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.resource) where.push(`resource = $${params.push(filter.resource)}`);
  if (filter.object) where.push(`object = $${params.push(filter.object)}`);
  params.push(filter.limit ?? 100);
  const rows = (await db.query<{ id: string; at: Date; actor: string; action: string; resource: string; object: string; detail: Record<string, unknown> }>(
    `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  )).rows;
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
