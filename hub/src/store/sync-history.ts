// Sync history: one row per successful sync (the agent's, or the hub's own for an app of apps),
// read back as Argo CD's `status.history[]`. A multi-source application's entries carry each
// source's revision and the sources synced (in `detail`, beside who started the sync).
import type { Queryable } from './db.ts';
import type { SourceLike } from './applications.ts';
import type { HistoryWrite } from './history-entry.ts';

/** How many entries per application the API shows (Argo CD's default revisionHistoryLimit). */
export const HISTORY_SHOWN = 10;

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
}

interface Detail {
  initiatedBy?: string | null;
  revisions?: string[];
  source?: SourceLike;
  sources?: SourceLike[];
}

/** Writes one history entry. */
export async function recordHistory(db: Queryable, entry: HistoryWrite): Promise<void> {
  const detail: Detail = {
    initiatedBy: entry.initiatedBy,
    ...(entry.revisions ? { revisions: entry.revisions } : {}),
    ...(entry.source ? { source: entry.source } : {}),
    ...(entry.sources ? { sources: entry.sources } : {}),
  };
  await db.query('INSERT INTO sync_history (app_name, revision, bundle_key, operation_id, detail) VALUES ($1, $2, $3, $4, $5)', [entry.app, entry.revision, entry.bundleKey, entry.operationId, detail]);
}

/** The newest `limit` entries of each named application, oldest first (as Argo CD lists them). */
export async function historyOf(db: Queryable, names: string[], limit = HISTORY_SHOWN): Promise<Map<string, HistoryEntry[]>> {
  const rows = (await db.query<{ id: string; app_name: string; revision: string | null; bundle_key: string | null; operation_id: string | null; deployed_at: Date; detail: Detail; started_at: Date | null }>(
    `SELECT h.*, o.started_at FROM (
       SELECT *, row_number() OVER (PARTITION BY app_name ORDER BY id DESC) AS nth FROM sync_history WHERE app_name = ANY($1)
     ) h LEFT JOIN operations o ON o.id = h.operation_id WHERE h.nth <= $2 ORDER BY h.app_name, h.id`,
    [names, limit],
  )).rows;
  const byApp = new Map<string, HistoryEntry[]>();
  for (const row of rows) {
    const { initiatedBy = null, revisions, source, sources } = row.detail;
    const entry: HistoryEntry = {
      id: Number(row.id), revision: row.revision, bundleKey: row.bundle_key, operationId: row.operation_id, initiatedBy, deployedAt: row.deployed_at, deployStartedAt: row.started_at,
      ...(revisions ? { revisions } : {}), ...(source ? { source } : {}), ...(sources ? { sources } : {}),
    };
    const list = byApp.get(row.app_name);
    if (list) list.push(entry);
    else byApp.set(row.app_name, [entry]);
  }
  return byApp;
}
