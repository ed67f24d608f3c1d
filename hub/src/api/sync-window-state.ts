// The sync windows in force for one application, as the API shows them (`status.syncWindow`, what
// `app get` prints) and as the sync route decides a manual sync: the application's name,
// destination namespace and every name its cluster is known by, against its project's windows at
// a given time. Pure (the clock is a parameter).
import { activeWindows, syncAllowed, type IndexedWindow, type SyncWindow, type WindowTarget } from '@flotilla/shared';
import type { ApplicationRecord } from '../store/applications.ts';

/** How `status.syncWindow` shows the windows in force. */
export interface SyncWindowStatus {
  /** May an automated sync start now. */
  syncAllowed: boolean;
  /** May a manual sync start now. */
  manualSyncAllowed: boolean;
  /** Why (the deciding window named), for automated syncs. */
  message: string;
  /** The window that decided automated syncs, when one did. */
  window?: SyncWindow & { index: number };
  /** Every active window that applies to the application. */
  activeWindows: (SyncWindow & { index: number })[];
}

/** What the windows match an application by: its name, destination namespace and cluster names and servers. */
export function windowTargetOf(app: Pick<ApplicationRecord, 'name' | 'spec' | 'clusterName'>, clusterServer?: string | null): WindowTarget {
  const dest = app.spec.destination;
  const clusters = [dest.name, dest.server, app.clusterName, clusterServer].filter((c): c is string => typeof c === 'string' && c !== '');
  return { name: app.name, namespace: dest.namespace ?? '', clusters: [...new Set(clusters)] };
}

const flat = (w: IndexedWindow) => ({ index: w.index, ...w.window });

/** The windows in force for an application at `now`; undefined when its project has no windows. */
export function syncWindowStatus(projectSpec: { syncWindows?: SyncWindow[] }, target: WindowTarget, now: Date): SyncWindowStatus | undefined {
  if (!projectSpec.syncWindows?.length) return undefined;
  const inForce = activeWindows({ spec: projectSpec }, target, now);
  const automated = syncAllowed(inForce, { manual: false });
  const manual = syncAllowed(inForce, { manual: true });
  return {
    syncAllowed: automated.allowed,
    manualSyncAllowed: manual.allowed,
    message: automated.reason,
    ...(automated.window ? { window: flat(automated.window) } : {}),
    activeWindows: inForce.active.map(flat),
  };
}

/** Why a manual sync may not start now (the window named), or undefined when it may. */
export function manualSyncRefusal(projectSpec: { syncWindows?: SyncWindow[] }, target: WindowTarget, now: Date): string | undefined {
  if (!projectSpec.syncWindows?.length) return undefined;
  const decision = syncAllowed(activeWindows({ spec: projectSpec }, target, now), { manual: true });
  return decision.allowed ? undefined : decision.reason;
}
