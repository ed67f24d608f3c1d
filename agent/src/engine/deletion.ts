// Cascade deletion of an application's resources: every object of its inventory that is still
// tracked by it (and does not opt out with Delete=false) is deleted with the requested propagation;
// the answer is what still exists, so the caller can wait and ask again.
import type { Kube } from './kube.ts';
import { isTrackedBy, toApiVersion, type KubeObject, type ObjectRef } from './objects.ts';
import { kindRank } from './plan.ts';
import { resourceSyncOptions } from './sync-options.ts';

/** Deletes what is left and returns the refs that still exist (being deleted). */
export async function deleteApplicationResources(kube: Kube, app: string, inventory: ObjectRef[], propagation: 'Foreground' | 'Background'): Promise<ObjectRef[]> {
  const remaining: ObjectRef[] = [];
  // Reverse of the apply order: workloads before their config, namespaces last.
  const ordered = [...inventory].sort((a, b) => kindRank(b.kind) - kindRank(a.kind));
  for (const ref of ordered) {
    const live = (await kube.get({ apiVersion: toApiVersion(ref), kind: ref.kind, name: ref.name, namespace: ref.namespace })) as KubeObject | undefined;
    if (!live || !isTrackedBy(live, app)) continue; // gone, or someone else's now
    if (resourceSyncOptions(live).delete === false) continue; // Delete=false: left in place
    remaining.push(ref);
    if (!live.metadata['deletionTimestamp']) await kube.delete(live as Parameters<Kube['delete']>[0], propagation);
  }
  return remaining;
}
