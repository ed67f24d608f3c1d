// The order a refresh takes a batch of applications in (pure). Applications are grouped by the
// repository they are fetched from, so one ls-remote serves a group. Within a group they render
// concurrently, but an app of apps' child waits for its parent when both are in the batch: the
// parent's render may create or change the child (and refreshes it itself), so the child renders
// after, from its stored record. Parents come first in their group, so a child waiting for its
// parent never holds the slot the parent needs.

/** What the order reads of an application. */
export interface OrderedApp {
  name: string;
  /** The parent application that rendered this one, if any. */
  owner: string | null;
}

/** The batch grouped by `keyOf`, groups in first-seen order, each with parents before children (pure). */
export function refreshGroups<T extends OrderedApp>(apps: readonly T[], keyOf: (app: T) => string): T[][] {
  const depth = ownerDepths(apps);
  const groups = new Map<string, T[]>();
  for (const app of apps) {
    const key = keyOf(app);
    groups.set(key, [...(groups.get(key) ?? []), app]);
  }
  // Array.prototype.sort is stable: equal depths keep the batch's order.
  return [...groups.values()].map((group) => [...group].sort((a, b) => depth.get(a.name)! - depth.get(b.name)!));
}

/** Each application's parent in the batch, if it has one there (a cycle of owners waits for nobody) (pure). */
export function parentsInBatch(apps: readonly OrderedApp[]): Map<string, string> {
  const owners = new Map(apps.map((a) => [a.name, a.owner]));
  const parents = new Map<string, string>();
  for (const app of apps) {
    if (app.owner === null || app.owner === app.name || !owners.has(app.owner) || inCycle(app.name, owners)) continue;
    parents.set(app.name, app.owner);
  }
  return parents;
}

/** How many ancestors in the batch each application has (0: none there) (pure). */
function ownerDepths(apps: readonly OrderedApp[]): Map<string, number> {
  const parents = parentsInBatch(apps);
  const depths = new Map<string, number>();
  for (const app of apps) {
    let depth = 0;
    for (let at = parents.get(app.name); at !== undefined; at = parents.get(at)) depth++;
    depths.set(app.name, depth);
  }
  return depths;
}

function inCycle(name: string, owners: Map<string, string | null>): boolean {
  const seen = new Set<string>();
  for (let at: string | null | undefined = name; at != null && owners.has(at); at = owners.get(at)) {
    if (seen.has(at)) return true;
    seen.add(at);
  }
  return false;
}
