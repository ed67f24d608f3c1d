// Agent reports: application status (latest wins by sequence number, and only for applications
// assigned to the reporting cluster) and cluster events (deduplicated by per-cluster sequence).
import type { AppStatus, EventMessage } from '@flotilla/shared';
import type { Queryable } from './db.ts';

/** Stores a status if it is newer than the stored one; 'foreign' when the app is not on this cluster. */
export async function saveStatus(db: Queryable, clusterId: number, app: string, seq: number, status: AppStatus): Promise<'stored' | 'stale' | 'foreign'> {
  const res = await db.query<{ stored: boolean }>(
    `WITH target AS (SELECT name FROM applications WHERE name = $2 AND cluster_id = $1),
          up AS (
            INSERT INTO application_status (app_name, seq, status, updated_at) SELECT name, $3, $4, now() FROM target
            ON CONFLICT (app_name) DO UPDATE SET seq = EXCLUDED.seq, status = EXCLUDED.status, updated_at = now()
              WHERE application_status.seq < EXCLUDED.seq
            RETURNING 1)
     SELECT EXISTS (SELECT 1 FROM target) AS assigned, EXISTS (SELECT 1 FROM up) AS stored`,
    [clusterId, app, seq, status],
  );
  const row = res.rows[0] as unknown as { assigned: boolean; stored: boolean };
  if (!row.assigned) return 'foreign';
  return row.stored ? 'stored' : 'stale';
}

/** Stores an event once; false when that sequence number was already stored. */
export async function saveEvent(db: Queryable, clusterId: number, message: EventMessage): Promise<boolean> {
  const res = await db.query(
    'INSERT INTO cluster_events (cluster_id, seq, app_name, event) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    [clusterId, message.seq, message.app ?? null, message.event],
  );
  return (res.rowCount ?? 0) > 0;
}

/** Recent events of a cluster, optionally of one app, newest first. */
export async function listEvents(db: Queryable, clusterId: number, app?: string, limit = 100): Promise<{ seq: number; app: string | null; event: EventMessage['event']; receivedAt: Date }[]> {
  const rows = (await db.query<{ seq: string; app_name: string | null; event: EventMessage['event']; received_at: Date }>(
    `SELECT seq, app_name, event, received_at FROM cluster_events WHERE cluster_id = $1 ${app ? 'AND app_name = $3' : ''} ORDER BY seq DESC LIMIT $2`,
    app ? [clusterId, limit, app] : [clusterId, limit],
  )).rows;
  return rows.map((r) => ({ seq: Number(r.seq), app: r.app_name, event: r.event, receivedAt: r.received_at }));
}
