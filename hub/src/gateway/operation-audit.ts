// Audits what a status report tells about operations (operation-events.ts): an automated sync the
// agent started (actor `automated`) and every operation's outcome, under the actor who started it
// (the hub operation's initiator, or `automated`), with `terminatedBy` when a terminate ended it.
// Runs in the status report's transaction, so an outcome is audited once, with the report.
import type { ApplicationRecord } from '../store/applications.ts';
import { recordAudit } from '../store/audit.ts';
import type { Queryable } from '../store/db.ts';
import { operationEvents, type OperationEvent, type ReportedOperationState } from './operation-events.ts';

/** The longest operation message kept in an entry (the operation itself keeps all of it). */
const MAX_MESSAGE = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Audits the operation events between `app`'s stored report and the new `reported` state. */
export async function auditOperationReport(db: Queryable, app: ApplicationRecord, reported: ReportedOperationState | undefined): Promise<void> {
  const previous = (app.status?.status as { operationState?: ReportedOperationState } | undefined)?.operationState;
  for (const event of operationEvents(previous, reported)) {
    if (event.kind === 'started') {
      await recordAudit(db, { actor: 'automated', action: 'sync', resource: 'applications', object: app.name, detail: { operation: event.id, automated: true } });
      continue;
    }
    const who = await initiatorOf(db, app, event);
    await recordAudit(db, {
      actor: who.actor, action: 'operation', resource: 'applications', object: app.name, result: event.result,
      detail: {
        operation: event.id, kind: who.kind, phase: event.phase,
        ...(event.message ? { message: event.message.slice(0, MAX_MESSAGE) } : {}),
        ...(who.dryRun ? { dryRun: true } : {}),
        ...(who.terminatedBy ? { terminatedBy: who.terminatedBy } : {}),
      },
    });
  }
}

interface Initiator {
  actor: string;
  kind: string;
  dryRun?: boolean;
  terminatedBy?: string;
}

// Who started the finished operation: the agent's own (automated), the pending one, or a stored
// hub operation (one a terminate replaced as the pending operation).
async function initiatorOf(db: Queryable, app: ApplicationRecord, event: Extract<OperationEvent, { kind: 'finished' }>): Promise<Initiator> {
  const pending = app.operation;
  let terminatedBy: string | undefined;
  if (pending?.kind === 'terminate') {
    const row = (await db.query<{ terminates: string | null }>("SELECT spec->>'terminates' AS terminates FROM operations WHERE id = $1", [pending.id])).rows[0];
    if (row?.terminates === event.id) terminatedBy = pending.initiatedBy ?? 'unknown';
  }
  const extra = terminatedBy ? { terminatedBy } : {};
  if (event.automated) return { actor: 'automated', kind: 'sync', ...extra };
  if (pending && pending.id === event.id) return { actor: pending.initiatedBy ?? 'unknown', kind: pending.kind, ...(pending.dryRun ? { dryRun: true } : {}), ...extra };
  const stored = UUID.test(event.id)
    ? (await db.query<{ kind: string; initiated_by: string | null }>('SELECT kind, initiated_by FROM operations WHERE id = $1', [event.id])).rows[0]
    : undefined;
  return { actor: stored?.initiated_by ?? 'unknown', kind: stored?.kind ?? 'sync', ...extra };
}
