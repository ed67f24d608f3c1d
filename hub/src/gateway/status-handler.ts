// What the hub does with an agent's status report: store it (latest wins), and when it carries the
// outcome of the pending operation or the end of a cascade deletion, settle those in the store.
// A successful sync goes into the history: the hub's operations (a revision sync or a rollback with
// the bundle and revision it carried), and the automated syncs the agent starts itself (`auto-…`).
// A pending terminate is settled when the run it stops is reported finished (or, when that run
// never started, by any report with nothing running). Operation starts and outcomes are audited
// (operation-audit.ts).
import type { StatusMessage } from '@flotilla/shared';
import type pg from 'pg';
import { withTransaction } from '../store/db.ts';
import { deleteApplicationRow, getApplication, setOperation, type ApplicationRecord } from '../store/applications.ts';
import type { Queryable } from '../store/db.ts';
import { assignmentOf, recordAssignment } from '../store/assignments.ts';
import { saveStatus } from '../store/status.ts';
import { historyEntryOf } from '../store/history-entry.ts';
import { hasHistoryFor, historyLimitOf, recordHistory } from '../store/sync-history.ts';
import { auditOperationReport } from './operation-audit.ts';

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
    await auditOperationReport(db, app, message.status.operationState);
    owner = app.owner;
    const op = message.status.operationState;
    if (op && app.operation?.kind === 'terminate') await settleTerminate(db, clusterId, app, op);
    else if (op && app.operation?.id === op.id) {
      await recordPhase(db, op);
      if (TERMINAL.has(op.phase)) {
        const pending = app.operation;
        if (op.phase === 'Succeeded' && !pending.dryRun) {
          // A revision sync or a rollback synced the bundle it carried, not the target the agent reports beside it.
          const synced = pending.bundle ? { revision: pending.revision, bundle: pending.bundle } : message.status.sync;
          await recordHistory(db, historyEntryOf(app, synced, { id: op.id, initiatedBy: pending.initiatedBy }), { keep: historyLimitOf(app.spec) });
        }
        await clearOperation(db, clusterId, app);
      }
    } else if (op && op.id.startsWith(AUTOMATED) && op.phase === 'Succeeded' && !(await hasHistoryFor(db, app.name, op.id))) {
      await recordHistory(db, historyEntryOf(app, message.status.sync, { id: op.id, initiatedBy: 'automated' }), { keep: historyLimitOf(app.spec), automated: true });
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

/** The id prefix of the automated syncs the agent starts (agent/src/engine/decide.ts). */
const AUTOMATED = 'auto-';

type ReportedOperation = NonNullable<StatusMessage['status']['operationState']>;

/** Records the phase of a hub operation as reported. */
async function recordPhase(db: Queryable, op: ReportedOperation): Promise<void> {
  await db.query(
    `UPDATE operations SET phase = $2, message = $3, started_at = COALESCE(started_at, $4::timestamptz, now()),
       finished_at = CASE WHEN $5 THEN COALESCE($6::timestamptz, now()) ELSE finished_at END WHERE id = $1`,
    [op.id, op.phase, op.message ?? null, op.startedAt ?? null, TERMINAL.has(op.phase), op.finishedAt ?? null],
  );
}

/** Drops the pending operation from the application and its assignment. */
async function clearOperation(db: Queryable, clusterId: number, app: ApplicationRecord): Promise<void> {
  await setOperation(db, app.name, null);
  await recordAssignment(db, clusterId, app.name, assignmentOf({ ...app, operation: null }));
}

/**
 * Settles a pending terminate: when the run it stops is reported finished, or when that run is a
 * hub operation the agent never reported started (it was replaced before it ran: it never will).
 */
async function settleTerminate(db: Queryable, clusterId: number, app: ApplicationRecord, op: ReportedOperation): Promise<void> {
  const terminate = app.operation!;
  if (!TERMINAL.has(op.phase)) return;
  const row = (await db.query<{ spec: { terminates?: string } }>('SELECT spec FROM operations WHERE id = $1', [terminate.id])).rows[0];
  const target = row?.spec.terminates;
  const targetRow = target && UUID.test(target) ? (await db.query<{ started_at: Date | null }>('SELECT started_at FROM operations WHERE id = $1', [target])).rows[0] : undefined;
  const neverStarted = targetRow !== undefined && targetRow.started_at === null;
  if (op.id !== target && !neverStarted) return;
  if (op.id === target && targetRow) await recordPhase(db, op);
  if (neverStarted && op.id !== target) {
    await db.query(`UPDATE operations SET phase = 'Failed', message = 'terminated before it started', finished_at = now() WHERE id = $1`, [target]);
  }
  await db.query(`UPDATE operations SET phase = 'Succeeded', message = $2, started_at = COALESCE(started_at, now()), finished_at = now() WHERE id = $1`, [terminate.id, `terminated ${target ?? 'the running operation'}`]);
  await clearOperation(db, clusterId, app);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
