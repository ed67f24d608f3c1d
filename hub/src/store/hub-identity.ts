// The hub's epoch: one random id per store history, which agents keep and compare at hello. A store
// restored from a backup may hold revision logs that diverged from what agents acked, so resuming
// from an agent's revision could skip or replay changes; a new epoch makes every agent take a
// snapshot instead. A restore is told apart from a restart by the store's identity: PostgreSQL's
// system identifier and timeline (a new cluster, or a point-in-time recovery) and the database's
// oid (a dump restored into a re-created database). See docs/security.md.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Queryable } from './db.ts';

/** The store's identity: what changes when it is restored from a backup (pure formatting). */
export function storeIdentity(parts: { systemIdentifier?: string; timeline?: number; databaseOid: string }): string {
  return [parts.systemIdentifier ?? '-', parts.timeline ?? '-', parts.databaseOid].join('/');
}

async function readStoreIdentity(db: Queryable): Promise<string> {
  const databaseOid = (await db.query<{ oid: string }>('SELECT oid::text FROM pg_database WHERE datname = current_database()')).rows[0]!.oid;
  try {
    // pg_control_* need superuser or pg_monitor-like rights; without them the oid still tells a
    // dump restored into a new database.
    const control = (await db.query<{ system_identifier: string; timeline_id: number }>(
      'SELECT s.system_identifier::text, c.timeline_id FROM pg_control_system() s, pg_control_checkpoint() c',
    )).rows[0]!;
    return storeIdentity({ systemIdentifier: control.system_identifier, timeline: control.timeline_id, databaseOid });
  } catch {
    return storeIdentity({ databaseOid });
  }
}

/** The hub's epoch; a new one when the store is new or was restored (its identity changed). */
export async function loadEpoch(db: Queryable, log: Logger): Promise<string> {
  const identity = await readStoreIdentity(db);
  const stored = (await db.query<{ epoch: string; store_id: string }>('SELECT epoch, store_id FROM hub_identity')).rows[0];
  if (stored && stored.store_id === identity) return stored.epoch;
  // Replicas starting together agree: only the first to see the new identity writes an epoch.
  await db.query(
    `INSERT INTO hub_identity (epoch, store_id) VALUES ($1, $2)
       ON CONFLICT (singleton) DO UPDATE SET epoch = EXCLUDED.epoch, store_id = EXCLUDED.store_id, created_at = now()
       WHERE hub_identity.store_id <> EXCLUDED.store_id`,
    [randomBytes(12).toString('base64url'), identity],
  );
  if (stored) log.warn({ was: stored.store_id, now: identity }, 'the store was restored or moved: a new hub epoch, so every agent resumes from a snapshot');
  return (await db.query<{ epoch: string }>('SELECT epoch FROM hub_identity')).rows[0]!.epoch;
}
