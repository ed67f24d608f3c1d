// What a stream event carries: for each changed name, the same JSON as one item of the list route
// (GET /api/v1/applications, GET /api/v1/clusters), with the RBAC object it is checked against,
// or that it is gone. Loaded once per batch of changes and shared by every stream on the replica.
import type { Change } from '../../store/change-feed.ts';
import { isHubApplication, listApplications } from '../../store/applications.ts';
import { historyOf } from '../../store/sync-history.ts';
import { listClusters } from '../../store/clusters.ts';
import { hubStatusOf } from '../../controllers/app-of-apps.ts';
import { presentApplication } from '../present-application.ts';
import { presentCluster } from '../routes/clusters.ts';
import type { HubContext } from '../context.ts';

/** One event to send: an item as listed, or a deletion; `object` is its RBAC object. */
export type StreamItem =
  | { id: number; name: string; object: string; item: unknown }
  | { id: number; name: string; object: string; deleted: true };

/** The latest change of each name in `changes` (of one kind), in id order. */
export function latestPerName(changes: Change[], kind: Change['kind']): Change[] {
  const latest = new Map<string, Change>();
  for (const change of changes) {
    if (change.kind !== kind) continue;
    const before = latest.get(change.name);
    // A deletion's project is kept: a later write of the same name may follow it in the batch.
    latest.set(change.name, { ...change, project: change.project ?? before?.project ?? null });
  }
  return [...latest.values()].sort((a, b) => a.id - b.id);
}

/** The events for the latest changes of applications: as listed now, or deleted (when its project is known). */
export async function applicationItems(ctx: HubContext, changes: Change[]): Promise<StreamItem[]> {
  if (!changes.length) return [];
  const names = changes.map((c) => c.name);
  const records = new Map((await listApplications(ctx.pool, { names })).map((a) => [a.name, a]));
  const histories = await historyOf(ctx.pool, [...records.keys()]);
  const items: StreamItem[] = [];
  for (const change of changes) {
    const record = records.get(change.name);
    // A deletion under another project than the app's now (kept by latestPerName): it moved, and
    // left that project: a deletion there, then the app as it is.
    if (record && change.project !== null && change.project !== record.project) {
      items.push({ id: change.id, name: change.name, object: `${change.project}/${change.name}`, deleted: true });
    }
    if (record) {
      const hubStatus = isHubApplication(record) ? await hubStatusOf(ctx.pool, ctx.secrets, record) : undefined;
      items.push({ id: change.id, name: record.name, object: `${record.project}/${record.name}`, item: presentApplication(record, undefined, hubStatus, histories.get(record.name)) });
    } else if (change.project !== null) {
      // Gone (or moved away), and we know where it was. Without its project (its deletion not read yet) the deletion's own change will tell.
      items.push({ id: change.id, name: change.name, object: `${change.project}/${change.name}`, deleted: true });
    }
  }
  return items;
}

/** The events for the latest changes of clusters: as listed now, or deleted. */
export async function clusterItems(ctx: HubContext, changes: Change[]): Promise<StreamItem[]> {
  if (!changes.length) return [];
  const wanted = new Set(changes.map((c) => c.name));
  const clusters = new Map((await listClusters(ctx.pool)).filter((c) => wanted.has(c.name)).map((c) => [c.name, c]));
  const now = new Date();
  return changes.map((change) => {
    const cluster = clusters.get(change.name);
    return cluster
      ? { id: change.id, name: change.name, object: change.name, item: presentCluster(cluster, ctx, now) }
      : { id: change.id, name: change.name, object: change.name, deleted: true as const };
  });
}
