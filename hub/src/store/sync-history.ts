// Sync history: one row per successful sync (the agent's, or the hub's own for an app of apps),
// read back as Argo CD's `status.history[]`. A multi-source application's entries carry each
// source's revision and the sources synced (in `detail`, beside who started the sync). An
// application keeps its newest `spec.revisionHistoryLimit` entries (Argo CD's default 10): older
// ones are deleted as a new one is written, and only those kept are shown. An automated sync the
// agent ran has an id of its own (`auto-…`, not a hub operation's uuid): it is kept in `detail`.
import type { Queryable } from './db.ts';
import type { SourceLike } from './applications.ts';
import type { HistoryWrite } from './history-entry.ts';

/** How many entries an application keeps and shows without `spec.revisionHistoryLimit` (Argo CD's default). */
export const HISTORY_SHOWN = 10;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The history an application keeps: `spec.revisionHistoryLimit`, 10 without one, never below 0. */
export function historyLimitOf(spec: Record<string, unknown>): number {
  const limit = spec.revisionHistoryLimit;
  return typeof limit === 'number' && Number.isInteger(limit) ? Math.max(0, limit) : HISTORY_SHOWN;
}

/** One stored history entry. */
export interface HistoryEntry {
  id: number;
  revision: string | null;
  revisions?: string[];
  source?: SourceLike;
  sources?: SourceLike[];
  bundleKey: string | null;
  operationId: string | null;
  initiatedBy: string | null;
  deployedAt: Date;
  /** When the sync operation started, if the operation is still on record. */
  deployStartedAt: Date | null;
  /** Started by the agent's automated sync policy, not by a user. */
  automated?: boolean;
}

interface Detail {
  initiatedBy?: string | null;
  automated?: boolean;
  /** The id of an operation that is not a hub operation (an automated sync's `auto-…`). */
  operationId?: string;
  revisions?: string[];
  source?: SourceLike;
  sources?: SourceLike[];
}

/** Writes one history entry and drops the application's entries beyond `keep` (its revisionHistoryLimit). */
export async function recordHistory(db: Queryable, entry: HistoryWrite, options: { keep?: number; automated?: boolean } = {}): Promise<void> {
  const hubOperation = UUID.test(entry.operationId);
  const detail: Detail = {
    initiatedBy: entry.initiatedBy,
    ...(options.automated ? { automated: true } : {}),
    ...(hubOperation ? {} : { operationId: entry.operationId }),
    ...(entry.revisions ? { revisions: entry.revisions } : {}),
    ...(entry.source ? { source: entry.source } : {}),
    ...(entry.sources ? { sources: entry.sources } : {}),
  };
  await db.query('INSERT INTO sync_history (app_name, revision, bundle_key, operation_id, detail) VALUES ($1, $2, $3, $4, $5)', [entry.app, entry.revision, entry.bundleKey, hubOperation ? entry.operationId : null, detail]);
  await db.query(
    `DELETE FROM sync_history WHERE app_name = $1 AND id NOT IN (SELECT id FROM sync_history WHERE app_name = $1 ORDER BY id DESC LIMIT $2)`,
    [entry.app, options.keep ?? HISTORY_SHOWN],
  );
}

/** Whether an entry for this operation id is recorded already (a report of it delivered twice). */
export async function hasHistoryFor(db: Queryable, app: string, operationId: string): Promise<boolean> {
  const hubOperation = UUID.test(operationId);
  const found = await db.query(
    hubOperation ? 'SELECT 1 FROM sync_history WHERE app_name = $1 AND operation_id = $2::uuid' : `SELECT 1 FROM sync_history WHERE app_name = $1 AND detail->>'operationId' = $2`,
    [app, operationId],
  );
  return (found.rowCount ?? 0) > 0;
}

/** The newest entries of each named application (its revisionHistoryLimit, at most `limit`), oldest first (as Argo CD lists them). */
export async function historyOf(db: Queryable, names: string[], limit = 1000): Promise<Map<string, HistoryEntry[]>> {
  const rows = (await db.query<{ id: string; app_name: string; revision: string | null; bundle_key: string | null; operation_id: string | null; deployed_at: Date; detail: Detail; started_at: Date | null }>(
    `SELECT h.*, o.started_at FROM (
       SELECT *, row_number() OVER (PARTITION BY app_name ORDER BY id DESC) AS nth FROM sync_history WHERE app_name = ANY($1)
     ) h JOIN applications a ON a.name = h.app_name LEFT JOIN operations o ON o.id = h.operation_id
     WHERE h.nth <= LEAST($2, CASE WHEN jsonb_typeof(a.spec->'revisionHistoryLimit') = 'number' THEN GREATEST(0, (a.spec->>'revisionHistoryLimit')::numeric)::bigint ELSE $3 END)
     ORDER BY h.app_name, h.id`,
    [names, limit, HISTORY_SHOWN],
  )).rows;
  const byApp = new Map<string, HistoryEntry[]>();
  for (const row of rows) {
    const { initiatedBy = null, automated, operationId, revisions, source, sources } = row.detail;
    const entry: HistoryEntry = {
      id: Number(row.id), revision: row.revision, bundleKey: row.bundle_key, operationId: row.operation_id ?? operationId ?? null, initiatedBy, deployedAt: row.deployed_at, deployStartedAt: row.started_at,
      ...(automated ? { automated } : {}), ...(revisions ? { revisions } : {}), ...(source ? { source } : {}), ...(sources ? { sources } : {}),
    };
    const list = byApp.get(row.app_name);
    if (list) list.push(entry);
    else byApp.set(row.app_name, [entry]);
  }
  return byApp;
}
