// Building an application's status report from the comparison (pure): per resource its sync
// status and health, pruning candidates, the app's sync status and worst health.
import type { AppStatus, ResourceStatus } from '@flotilla/shared';
import { appHealth, assessHealth, type KubeObject as HealthObject } from '../health/index.ts';
import { parseApiVersion, type KubeObject, type ObjectRef } from './objects.ts';
import type { ChildNode } from './tree.ts';

/** One desired object after comparison. */
export interface Compared {
  target: KubeObject;
  live: KubeObject | undefined;
  status: 'Synced' | 'OutOfSync';
  message?: string;
}

/** Everything the status is built from. */
export interface StatusInput {
  compared: Compared[];
  requiresPruning: ObjectRef[];
  children: ChildNode[];
  revision: string | null;
  /** A multi-source application's revision of each source (the assignment's), reported as `sync.revisions`. */
  revisions?: string[];
  bundle: string | null;
  conditions: { type: string; message: string }[];
  operationState?: AppStatus['operationState'];
  /** Orphaned resources of the destination namespace, when the project monitors them. */
  orphanedResources?: ResourceStatus[];
  now: string;
}

/** The status to report (pure). */
export function buildStatus(input: StatusInput): AppStatus {
  const resources: ResourceStatus[] = input.compared.map(({ target, live, status, message }) => {
    const { group, version } = parseApiVersion(target.apiVersion);
    const health = live ? assessHealth(live as unknown as HealthObject) : { status: 'Missing' as const, message: 'the resource does not exist' };
    return {
      group, version, kind: target.kind, name: target.metadata.name,
      ...(target.metadata.namespace ? { namespace: target.metadata.namespace } : {}),
      status,
      ...(health ? { health } : {}),
      ...(status === 'OutOfSync' && message ? { diff: message.length > 8000 ? `${message.slice(0, 8000)}\n… (cut)` : message } : {}),
    };
  });
  for (const ref of input.requiresPruning) {
    resources.push({ group: ref.group, version: ref.version, kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}), status: 'OutOfSync', requiresPruning: true });
  }
  const outOfSync = resources.some((r) => r.status === 'OutOfSync');
  const health = input.conditions.some((c) => c.type === 'ComparisonError') && !input.compared.length
    ? { status: 'Unknown' as const, message: input.conditions[0]!.message }
    : appHealth(resources.filter((r) => !r.requiresPruning));
  return {
    sync: { status: input.conditions.some((c) => c.type === 'ComparisonError') && !input.compared.length ? 'Unknown' : outOfSync ? 'OutOfSync' : 'Synced',
      ...(input.revision ? { revision: input.revision } : {}), ...(input.revisions ? { revisions: input.revisions } : {}), ...(input.bundle ? { bundle: input.bundle } : {}) },
    health: { status: health.status, ...(health.message ? { message: health.message } : {}) },
    resources: [...resources, ...input.children.map(({ uid: _uid, ...child }) => child)],
    ...(input.operationState ? { operationState: input.operationState } : {}),
    ...(input.conditions.length ? { conditions: input.conditions } : {}),
    ...(input.orphanedResources?.length ? { orphanedResources: input.orphanedResources } : {}),
    reconciledAt: input.now,
  };
}
