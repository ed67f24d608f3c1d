// Pure parts of `flotilla app diff` and `flotilla app wait`: the diff text of the OutOfSync
// resources, which wait conditions an application meets, and the progress and summary lines.
import { shortRevision } from '../output.ts';
import type { ApplicationView, ResourceView } from './app-view.ts';

/** `Deployment demo/web` (cluster-scoped: `Namespace demo`). */
export function resourceRef(r: ResourceView): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/** Whether a resource differs from Git: OutOfSync, or live but no longer in Git. */
const differs = (r: ResourceView) => r.status === 'OutOfSync' || r.requiresPruning === true;

/** The `app diff` text: per differing resource an Argo CD-like header and its diff; count is how many differ. */
export function renderDiff(a: ApplicationView): { text: string; count: number } {
  const parts = a.status.resources.filter(differs).map((r) => {
    const lines = [`===== ${r.group}/${r.kind} ${r.namespace ?? ''}/${r.name} ======`];
    if (r.requiresPruning) lines.push('(to be pruned: exists live, no longer in Git)');
    if (r.diff) lines.push(r.diff.replace(/\n+$/, ''));
    else if (!r.requiresPruning) lines.push('(no diff reported)');
    return lines.join('\n') + '\n';
  });
  return { text: parts.join(''), count: parts.length };
}

/** Why there is nothing to compare yet (sync Unknown and no resources), or undefined when there is. */
export function missingComparison(a: ApplicationView): string | undefined {
  if (a.status.sync.status !== 'Unknown' || a.status.resources.length > 0) return undefined;
  const reason = a.status.conditions[0]?.message ?? a.status.health.message ?? `health is ${a.status.health.status}`;
  return `no comparison yet: ${reason}`;
}

/** What `app wait` waits for. */
export interface WaitFor {
  sync: boolean;
  health: boolean;
  operation: boolean;
}

/** The conditions asked for by flags; none given means all three (as `argocd app wait`). */
export function waitTargets(flags: Partial<WaitFor>): WaitFor {
  const want = { sync: Boolean(flags.sync), health: Boolean(flags.health), operation: Boolean(flags.operation) };
  return want.sync || want.health || want.operation ? want : { sync: true, health: true, operation: true };
}

/** The requested conditions as words: `sync=Synced, health=Healthy and no pending operation`. */
export function describeTargets(want: WaitFor, only?: (keyof WaitFor)[]): string {
  const words = { sync: 'sync=Synced', health: 'health=Healthy', operation: 'no pending operation' };
  const keys = (['sync', 'health', 'operation'] as const).filter((k) => want[k] && (!only || only.includes(k)));
  return keys.length > 1 ? `${keys.slice(0, -1).map((k) => words[k]).join(', ')} and ${words[keys.at(-1)!]}` : keys.map((k) => words[k]).join('');
}

/** The requested conditions the application does not meet yet (empty: done). */
export function unmet(a: ApplicationView, want: WaitFor): (keyof WaitFor)[] {
  const missing: (keyof WaitFor)[] = [];
  if (want.sync && a.status.sync.status !== 'Synced') missing.push('sync');
  if (want.health && a.status.health.status !== 'Healthy') missing.push('health');
  if (want.operation && a.operation) missing.push('operation');
  return missing;
}

/** The phase of the pending operation (Pending until the agent reports on it), or undefined when none. */
function operationPhase(a: ApplicationView): string | undefined {
  if (!a.operation) return undefined;
  const state = a.status.operationState;
  return state && state.id === a.operation.id ? state.phase : 'Pending';
}

/** The first resource holding the application back: OutOfSync, or with a health other than Healthy. */
function blocker(a: ApplicationView): string | undefined {
  const r = a.status.resources.find((x) => differs(x) || (x.health !== undefined && x.health.status !== 'Healthy'));
  if (!r) return a.status.health.status !== 'Healthy' && a.status.health.message ? a.status.health.message : undefined;
  const states = [differs(r) ? (r.requiresPruning ? 'requires pruning' : 'OutOfSync') : '', r.health && r.health.status !== 'Healthy' ? r.health.status : ''].filter(Boolean);
  return `${resourceRef(r)} ${states.join(' ')}${r.health?.message ? `: ${r.health.message}` : ''}`;
}

/** The state shown while waiting: `sync=… health=… [operation=…] resources=n/m [blocker]`. */
export function stateLine(a: ApplicationView): string {
  const phase = operationPhase(a);
  const synced = a.status.resources.filter((r) => r.status === 'Synced' && !r.requiresPruning).length;
  const parts = [`sync=${a.status.sync.status}`, `health=${a.status.health.status}`];
  if (phase) parts.push(`operation=${phase}`);
  parts.push(`resources=${synced}/${a.status.resources.length}`);
  const holding = blocker(a);
  if (holding) parts.push(holding);
  return parts.join(' ');
}

/** Seconds with one decimal: `1.5s`. */
export function formatElapsed(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

/** One progress line: `<elapsed>s  <state>`. */
export function progressLine(a: ApplicationView, elapsedMs: number): string {
  return `${formatElapsed(elapsedMs)}  ${stateLine(a)}`;
}

/** The line printed when every requested condition holds. */
export function summaryLine(a: ApplicationView, want: WaitFor, elapsedMs: number): string {
  const revision = a.status.sync.revision ? ` (revision ${shortRevision(a.status.sync.revision)})` : '';
  return `application ${a.metadata.name} reached ${describeTargets(want)} after ${formatElapsed(elapsedMs)}${revision}`;
}

/** Shortens a line to a terminal's width (so `\r` can overwrite it), marking the cut with `…`. */
export function fitToWidth(line: string, columns: number | undefined): string {
  if (!columns || columns < 2 || line.length < columns) return line;
  return `${line.slice(0, columns - 2)}…`;
}
