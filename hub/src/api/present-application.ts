// The Argo CD Application object the API answers with: the user's metadata and spec, and a
// status merged from the hub (render revision, conditions) and the agent (sync, health, tree).
import type { ApplicationRecord } from '../store/applications.ts';
import { redactSpecRepoUrls } from '../repo/url-userinfo.ts';

/** The JSON form of an application (pure). */
export function presentApplication(app: ApplicationRecord, clusterConnection?: { status: string; message: string }) {
  const agent = (app.status?.status ?? {}) as {
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
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: app.name,
      ...app.metadata,
      generation: app.generation,
      creationTimestamp: app.createdAt.toISOString(),
      ...(app.deletion ? { deletionTimestamp: app.updatedAt.toISOString() } : {}),
    },
    spec,
    status: {
      sync: {
        status: agent.sync && reportedCurrent ? agent.sync.status : agent.sync ? 'OutOfSync' : 'Unknown',
        revision: app.revision ?? undefined,
        comparedTo: { source: spec.source ?? spec.sources?.[0], destination: spec.destination },
      },
      health: agent.health ?? { status: 'Unknown', message: 'no status from the agent yet' },
      resources: agent.resources ?? [],
      conditions: [...app.conditions, ...(agent.conditions ?? [])],
      operationState: agent.operationState,
      reconciledAt: agent.reconciledAt,
      bundle: app.bundleKey ?? undefined,
      refreshedAt: app.refreshedAt?.toISOString(),
      cluster: { name: app.clusterName, ...(clusterConnection ? { connectionState: clusterConnection } : {}) },
    },
    ...(app.operation ? { operation: app.operation } : {}),
  };
}
