// The change feed (migration 015): rows the triggers write for every change of an application or a
// cluster, read by each replica's feed reader and by a resumed stream, pruned to minutes.
import type { Queryable } from './db.ts';

/** The channel the triggers NOTIFY (empty payload). */
export const CHANGE_CHANNEL = 'flotilla_changes';

/** One change: an application or a cluster named `name` changed (or is gone). */
export interface Change {
  id: number;
  kind: 'application' | 'cluster';
  name: string;
  /** A deleted application's project (its RBAC object is `<project>/<name>`). */
  project: string | null;
  deleted: boolean;
}

interface ChangeRow {
  id: string;
  kind: Change['kind'];
  name: string;
  project: string | null;
  deleted: boolean;
}

const toChange = (r: ChangeRow): Change => ({ id: Number(r.id), kind: r.kind, name: r.name, project: r.project, deleted: r.deleted });

/** The highest id written so far (0 when none). */
export async function latestChangeId(db: Queryable): Promise<number> {
  return Number((await db.query<{ id: string | null }>('SELECT max(id) AS id FROM change_feed')).rows[0]?.id ?? 0);
}

/** Changes after `after` and those with the ids in `gaps`, ascending, at most `limit`. */
export async function readChanges(db: Queryable, after: number, gaps: number[], limit: number): Promise<Change[]> {
  const rows = (await db.query<ChangeRow>(
    'SELECT id, kind, name, project, deleted FROM change_feed WHERE id > $1 OR id = ANY($2::bigint[]) ORDER BY id LIMIT $3',
    [after, gaps, limit],
  )).rows;
  return rows.map(toChange);
}

/**
 * What a stream resumed after `after` missed, of `kind`, through `through`: undefined when the
 * log no longer reaches back that far (or `after` is not an id of it), so the client must reload.
 * Changes written up to `lookbackMs` before `after` are included again: one that committed late
 * (a lower id) may not have been sent.
 */
export async function changesToResume(db: Queryable, kind: Change['kind'], after: number, through: number, lookbackMs: number): Promise<Change[] | undefined> {
  const horizon = Number((await db.query<{ pruned_through: string }>('SELECT pruned_through FROM change_feed_horizon')).rows[0]?.pruned_through ?? 0);
  if (after < horizon || after > through) return undefined;
  const rows = (await db.query<ChangeRow>(
    `SELECT id, kind, name, project, deleted FROM change_feed
      WHERE kind = $1 AND id <= $3 AND (id > $2 OR at >= (SELECT at FROM change_feed WHERE id = $2) - make_interval(secs => $4))
      ORDER BY id`,
    [kind, after, through, lookbackMs / 1000],
  )).rows;
  return rows.map(toChange);
}

/** Deletes changes older than `maxAgeMs` or beyond the newest `maxRows`, moving the horizon; returns how many. */
export async function pruneChanges(db: Queryable, maxAgeMs: number, maxRows: number): Promise<number> {
  const res = await db.query<{ pruned: string; through: string | null }>(
    `WITH doomed AS (
       DELETE FROM change_feed WHERE at < now() - make_interval(secs => $1) OR id <= (SELECT max(id) - $2 FROM change_feed) RETURNING id),
     moved AS (
       UPDATE change_feed_horizon SET pruned_through = GREATEST(pruned_through, (SELECT max(id) FROM doomed)) WHERE EXISTS (SELECT 1 FROM doomed) RETURNING 1)
     SELECT (SELECT count(*) FROM doomed) AS pruned, (SELECT count(*) FROM moved) AS through`,
    [maxAgeMs / 1000, maxRows],
  );
  return Number(res.rows[0]?.pruned ?? 0);
}
