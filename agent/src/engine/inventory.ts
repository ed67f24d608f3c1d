// The app's inventory: the sorted refs it applied last time (as Flux's kustomize-controller keeps one), what
// went stale between two inventories, and keeping refs whose prune failed so the next sync retries them.
import { refKey, refOf, type KubeObject, type ObjectRef } from './objects.ts';

/** What an app applied: refs sorted by group, kind, namespace, name, one per refKey. */
export type Inventory = ObjectRef[];

/** Plain string order (code units). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Inventory order: group, kind, namespace ('' for cluster-scoped), name. */
export function compareRefs(a: ObjectRef, b: ObjectRef): number {
  return compareText(a.group, b.group) || compareText(a.kind, b.kind)
    || compareText(a.namespace ?? '', b.namespace ?? '') || compareText(a.name, b.name);
}

/** Sorts refs and keeps the first of each refKey (versions do not make refs distinct). */
function normalizeRefs(refs: Iterable<ObjectRef>): Inventory {
  const byKey = new Map<string, ObjectRef>();
  for (const ref of refs) {
    const key = refKey(ref);
    if (!byKey.has(key)) byKey.set(key, { ...ref });
  }
  return [...byKey.values()].sort(compareRefs);
}

/** The inventory of a set of applied objects. */
export function toInventory(objects: readonly KubeObject[]): Inventory {
  return normalizeRefs(objects.map(refOf));
}

/** Stale refs: in the old inventory and not in the next one (compared by refKey, old versions kept). */
export function diffInventory(old: readonly ObjectRef[], next: readonly ObjectRef[]): Inventory {
  const keep = new Set(next.map(refKey));
  return normalizeRefs(old.filter((ref) => !keep.has(refKey(ref))));
}

/** The next inventory plus the refs whose deletion failed (Flux's prune survivors), so they are retried. */
export function mergeSurvivors(next: readonly ObjectRef[], failedPrunes: readonly ObjectRef[]): Inventory {
  return normalizeRefs([...next, ...failedPrunes]);
}
