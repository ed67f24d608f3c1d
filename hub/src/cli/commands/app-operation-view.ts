// Pure parts of the operation commands (`app sync --wait`, `app rollback`, `app terminate-op`) and
// of `app get`'s operation block: where one operation stands in an application's answer, the
// progress line while waiting, and the operation state compactly: phase and message, per-wave
// timings (`result.waves`) and per-resource results (`result.resources`).
import { renderKeyValues, renderTable } from '../output.ts';

/** One task of the operation's result, as the agent reports it. */
export interface OperationResourceView {
  key: string;
  kind: string;
  phase: string;
  wave: number;
  status: string;
  result?: string;
  message?: string;
}

/** One phase and wave of the operation's result, with when it started and finished. */
export interface OperationWaveView {
  phase: string;
  wave: number;
  startedAt?: string;
  finishedAt?: string;
}

/** `status.operationState` as the API answers it. */
export interface OperationStateView {
  id: string;
  phase: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  /** The agent's ChangeSet: the revision the run applies (Argo CD's syncResult.revision), its tasks and waves. */
  result?: { revision?: string; resources?: OperationResourceView[]; waves?: OperationWaveView[] };
}

/** The parts of an application the operation views read. */
export interface OperationHolder {
  status: { operationState?: OperationStateView };
  operation?: { id: string; kind: string; revision?: string };
}

const TERMINAL = new Set(['Succeeded', 'Failed', 'Error']);

/** Where operation `id` stands: Pending (queued, not reported yet), a reported phase, or gone (settled without a report of its own). */
export function operationStatus(a: OperationHolder, id: string): { phase: string; message: string; done: boolean; state?: OperationStateView } {
  const state = a.status.operationState?.id === id ? a.status.operationState : undefined;
  if (a.operation?.id === id) return { phase: state?.phase ?? 'Pending', message: state?.message ?? '', done: false, ...(state ? { state } : {}) };
  if (state) return { phase: state.phase, message: state.message ?? '', done: TERMINAL.has(state.phase), state };
  // No longer pending and never reported: it was replaced (terminated before it started).
  return { phase: 'Unknown', message: 'the operation is no longer pending and its agent reported no outcome for it', done: true };
}

/** The line shown while waiting: `Running: wave 1 waiting for Deployment demo/web` (phase alone without a message). */
export function operationLine(phase: string, message: string): string {
  return message ? `${phase}: ${message}` : phase;
}

/** Seconds between two times, one decimal: `1.5s`; undefined when either is missing. */
function duration(from: string | undefined, to: string | undefined): string | undefined {
  if (!from || !to) return undefined;
  return `${(Math.max(0, Date.parse(to) - Date.parse(from)) / 1000).toFixed(1)}s`;
}

/** The waves compactly: `PreSync 0 1.2s, Sync 0 0.3s, Sync 1 running, PostSync 0 pending`. */
export function formatWaves(waves: OperationWaveView[]): string {
  return waves.map((w) => `${w.phase} ${w.wave} ${duration(w.startedAt, w.finishedAt) ?? (w.startedAt ? 'running' : 'pending')}`).join(', ');
}

/** `app get`'s operation block: the pending operation or the last one, its phase and message, waves and results (pure). */
export function describeOperation(a: OperationHolder): string {
  const pending = a.operation;
  const state = a.status.operationState;
  const shown = pending && state?.id !== pending.id ? undefined : state;
  if (!pending && !shown) return '';
  const head = pending
    ? `${pending.kind} ${pending.id} ${shown?.phase ?? 'Pending'}`
    : `${shown!.id} ${shown!.phase}`;
  const pairs: [string, string][] = [['Operation', operationLine(head, shown?.message ?? '')]];
  // The revision this operation applies, as `argocd app get` shows "Sync Revision" (an older one after `sync --revision` or a rollback).
  const revision = shown?.result?.revision ?? pending?.revision;
  if (revision) pairs.push(['Sync Revision', revision]);
  if (shown?.startedAt) pairs.push(['Started', shown.startedAt + (shown.finishedAt ? `, finished ${shown.finishedAt} (${duration(shown.startedAt, shown.finishedAt)})` : '')]);
  const waves = shown?.result?.waves ?? [];
  if (waves.length) pairs.push(['Waves', formatWaves(waves)]);
  const changes = describeChangeSet(shown);
  return renderKeyValues(pairs) + (changes ? '\n' + changes : '');
}

/** The operation's tasks as a table (phase, wave, task, resource, status, result, message); empty without any. */
export function describeChangeSet(state: OperationStateView | undefined): string {
  const resources = state?.result?.resources ?? [];
  if (!resources.length) return '';
  return renderTable(['phase', 'wave', 'task', 'resource', 'status', 'result', 'message'],
    resources.map((r) => [r.phase, String(r.wave), r.kind, r.key, r.status, r.result ?? '', r.message ?? '']));
}
