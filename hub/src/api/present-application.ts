// The Argo CD Application object the API answers with: the user's metadata and spec, and a
// status merged from the hub (render revision, conditions) and the agent (sync, health, tree). An
// application whose destination is the hub has no agent: the hub's own roll-up of its children
// (controllers/app-of-apps-status.ts) stands in for the agent's report.
import type { ApplicationRecord } from '../store/applications.ts';
import type { HistoryEntry } from '../store/sync-history.ts';
import { redactSpecRepoUrls } from '../repo/url-userinfo.ts';
import type { SyncWindowStatus } from './sync-window-state.ts';

/**
 * The JSON form of an application (pure); `hubStatus` is the roll-up of a hub application's
 * children, `history` its newest sync history entries (oldest first), shown as `status.history`,
 * `syncWindow` the project's sync windows in force (`status.syncWindow`).
 */
export function presentApplication(app: ApplicationRecord, clusterConnection?: { status: string; message: string }, hubStatus?: object, history?: HistoryEntry[], syncWindow?: SyncWindowStatus) {
  const agent = (hubStatus ?? app.status?.status ?? {}) as {
    sync?: { status: string; revision?: string; bundle?: string };
    health?: { status: string; message?: string };
    resources?: unknown[];
    operationState?: unknown;
    conditions?: { type: string; message: string }[];
    reconciledAt?: string;
  };
  const reportedCurrent = agent.sync?.bundle === undefined || agent.sync.bundle === app.bundleKey;
  // An application stored before passwords in repoURL were refused shows it masked.
  const spec = redactSpecRepoUrls(app.spec);
  // A multi-source application: Argo CD's `revisions` and `comparedTo.sources`, one per source in source order.
  const multi = Boolean(spec.sources?.length);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: app.name,
      ...app.metadata,
      // A child an app of apps renders carries Argo CD's tracking annotation naming its parent.
      ...(app.owner ? { annotations: { ...app.metadata.annotations, 'argocd.argoproj.io/tracking-id': `${app.owner}:argoproj.io/Application:argocd/${app.name}` } } : {}),
      generation: app.generation,
      creationTimestamp: app.createdAt.toISOString(),
      ...(app.deletion ? { deletionTimestamp: app.updatedAt.toISOString() } : {}),
    },
    spec,
    status: {
      sync: {
        status: agent.sync && reportedCurrent ? agent.sync.status : agent.sync ? 'OutOfSync' : 'Unknown',
        revision: app.revision ?? undefined,
        ...(multi && app.revisions ? { revisions: app.revisions } : {}),
        comparedTo: { source: spec.source ?? spec.sources?.[0], ...(multi ? { sources: spec.sources } : {}), destination: spec.destination },
      },
      health: agent.health ?? { status: 'Unknown', message: 'no status from the agent yet' },
      resources: agent.resources ?? [],
      conditions: [...app.conditions, ...(agent.conditions ?? [])],
      operationState: agent.operationState,
      ...(history?.length ? { history: history.map(presentHistoryEntry) } : {}),
      ...(syncWindow ? { syncWindow } : {}),
      reconciledAt: agent.reconciledAt,
      bundle: app.bundleKey ?? undefined,
      refreshedAt: app.refreshedAt?.toISOString(),
      cluster: { name: app.clusterName ?? 'hub', ...(clusterConnection ? { connectionState: clusterConnection } : {}) },
    },
    ...(app.operation ? { operation: app.operation } : {}),
  };
}

/** One sync history entry as Argo CD's RevisionHistory (pure). */
export function presentHistoryEntry(entry: HistoryEntry) {
  return {
    id: entry.id,
    revision: entry.revision ?? '',
    ...(entry.revisions ? { revisions: entry.revisions } : {}),
    ...(entry.source ? { source: entry.source } : {}),
    ...(entry.sources ? { sources: entry.sources } : {}),
    deployedAt: entry.deployedAt.toISOString(),
    ...(entry.deployStartedAt ? { deployStartedAt: entry.deployStartedAt.toISOString() } : {}),
    // Argo CD's OperationInitiator: a user's name, or `automated: true` for the automated sync policy.
    ...(entry.automated ? { initiatedBy: { automated: true } } : entry.initiatedBy ? { initiatedBy: { username: entry.initiatedBy } } : {}),
    bundle: entry.bundleKey ?? undefined,
  };
}
