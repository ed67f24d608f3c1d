// The status of an application whose destination is the hub (pure): its resources are its children
// (Application and AppProject objects), each Synced when the stored object holds what was
// rendered; the parent is Synced when every child is, and its health is the worst health of its
// child Applications in Argo CD's order (Healthy, Suspended, Progressing, Missing, Degraded,
// Unknown), as Argo CD shows it with the usual `argoproj.io/Application` health check. Projects
// have no health and do not count.
import type { ResourceStatus } from '@flotilla/shared';
import { isPlanSynced, type ChildKind, type ChildPlan } from './app-of-apps-plan.ts';

/** A health status in Argo CD's words. */
export type HealthStatus = NonNullable<ResourceStatus['health']>['status'];

/** Argo CD's health order, best first (gitops-engine pkg/health: IsWorse). */
export const HEALTH_ORDER: readonly HealthStatus[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

/** What the parent's status is built from: its plan (computed without pruning) and its children's health. */
export interface HubStatusInput {
  plan: ChildPlan;
  /** Each existing child Application's own health, by name. */
  childHealth: Readonly<Record<string, { status: HealthStatus; message?: string }>>;
  revision?: string;
  bundle?: string;
}

/** The parent's status, in the shape an agent reports for an application on a cluster. */
export interface HubStatus {
  sync: { status: 'Synced' | 'OutOfSync'; revision?: string; bundle?: string };
  health: { status: HealthStatus; message?: string };
  resources: ResourceStatus[];
}

/** Builds the parent's sync, health and resources (pure). */
export function hubApplicationStatus(input: HubStatusInput): HubStatus {
  const { plan } = input;
  const resources: ResourceStatus[] = [
    ...plan.unchanged.map((c) => resource(c.kind, c.name, 'Synced', input)),
    ...plan.update.map((c) => resource(c.kind, c.name, 'OutOfSync', input)),
    ...plan.create.map((c) => resource(c.kind, c.name, 'OutOfSync', input, true)),
    ...plan.requiresPruning.map((c) => ({ ...resource(c.kind, c.name, 'OutOfSync', input), requiresPruning: true })),
  ].sort((a, b) => (a.kind === b.kind ? (a.name < b.name ? -1 : 1) : a.kind === 'AppProject' ? -1 : 1));
  return {
    sync: { status: isPlanSynced(plan) ? 'Synced' : 'OutOfSync', ...(input.revision ? { revision: input.revision } : {}), ...(input.bundle ? { bundle: input.bundle } : {}) },
    health: worstHealth(resources),
    resources,
  };
}

/** The worst health among resources that have one (Healthy when none has). */
export function worstHealth(resources: readonly Pick<ResourceStatus, 'kind' | 'name' | 'health'>[]): { status: HealthStatus; message?: string } {
  let worst: { status: HealthStatus; message?: string } = { status: 'Healthy' };
  for (const r of resources) {
    if (!r.health || HEALTH_ORDER.indexOf(r.health.status) <= HEALTH_ORDER.indexOf(worst.status)) continue;
    worst = { status: r.health.status, message: `${r.kind} "${r.name}" is ${r.health.status}${r.health.message ? `: ${r.health.message}` : ''}` };
  }
  return worst;
}

function resource(kind: ChildKind, name: string, status: 'Synced' | 'OutOfSync', input: HubStatusInput, missing = false): ResourceStatus {
  const base: ResourceStatus = { group: 'argoproj.io', version: 'v1alpha1', kind, name, status };
  if (kind !== 'Application') return base;
  const health = missing ? { status: 'Missing' as const, message: 'not created yet' } : input.childHealth[name] ?? { status: 'Unknown' as const, message: 'no status yet' };
  return { ...base, health };
}

/** The condition types the app-of-apps controller owns on a parent (replaced at each reconcile). */
export const CHILD_CONDITION_TYPES: readonly string[] = ['SharedResourceWarning', 'SyncError'];

/** The parent's conditions after a reconcile: its child errors replace the previous ones; an unchanged one keeps its time. */
export function childConditions<C extends { type: string; message: string; lastTransitionTime: string }>(current: readonly C[], errors: readonly { type: string; message: string }[], now: Date): (C | { type: string; message: string; lastTransitionTime: string })[] {
  const kept = current.filter((c) => !CHILD_CONDITION_TYPES.includes(c.type));
  const seen = new Set<string>();
  const next: (C | { type: string; message: string; lastTransitionTime: string })[] = [...kept];
  for (const e of errors) {
    const key = `${e.type}\n${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    next.push(current.find((c) => c.type === e.type && c.message === e.message) ?? { type: e.type, message: e.message, lastTransitionTime: now.toISOString() });
  }
  return next;
}
