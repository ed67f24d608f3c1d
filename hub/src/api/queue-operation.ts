// Queuing an operation for an application's agent, in one transaction with the application locked:
// the operation is set on the application, recorded in `operations`, and carried by a new
// assignment revision of its cluster (so the agent hears of it, and runs it once by id).
import { FlotillaError, notFound } from '@flotilla/shared';
import type pg from 'pg';
import { withTransaction } from '../store/db.ts';
import { getApplication, setOperation, type ApplicationRecord, type PendingOperation } from '../store/applications.ts';
import { assignmentOf, recordAssignment } from '../store/assignments.ts';

/** What to queue: the operation built from the locked application, and what its `operations` row records beside it. */
export interface QueuedOperation {
  operation: PendingOperation;
  /** Kept in `operations.spec` only (not sent to the agent), e.g. the id a terminate stops. */
  extra?: Record<string, unknown>;
}

/**
 * Queues the operation `build` makes from the application as locked now (it may throw a refusal).
 * Another operation in progress is a 409, unless `replaces` says this one may take its place (a
 * terminate); an application being deleted is a 409.
 */
export async function queueOperation(pool: pg.Pool, name: string, build: (current: ApplicationRecord) => QueuedOperation, options: { replaces?: boolean } = {}): Promise<PendingOperation> {
  return withTransaction(pool, async (db) => {
    const current = await getApplication(db, name, { forUpdate: true });
    if (!current) throw notFound('application', name);
    if (current.deletion) throw new FlotillaError('FLT_ERR_CONFLICT', `application "${current.name}" is being deleted`);
    if (current.operation && !options.replaces) throw new FlotillaError('FLT_ERR_CONFLICT', `another operation (${current.operation.kind} ${current.operation.id}) is already in progress`);
    const { operation, extra } = build(current);
    await setOperation(db, current.name, operation);
    await db.query('INSERT INTO operations (id, app_name, kind, spec, initiated_by) VALUES ($1, $2, $3, $4, $5)', [operation.id, current.name, operation.kind, { ...operation, ...extra }, operation.initiatedBy ?? null]);
    await recordAssignment(db, current.clusterId, current.name, assignmentOf({ ...current, operation }));
    return operation;
  });
}
