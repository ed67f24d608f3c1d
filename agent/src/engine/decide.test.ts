import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Operation } from '@flotilla/shared';
import { decide, type DecideInput, type Decision } from './decide.ts';
import type { OperationRun } from './operation.ts';

const NOW = Date.parse('2026-12-01T10:00:00.000Z');
const base: DecideInput = { bundle: 'sha256:new', revision: 'c2', finished: new Set(), drifted: true, lastSynced: 'sha256:old', now: NOW };
const auto = { prune: false, selfHeal: false };
const heal = { prune: true, selfHeal: true };
const op = (extra: Partial<Operation> = {}): Operation => ({ id: 'op-1', kind: 'sync', initiatedBy: 'alice', ...extra });
const running = (extra: Partial<OperationRun> = {}): OperationRun => ({
  id: 'op-1', app: 'a', kind: 'sync', initiatedBy: 'alice', bundle: 'sha256:new', revision: 'c2', prune: false, dryRun: false, syncOptions: [],
  phase: 'Running', message: '', startedAt: '2026-12-01T09:59:00.000Z', tasks: [], failing: false, attempt: 0, ...extra,
});

/** A decision in a line: kind plus what matters. */
function show(d: Decision): string {
  switch (d.kind) {
    case 'idle': return `idle: ${d.reason}`;
    case 'start': return `start ${d.start.id} ${d.start.kind} ${d.start.bundle} by ${d.start.initiatedBy} (${d.start.reason})${d.start.prune ? ' prune' : ''}${d.start.dryRun ? ' dry-run' : ''}${d.start.resources ? ` ${d.start.resources.length} resource(s)` : ''}`;
    case 'terminate': return `terminate ${d.runId}${d.then ? ` then ${show(d.then)}` : ''}`;
    case 'wait-retry': return `wait until ${new Date(d.untilMs).toISOString()}`;
    case 'hold': return `hold: ${d.reason}`;
    default: return d.kind;
  }
}

describe('decide', () => {
  // name | input over base | decision
  const rows: [string, Partial<DecideInput>, string][] = [
    // automated syncs
    ['manual policy, drifted: only reported', {}, 'idle: automated sync is off'],
    ['automated, new target', { automated: auto }, 'start auto-mim0xxxx sync sha256:new by automated (new target)'],
    ['automated, in sync', { automated: auto, drifted: false }, 'idle: in sync'],
    ['automated, not rendered yet', { automated: auto, bundle: null }, 'idle: not rendered yet'],
    ['automated without selfHeal: drift of the synced bundle is only reported', { automated: auto, lastSynced: 'sha256:new' }, 'idle: drift is reported, not reverted (selfHeal is off)'],
    ['selfHeal reverts drift, with prune', { automated: heal, lastSynced: 'sha256:new' }, 'start auto-mim0xxxx sync sha256:new by automated (self-heal) prune'],
    ['selfHeal held back during a field fight', { automated: heal, lastSynced: 'sha256:new', selfHealAllowed: false }, 'idle: self-heal is holding back: another writer keeps changing the same fields'],
    ['a failed automated sync of this bundle is not restarted', { automated: auto, lastFailed: 'sha256:new' }, 'idle: the last automated sync of this bundle failed: not retried automatically (sync it, or change it)'],
    ['a new bundle after a failed one is synced', { automated: auto, lastFailed: 'sha256:old2' }, 'start auto-mim0xxxx sync sha256:new by automated (new target)'],
    ['a deny window holds automated syncs', { automated: auto, automatedAllowed: false }, 'idle: a sync window denies automated syncs now'],
    ['automated prune does not wipe out every resource (allowEmpty off)', { automated: { prune: true, selfHeal: false }, wipesOut: true }, 'idle: Skipping sync attempt to c2: auto-sync will wipe out all resources'],
    ['with allowEmpty it does', { automated: { prune: true, selfHeal: false, allowEmpty: true }, wipesOut: true }, 'start auto-mim0xxxx sync sha256:new by automated (new target) prune'],
    ['without prune an empty bundle prunes nothing: synced', { automated: auto, wipesOut: true }, 'start auto-mim0xxxx sync sha256:new by automated (new target)'],
    ['self-heal does not wipe out either', { automated: heal, lastSynced: 'sha256:new', wipesOut: true }, 'idle: Skipping sync attempt to c2: auto-sync will wipe out all resources'],
    // operations from the hub
    ['a sync operation runs once', { operation: op() }, 'start op-1 sync sha256:new by alice (operation)'],
    ['a sync the user asked for prunes only when asked, whatever automated.prune says', { operation: op(), automated: heal }, 'start op-1 sync sha256:new by alice (operation)'],
    ['a user sync may empty the app (allowEmpty guards automated syncs only)', { operation: op({ prune: true }), automated: heal, wipesOut: true }, 'start op-1 sync sha256:new by alice (operation) prune'],
    ['even with nothing drifted', { operation: op(), drifted: false }, 'start op-1 sync sha256:new by alice (operation)'],
    ['a finished operation is not run again', { operation: op(), finished: new Set(['op-1']) }, 'idle: automated sync is off'],
    ['sync to another revision: the bundle the hub rendered for it', { operation: op({ bundle: 'sha256:older', revision: 'c1' }) }, 'start op-1 sync sha256:older by alice (operation)'],
    ['rollback', { operation: op({ kind: 'rollback', bundle: 'sha256:older', revision: 'c1' }) }, 'start op-1 rollback sha256:older by alice (operation)'],
    ['dry run, prune, selected resources', { operation: op({ dryRun: true, prune: true, resources: [{ group: 'apps', kind: 'Deployment', name: 'web' }] }) }, 'start op-1 sync sha256:new by alice (operation) prune dry-run 1 resource(s)'],
    ['an operation before the first render waits', { operation: op(), bundle: null }, 'idle: the operation names no bundle and the application is not rendered yet'],
    // runs in progress
    ['a run in progress goes on', { run: running() }, 'continue'],
    ['a run in progress goes on even with automated sync and drift', { run: running({ initiatedBy: 'automated' }), automated: heal }, 'continue'],
    ['a retry not due yet waits', { run: running({ retryAt: '2026-12-01T10:00:05.000Z' }) }, 'wait until 2026-12-01T10:00:05.000Z'],
    ['a retry that is due runs', { run: running({ retryAt: '2026-12-01T09:59:59.000Z' }) }, 'retry'],
    ['terminate a run in progress', { run: running(), operation: op({ id: 'op-2', kind: 'terminate' }) }, 'terminate op-1'],
    // sync windows over a run in progress (syncOverrun is decided in shared runMayContinue)
    ['a run the windows forbid now is held', { run: running(), runAllowed: { allowed: false, reason: 'Sync operation blocked by sync window: deny window 0 is active' } }, 'hold: Sync operation blocked by sync window: deny window 0 is active'],
    ['a run the windows allow goes on', { run: running(), runAllowed: { allowed: true } }, 'continue'],
    ['a due retry the windows forbid is held', { run: running({ retryAt: '2026-12-01T09:59:59.000Z' }), runAllowed: { allowed: false, reason: 'no allow window is active' } }, 'hold: no allow window is active'],
    ['a retry not due yet waits, windows or not', { run: running({ retryAt: '2026-12-01T10:00:05.000Z' }), runAllowed: { allowed: false, reason: 'x' } }, 'wait until 2026-12-01T10:00:05.000Z'],
    ['a held run can still be terminated', { run: running(), runAllowed: { allowed: false, reason: 'x' }, operation: op({ id: 'op-2', kind: 'terminate' }) }, 'terminate op-1'],
    ['a user operation supersedes a held automated run', { run: running({ id: 'auto-1', initiatedBy: 'automated' }), runAllowed: { allowed: false, reason: 'x' }, operation: op({ id: 'op-2' }) }, 'terminate auto-1 then start op-2 sync sha256:new by alice (operation)'],
    ['terminate with nothing running', { operation: op({ id: 'op-2', kind: 'terminate' }) }, 'idle: nothing to terminate'],
    ['a user operation supersedes an automated run', { run: running({ id: 'auto-1', initiatedBy: 'automated' }), operation: op({ id: 'op-2' }) }, 'terminate auto-1 then start op-2 sync sha256:new by alice (operation)'],
    ['a second user operation waits for the first', { run: running(), operation: op({ id: 'op-2' }) }, 'continue'],
    ['a finished run does not hold back a new operation', { run: running({ phase: 'Succeeded' }), operation: op({ id: 'op-2' }) }, 'start op-2 sync sha256:new by alice (operation)'],
  ];
  for (const [name, over, expected] of rows) {
    it(name, () => assert.equal(show(decide({ ...base, ...over })).replace(/auto-[0-9a-z]{6,}/, 'auto-mim0xxxx'), expected));
  }
  it('the wipe-out refusal is a SyncError condition, as in Argo CD', () => {
    const d = decide({ ...base, automated: { prune: true, selfHeal: false }, wipesOut: true });
    assert.deepEqual(d.kind === 'idle' ? d.condition : undefined, { type: 'SyncError', message: 'Skipping sync attempt to c2: auto-sync will wipe out all resources' });
  });
});
