// Resolving an Application's destination to a registered cluster, or to the hub itself (app of
// apps), the way destination-lookup.ts decides; a destination nothing answers is a 400 that says
// what to register. toWrite (application-write.ts) and the app-of-apps controller use it.
import { invalidInput } from '@flotilla/shared';
import type { Queryable } from '../store/db.ts';
import { getCluster, getClusterByServer, listClusters, type ClusterRecord } from '../store/clusters.ts';
import { IN_CLUSTER_NAME, IN_CLUSTER_SERVER, destinationLookup } from './destination-lookup.ts';

/** Where an application goes: a registered cluster, or the hub itself (`field` names what in the spec said so). */
export type ResolvedDestination =
  | { kind: 'cluster'; cluster: ClusterRecord }
  | { kind: 'hub'; field: 'spec.destination.name' | 'spec.destination.server' };

/** Resolves a destination (400 with the field path when no registered cluster answers it). */
export async function resolveDestination(db: Queryable, destination: { name?: string; server?: string; namespace?: string }): Promise<ResolvedDestination> {
  const lookup = destinationLookup(destination);
  switch (lookup.kind) {
    case 'hub':
      return lookup;
    case 'name': {
      const cluster = await getCluster(db, lookup.name);
      if (cluster) return { kind: 'cluster', cluster };
      throw invalidInput(`destination cluster ${JSON.stringify(lookup.name)} is not registered (registered: ${await registered(db)})`, [{ path: 'spec.destination.name', message: 'no such cluster' }]);
    }
    case 'in-cluster': {
      // The cluster registered as in-cluster, else one an admin gave that URL explicitly (cluster set --server).
      const cluster = (await getCluster(db, IN_CLUSTER_NAME)) ?? (await getClusterByServer(db, IN_CLUSTER_SERVER));
      if (cluster) return { kind: 'cluster', cluster };
      if (lookup.orHub) return { kind: 'hub', field: 'spec.destination.server' };
      throw invalidInput(
        `destination server ${IN_CLUSTER_SERVER} is the cluster Argo CD calls ${IN_CLUSTER_NAME}, and no cluster is registered under that name: register the cluster Argo CD calls in-cluster with "flotilla cluster add ${IN_CLUSTER_NAME}" and run its agent, or name a registered cluster in destination.name (registered: ${await registered(db)})`,
        [{ path: 'spec.destination.server', message: `no cluster named ${IN_CLUSTER_NAME}` }],
      );
    }
    case 'server': {
      const cluster = await getClusterByServer(db, lookup.server);
      if (cluster) return { kind: 'cluster', cluster };
      throw invalidInput(
        `destination cluster ${JSON.stringify(destination.server)} is not registered (registered: ${await registered(db)}); destination.server matches the API URL an admin gave a cluster (flotilla cluster add NAME --server URL, or cluster set NAME --server URL)`,
        [{ path: 'spec.destination.server', message: 'no such cluster' }],
      );
    }
  }
}

async function registered(db: Queryable): Promise<string> {
  return (await listClusters(db)).map((c) => c.name).join(', ') || 'none';
}
