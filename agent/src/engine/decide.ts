// What a reconcile pass does for one application (pure: no await, no store, no logger). It takes
// the assignment, what the comparison found, the operation run in progress (as stored), the
// operations already finished, and the clock, and answers one decision:
// - continue the run in progress (a later wave, a hook, a retry when its time has come), or hold it
//   while the project's sync windows forbid its next step (Argo CD: unless syncOverrun);
// - wait for a retry's time;
// - terminate the run (app terminate-op);
// - start a run: a pending operation from the hub (sync or rollback, once by id), or an automated
//   sync for a new target or, with selfHeal, for drift;
// - or nothing but report.
// An operation from the hub supersedes an automated run in progress (it is terminated first); an
// automated sync that failed for a bundle is not started again for it (Argo CD does not retry the
// same revision automatically) unless its retry policy does so, within the run.
import type { Operation } from '@flotilla/shared';
import type { OperationRun } from './operation.ts';

/** What decide looks at. */
export interface DecideInput {
  /** The assignment's target bundle (null: not rendered yet), its pending operation and sync policy. */
  bundle: string | null;
  revision: string | null;
  operation?: Operation;
  automated?: { prune: boolean; selfHeal: boolean; allowEmpty?: boolean };
  /** The run in progress, as stored (any origin). */
  run?: OperationRun;
  /** Ids of operations from the hub that already finished here. */
  finished: ReadonlySet<string>;
  /** Live differs from the bundle (objects OutOfSync, or extraneous ones). */
  drifted: boolean;
  /** The bundle last synced successfully (or found in sync). */
  lastSynced?: string;
  /** The bundle an automated sync last failed for (and gave up on). */
  lastFailed?: string;
  /** Every live resource of the app would be pruned: the bundle has none (Argo CD's allowEmpty guard). */
  wipesOut?: boolean;
  /** Self-heal may revert drift now (the revert rate of a field fight is bounded). */
  selfHealAllowed?: boolean;
  /** Automated syncs are allowed now (no deny sync window in force). */
  automatedAllowed?: boolean;
  /** The run in progress may take its next step now under the sync windows (syncOverrun considered), or why not. */
  runAllowed?: { allowed: boolean; reason?: string };
  now: number;
}

/** The one thing a pass does. */
export type Decision =
  | { kind: 'idle'; reason: string; condition?: { type: 'SyncError'; message: string } }
  | { kind: 'continue' }
  | { kind: 'hold'; reason: string }
  | { kind: 'wait-retry'; untilMs: number }
  | { kind: 'retry' }
  | { kind: 'terminate'; runId: string; then?: Decision }
  | { kind: 'start'; start: RunStart };

/** The run to start; its tasks are planned by the executor from the bundle. */
export interface RunStart {
  id: string;
  kind: 'sync' | 'rollback';
  initiatedBy: string;
  bundle: string;
  revision: string | null;
  prune: boolean;
  dryRun: boolean;
  syncOptions: string[];
  resources?: { group: string; kind: string; name: string; namespace?: string }[];
  reason: 'operation' | 'new target' | 'self-heal';
}

/** Decides a pass (see the module comment). */
export function decide(input: DecideInput): Decision {
  const { run, operation } = input;
  const pendingOp = operation && !input.finished.has(operation.id) ? operation : undefined;
  if (pendingOp?.kind === 'terminate') {
    return run && run.phase === 'Running' ? { kind: 'terminate', runId: run.id } : { kind: 'idle', reason: 'nothing to terminate' };
  }
  if (run && run.phase === 'Running') {
    // A user's operation supersedes an automated run in progress.
    if (pendingOp && run.id !== pendingOp.id && run.initiatedBy === 'automated') {
      const start = fromOperation(pendingOp, input);
      return { kind: 'terminate', runId: run.id, ...(start ? { then: { kind: 'start', start } } : {}) };
    }
    if (run.retryAt !== undefined) {
      const at = Date.parse(run.retryAt);
      if (at > input.now) return { kind: 'wait-retry', untilMs: at };
    }
    if (input.runAllowed?.allowed === false) return { kind: 'hold', reason: input.runAllowed.reason ?? 'Sync operation blocked by sync window' };
    return run.retryAt !== undefined ? { kind: 'retry' } : { kind: 'continue' };
  }
  if (pendingOp) {
    const start = fromOperation(pendingOp, input);
    return start ? { kind: 'start', start } : { kind: 'idle', reason: 'the operation names no bundle and the application is not rendered yet' };
  }
  const automated = input.automated;
  if (!automated || input.bundle === null) return { kind: 'idle', reason: automated ? 'not rendered yet' : 'automated sync is off' };
  if (!input.drifted) return { kind: 'idle', reason: 'in sync' };
  if (input.automatedAllowed === false) return { kind: 'idle', reason: 'a sync window denies automated syncs now' };
  const newTarget = input.lastSynced !== input.bundle;
  if (newTarget && input.lastFailed === input.bundle) return { kind: 'idle', reason: 'the last automated sync of this bundle failed: not retried automatically (sync it, or change it)' };
  if (!newTarget && !automated.selfHeal) return { kind: 'idle', reason: 'drift is reported, not reverted (selfHeal is off)' };
  if (!newTarget && input.selfHealAllowed === false) return { kind: 'idle', reason: 'self-heal is holding back: another writer keeps changing the same fields' };
  // Argo CD's guard against a source that suddenly renders nothing: automated prune does not empty an application unless allowEmpty.
  if (automated.prune && !automated.allowEmpty && input.wipesOut) {
    const message = `Skipping sync attempt to ${input.revision ?? input.bundle}: auto-sync will wipe out all resources`;
    return { kind: 'idle', reason: message, condition: { type: 'SyncError', message } };
  }
  return {
    kind: 'start',
    start: {
      id: `auto-${input.now.toString(36)}`,
      kind: 'sync',
      initiatedBy: 'automated',
      bundle: input.bundle,
      revision: input.revision,
      prune: automated.prune,
      dryRun: false,
      syncOptions: [],
      reason: newTarget ? 'new target' : 'self-heal',
    },
  };
}

function fromOperation(op: Operation, input: DecideInput): RunStart | undefined {
  const bundle = op.bundle ?? input.bundle;
  if (!bundle) return undefined;
  return {
    id: op.id,
    kind: op.kind === 'rollback' ? 'rollback' : 'sync',
    initiatedBy: op.initiatedBy ?? 'unknown',
    bundle,
    revision: op.bundle ? op.revision ?? null : input.revision,
    // A sync the user asked for prunes only when asked (automated.prune is for automated syncs), as in Argo CD.
    prune: op.prune ?? false,
    dryRun: op.dryRun ?? false,
    syncOptions: op.syncOptions ?? [],
    ...(op.resources?.length ? { resources: op.resources } : {}),
    reason: 'operation',
  };
}
