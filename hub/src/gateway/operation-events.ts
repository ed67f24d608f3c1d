// What an agent's status report tells the audit log about operations, from the operation state it
// reported before and the one it reports now: an automated sync (`auto-…`, started by the agent
// itself) started, and any operation finished (Succeeded: success; Failed or Error: failure). Each
// is told once: a report repeating a state already stored tells nothing new. Pure.

/** An operation state as the agent reports it. */
export interface ReportedOperationState {
  id: string;
  phase: string;
  message?: string;
}

/** Something to audit about an operation. */
export type OperationEvent =
  | { kind: 'started'; id: string; automated: true }
  | { kind: 'finished'; id: string; automated: boolean; phase: string; result: 'success' | 'failure'; message?: string };

const TERMINAL = new Set(['Succeeded', 'Failed', 'Error']);

/** The id prefix of the automated syncs the agent starts (agent/src/engine/decide.ts). */
export const AUTOMATED_PREFIX = 'auto-';

/** The events between the stored report's operation state and the new one's. */
export function operationEvents(previous: ReportedOperationState | undefined, reported: ReportedOperationState | undefined): OperationEvent[] {
  if (!reported) return [];
  const automated = reported.id.startsWith(AUTOMATED_PREFIX);
  const sameRun = previous?.id === reported.id;
  const events: OperationEvent[] = [];
  if (automated && !sameRun) events.push({ kind: 'started', id: reported.id, automated: true });
  if (TERMINAL.has(reported.phase) && !(sameRun && TERMINAL.has(previous.phase))) {
    events.push({
      kind: 'finished', id: reported.id, automated, phase: reported.phase,
      result: reported.phase === 'Succeeded' ? 'success' : 'failure',
      ...(reported.message ? { message: reported.message } : {}),
    });
  }
  return events;
}
