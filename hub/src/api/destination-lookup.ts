// How an Application's destination is looked up, as Argo CD users write it (issue 14, point 6),
// decided from the destination alone (pure): `name: hub` is the hub itself (app of apps);
// `server: https://kubernetes.default.svc` is the cluster Argo CD calls `in-cluster` (its own), and
// with namespace `argocd` and no such cluster, the hub (an Argo CD app of apps writes its children
// there); any other `server` is a registered cluster's API URL, any other `name` a cluster's name.
import { normalizeServerUrl } from '../store/clusters.ts';

/** The API URL Argo CD gives its own cluster. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
/** The name Argo CD gives its own cluster; register a cluster under it to receive that URL's applications. */
export const IN_CLUSTER_NAME = 'in-cluster';
/** The destination name of the hub itself (Application, AppProject and ApplicationSet manifests). */
export const HUB_DESTINATION_NAME = 'hub';
/** The namespace Argo CD's own objects live in: with IN_CLUSTER_SERVER and no in-cluster cluster, the hub. */
export const ARGOCD_NAMESPACE = 'argocd';

/** What to look up for a destination. */
export type DestinationLookup =
  | { kind: 'hub'; field: 'spec.destination.name' }
  | { kind: 'name'; name: string }
  | { kind: 'in-cluster'; orHub: boolean }
  | { kind: 'server'; server: string };

/** The lookup a destination asks for (validation already made sure it has exactly one of name and server) (pure). */
export function destinationLookup(destination: { name?: string; server?: string; namespace?: string }): DestinationLookup {
  const name = destination.name?.trim();
  if (name === HUB_DESTINATION_NAME) return { kind: 'hub', field: 'spec.destination.name' };
  if (name) return { kind: 'name', name };
  const server = normalizeServerUrl(destination.server ?? '');
  if (server === IN_CLUSTER_SERVER) return { kind: 'in-cluster', orHub: destination.namespace === ARGOCD_NAMESPACE };
  return { kind: 'server', server };
}
