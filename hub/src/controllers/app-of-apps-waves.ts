// Sync waves between an app-of-apps parent's children (pure). Argo CD applies the children wave by
// wave (`argocd.argoproj.io/sync-wave`, default 0, negative allowed) and starts a wave only once
// every child of the earlier waves is Synced and Healthy. A reconcile pass applies the lowest wave
// with changes and stops there while a later wave remains; the next pass (a child's status report,
// a render, a sync) carries on. The last wave is not waited for (an operation ends once it is
// applied, as Argo CD's does) and prunes run once it is reached. AppProjects are ready at once.
import type { ChildPlan, DesiredChild, PlanError } from './app-of-apps-plan.ts';

/** Argo CD's annotation naming a resource's sync wave. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** How far a child Application is: Synced and Healthy (ready), Degraded, or on its way. */
export interface ChildReadiness {
  ready: boolean;
  degraded: boolean;
  /** Its sync and health as shown, e.g. "OutOfSync, Progressing". */
  state: string;
}

/** A wave that holds the next one back. */
export interface WaveWait {
  wave: number;
  /** The next wave with changes, which waits. */
  next: number;
  /** The children of `wave` that are not ready yet, with their state. */
  children: { name: string; state: string; degraded: boolean }[];
}

/** What a pass may apply now. */
export interface WaveGate {
  /** The creates and updates to apply in this pass. */
  apply: DesiredChild[];
  /** Whether the plan's prunes may run in this pass. */
  prune: boolean;
  /** Set when a later wave waits for an earlier one. */
  waiting?: WaveWait;
  errors: PlanError[];
}

/** A child's sync wave from its annotation: an integer, 0 when absent; a malformed one is an error (Argo CD falls back to 0 silently). */
export function syncWaveOf(child: Pick<DesiredChild, 'kind' | 'name' | 'metadata'>): { wave: number } | { error: PlanError } {
  const raw = child.metadata.annotations?.[SYNC_WAVE_ANNOTATION];
  if (raw === undefined || raw.trim() === '') return { wave: 0 };
  if (!/^[+-]?\d{1,9}$/.test(raw.trim())) {
    return { error: { type: 'SyncError', kind: child.kind, name: child.name, message: `${child.kind} "${child.name}": annotation ${SYNC_WAVE_ANNOTATION} is ${JSON.stringify(raw)}, not an integer` } };
  }
  return { wave: Number(raw.trim()) };
}

/** Which of a plan's changes a pass applies, given each child Application's readiness by name (a child absent from it is not ready). */
export function gateWaves(plan: Pick<ChildPlan, 'create' | 'update' | 'unchanged'>, readiness: Readonly<Record<string, ChildReadiness>>): WaveGate {
  const errors: PlanError[] = [];
  const waves = new Map<number, { pending: DesiredChild[]; all: DesiredChild[] }>();
  const pending = new Set<DesiredChild>([...plan.create, ...plan.update]);
  for (const child of [...plan.create, ...plan.update, ...plan.unchanged]) {
    const parsed = syncWaveOf(child);
    if ('error' in parsed) {
      errors.push(parsed.error);
      continue;
    }
    const wave = waves.get(parsed.wave) ?? { pending: [], all: [] };
    if (pending.has(child)) wave.pending.push(child);
    wave.all.push(child);
    waves.set(parsed.wave, wave);
  }
  const order = [...waves.keys()].sort((a, b) => a - b);
  const apply: DesiredChild[] = [];
  for (const [index, number] of order.entries()) {
    const wave = waves.get(number)!;
    const last = index === order.length - 1;
    apply.push(...wave.pending);
    if (last) return { apply, prune: errors.length === 0, errors };
    const laterPending = order.slice(index + 1).find((n) => waves.get(n)!.pending.length > 0);
    if (laterPending === undefined) return { apply, prune: errors.length === 0, errors };
    const notReady = wave.all
      .filter((c) => c.kind === 'Application' && (wave.pending.includes(c) || !readiness[c.name]?.ready))
      .map((c) => ({ name: c.name, state: wave.pending.includes(c) ? 'being applied' : readiness[c.name]?.state ?? 'no status yet', degraded: readiness[c.name]?.degraded === true && !wave.pending.includes(c) }));
    if (notReady.length) return { apply, prune: false, waiting: { wave: number, next: laterPending, children: notReady }, errors };
  }
  return { apply, prune: errors.length === 0, errors };
}

/** A wait as an operation or condition message: which wave waits for which children. */
export function describeWait(wait: WaveWait): string {
  const children = wait.children.map((c) => `"${c.name}" (${c.state})`).join(', ');
  return `waiting for wave ${wait.wave} before wave ${wait.next}: ${children} not Synced and Healthy yet`;
}
