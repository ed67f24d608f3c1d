// What the hub does with an agent's status report: store it (latest wins), and when it carries the
// outcome of the pending operation or the end of a cascade deletion, settle those in the store.
import type { StatusMessage } from '@flotilla/shared';
import type pg from 'pg';
import { withTransaction } from '../store/db.ts';
import { deleteApplicationRow, getApplication, setOperation } from '../store/applications.ts';
import { assignmentOf, recordAssignment } from '../store/assignments.ts';
import { saveStatus } from '../store/status.ts';
import { historyEntryOf } from '../store/history-entry.ts';
import { recordHistory } from '../store/sync-history.ts';

const TERMINAL = new Set(['Succeeded', 'Failed', 'Error']);

/**
 * Stores a status report from cluster `clusterId` and settles operations and deletions it finishes.
 * `onOwnedStatus` hears, after the commit, of a stored status of an app-of-apps child (its parent
 * may be waiting for it to start the next sync wave).
 */
export async function handleStatus(pool: pg.Pool, clusterId: number, message: StatusMessage, onOwnedStatus?: (parent: string) => void): Promise<'stored' | 'stale' | 'foreign'> {
  let owner: string | null = null;
  const result = await withTransaction(pool, async (db) => {
    const app = await getApplication(db, message.app, { forUpdate: true });
    if (!app || app.clusterId !== clusterId) return 'foreign';
    const result = await saveStatus(db, clusterId, message.app, message.seq, message.status);
    if (result !== 'stored') return result;
    owner = app.owner;
    const op = message.status.operationState;
    if (op && app.operation?.id === op.id) {
      await db.query(
        `UPDATE operations SET phase = $2, message = $3, started_at = COALESCE(started_at, $4::timestamptz, now()),
           finished_at = CASE WHEN $5 THEN COALESCE($6::timestamptz, now()) ELSE finished_at END WHERE id = $1`,
        [op.id, op.phase, op.message ?? null, op.startedAt ?? null, TERMINAL.has(op.phase), op.finishedAt ?? null],
      );
      if (TERMINAL.has(op.phase)) {
        if (op.phase === 'Succeeded' && app.operation.kind !== 'terminate') {
          await recordHistory(db, historyEntryOf(app, message.status.sync, { id: op.id, initiatedBy: app.operation.initiatedBy }));
        }
        await setOperation(db, app.name, null);
        await recordAssignment(db, clusterId, app.name, assignmentOf({ ...app, operation: null }));
      }
    }
    if (message.status.deleted && app.deletion) {
      await deleteApplicationRow(db, app.name);
      await recordAssignment(db, clusterId, app.name, null);
    }
    return result;
  });
  if (owner !== null) onOwnedStatus?.(owner);
  return result;
}
