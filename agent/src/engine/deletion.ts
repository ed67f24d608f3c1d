// Cascade deletion of an application's resources: every object of its inventory that is still
// tracked by it is deleted with the requested propagation, except those that opt out: Delete=false
// is left in place, and Delete=confirm waits until the user confirmed the deletion (the
// assignment's `deletion.confirmed`). The answer is what still exists and what waits for the
// confirmation, so the caller can report it, wait and ask again.
import type { Kube } from './kube.ts';
import { isTrackedBy, toApiVersion, type KubeObject, type ObjectRef } from './objects.ts';
import { kindRank } from './plan.ts';
import { deletionHold } from './apply-options.ts';

/** What is left of an application's resources. */
export interface DeletionProgress {
  /** Refs that still exist (being deleted, or waiting for a confirmation). */
  remaining: ObjectRef[];
  /** Why some wait (Delete=confirm not confirmed yet), one message per resource. */
  waiting: string[];
}

/** Deletes what is left and returns what still exists. */
export async function deleteApplicationResources(kube: Kube, app: string, inventory: ObjectRef[], propagation: 'Foreground' | 'Background', confirmed = false): Promise<DeletionProgress> {
  const progress: DeletionProgress = { remaining: [], waiting: [] };
  // Reverse of the apply order: workloads before their config, namespaces last.
  const ordered = [...inventory].sort((a, b) => kindRank(b.kind) - kindRank(a.kind));
  for (const ref of ordered) {
    const live = (await kube.get({ apiVersion: toApiVersion(ref), kind: ref.kind, name: ref.name, namespace: ref.namespace })) as KubeObject | undefined;
    if (!live || !isTrackedBy(live, app)) continue; // gone, or someone else's now
    const hold = deletionHold(live, confirmed);
    if (hold && 'keep' in hold) continue; // Delete=false: left in place
    progress.remaining.push(ref);
    if (hold) {
      progress.waiting.push(hold.wait);
      continue;
    }
    if (!live.metadata['deletionTimestamp']) await kube.delete(live as Parameters<Kube['delete']>[0], propagation);
  }
  return progress;
}
