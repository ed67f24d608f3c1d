// The audit log: who (actor) did what (action) to which object (resource, object), how it ended
// (result) and when, written by every mutating API call, by RBAC denials, token use, logins and the
// operation outcomes agents report. Read newest first with filters and keyset paging by id; pruned
// by age (audit-retention.ts). Entries carry no secrets: callers put names and ids in `detail`,
// never token values or passwords.
import type { Queryable } from './db.ts';

/** How an audited act ended. */
export type AuditResult = 'success' | 'failure' | 'denied';

/** The results an entry may have. */
export const AUDIT_RESULTS: readonly AuditResult[] = ['success', 'failure', 'denied'];

/** One audit entry. */
export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  action: string;
  resource: string;
  object: string;
  result: AuditResult;
  detail: Record<string, unknown>;
}

/** What a caller writes: `result` defaults to success. */
export type AuditWrite = Omit<AuditEntry, 'id' | 'at' | 'result'> & { result?: AuditResult };

/** Appends an entry. */
export async function recordAudit(db: Queryable, entry: AuditWrite): Promise<void> {
  await db.query(
    'INSERT INTO audit_log (actor, action, resource, object, result, detail) VALUES ($1, $2, $3, $4, $5, $6)',
    [entry.actor, entry.action, entry.resource, entry.object, entry.result ?? 'success', entry.detail],
  );
}

/**
 * Appends an entry unless one with the same actor, action, resource, object and result was written
 * in the last `windowSeconds` (on any replica); answers whether it wrote. For acts repeated on
 * every request (a token's use, a denial), so that they are seen without growing the log per request.
 */
export async function recordAuditCoalesced(db: Queryable, entry: AuditWrite, windowSeconds: number): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO audit_log (actor, action, resource, object, result, detail)
       SELECT $1, $2, $3, $4, $5, $6
        WHERE NOT EXISTS (SELECT 1 FROM audit_log WHERE resource = $3 AND object = $4 AND at > now() - make_interval(secs => $7)
                            AND actor = $1 AND action = $2 AND result = $5)`,
    [entry.actor, entry.action, entry.resource, entry.object, entry.result ?? 'success', entry.detail, windowSeconds],
  );
  return result.rowCount === 1;
}

/** Whether `actor` has a `denied` entry written in the last `withinMs` (by the store's clock). */
export async function hasDenialSince(db: Queryable, actor: string, withinMs: number): Promise<boolean> {
  const rows = (await db.query("SELECT 1 FROM audit_log WHERE actor = $1 AND at >= now() - make_interval(secs => $2) AND result = 'denied' LIMIT 1", [actor, withinMs / 1000])).rows;
  return rows.length > 0;
}

/** What `listAudit` selects: every field an exact match; `before` is the paging key (an id). */
export interface AuditFilter {
  actor?: string;
  action?: string;
  resource?: string;
  object?: string;
  result?: AuditResult;
  /** At or after this instant. */
  since?: Date;
  /** Before this instant. */
  until?: Date;
  /** Only entries with a smaller id (the `continue` of the previous page). */
  before?: number;
  /** At most this many (default 100). */
  limit?: number;
}

/** A page of entries, newest first, and the key of the next page when there is one. */
export interface AuditPage {
  items: AuditEntry[];
  next?: number;
}

/** Entries matching `filter`, newest first (by id), one page. */
export async function listAudit(db: Queryable, filter: AuditFilter = {}): Promise<AuditPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const field of ['actor', 'action', 'resource', 'object', 'result'] as const) {
    if (filter[field] !== undefined) where.push(`${field} = $${params.push(filter[field])}`);
  }
  if (filter.since) where.push(`at >= $${params.push(filter.since)}`);
  if (filter.until) where.push(`at < $${params.push(filter.until)}`);
  if (filter.before !== undefined) where.push(`id < $${params.push(filter.before)}`);
  const limit = filter.limit ?? 100;
  params.push(limit + 1);
  const rows = (await db.query<Omit<AuditEntry, 'id'> & { id: string }>(
    `SELECT id, at, actor, action, resource, object, result, detail FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  )).rows;
  const items = rows.slice(0, limit).map((r) => ({ ...r, id: Number(r.id) }));
  return rows.length > limit ? { items, next: items[items.length - 1]!.id } : { items };
}

/** Deletes entries older than `cutoff`, at most `batch` rows a statement (short locks); answers how many. */
export async function pruneAudit(db: Queryable, cutoff: Date, batch = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = (await db.query('DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < $1 ORDER BY at LIMIT $2)', [cutoff, batch])).rowCount ?? 0;
    total += deleted;
    if (deleted < batch) return total;
  }
}
