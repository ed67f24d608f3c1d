// The project's limits as the agent holds them (defence in depth, pure): the hub checks every
// application and render against its AppProject, and the assignment carries the project's rules
// and sync windows, so the agent refuses a bundle that breaks them (a wrong hub path, or an
// assignment written past the hub), holds automated syncs while a deny window is in force, and
// holds a running sync between its steps while the windows forbid it (unless syncOverrun).
// Loaded only for assignments that carry projectLimits.
import { activeWindows, bundleViolations, runMayContinue, syncAllowed, type Assignment, type WindowTarget } from '@flotilla/shared';
import { parseApiVersion, type KubeObject } from './objects.ts';

/** Why the prepared resources may not be applied under the assignment's project, or undefined. */
export function projectProblem(a: Assignment, resources: readonly KubeObject[]): string | undefined {
  const limits = a.projectLimits;
  if (!limits) return undefined;
  // Prepared objects carry their namespace exactly when their kind is namespaced (discovery decided).
  const scopes = new Map<string, 'Cluster' | 'Namespaced'>();
  for (const obj of resources) scopes.set(`${parseApiVersion(obj.apiVersion).group}/${obj.kind}`, obj.metadata.namespace ? 'Namespaced' : 'Cluster');
  const violations = bundleViolations({ name: a.project, spec: limits }, resources, { ...(limits.cluster ?? {}), namespace: a.namespace }, (group, kind) => scopes.get(`${group}/${kind}`));
  if (!violations.length) return undefined;
  return `refused by the agent: the bundle breaks project "${a.project}": ${violations.slice(0, 5).map((v) => v.message).join('; ')}${violations.length > 5 ? `; and ${violations.length - 5} more` : ''}`;
}

/** Whether automated syncs may run now under the project's sync windows, and why not. */
export function automatedSyncAllowed(a: Assignment, now: Date): { allowed: boolean; reason?: string } {
  const limits = a.projectLimits;
  if (!limits?.syncWindows?.length) return { allowed: true };
  const decision = syncAllowed(activeWindows({ spec: { syncWindows: limits.syncWindows } }, windowTarget(a), now), { manual: false });
  return decision.allowed ? { allowed: true } : { allowed: false, reason: decision.reason };
}

/** Whether a run in progress (started at `startedAt`, by a user or automated) may take its next step now, and why not. */
export function runAllowed(a: Assignment, run: { initiatedBy: string; startedAt: string }, now: Date): { allowed: boolean; reason?: string } {
  const limits = a.projectLimits;
  if (!limits?.syncWindows?.length) return { allowed: true };
  const decision = runMayContinue({ spec: { syncWindows: limits.syncWindows } }, windowTarget(a), now, { manual: run.initiatedBy !== 'automated', startedAt: new Date(run.startedAt) });
  return decision.allowed ? { allowed: true } : { allowed: false, reason: decision.reason };
}

/** What the sync windows allow now, as decide reads it: automated syncs, and the next step of a run in progress. */
export function windowsNow(a: Assignment, run: { phase: string; initiatedBy: string; startedAt: string } | undefined, now: Date): { automatedAllowed: boolean; runAllowed?: { allowed: boolean; reason?: string } } {
  return { automatedAllowed: automatedSyncAllowed(a, now).allowed, ...(run?.phase === 'Running' ? { runAllowed: runAllowed(a, run, now) } : {}) };
}

function windowTarget(a: Assignment): WindowTarget {
  const limits = a.projectLimits;
  return { name: a.app, namespace: a.namespace, clusters: [limits?.cluster?.name, limits?.cluster?.server].filter((c): c is string => !!c) };
}
