// The resource tree below an application's workloads: ReplicaSets of Deployments and Pods of
// ReplicaSets, StatefulSets, DaemonSets and Jobs, found by owner reference, with their health.
// Each node keeps its object's uid (events are routed by it), not the object: the reconciler keeps
// the last tree of every application, and whole Pods and ReplicaSets (managedFields, status) would
// be most of the agent's heap.
import type { ResourceStatus } from '@flotilla/shared';
import type { Kube } from './kube.ts';
import type { KubeObject } from './objects.ts';
import { assessHealth, type KubeObject as HealthObject } from '../health/index.ts';

const POD_OWNERS = new Set(['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

/** A child in the tree: its resource status (with parentRefs) and its object's uid. */
export type ChildNode = ResourceStatus & { uid?: string };

/** Children (and grandchildren) of the given live objects, as resource statuses with parentRefs. */
export async function childrenOf(kube: Kube, live: KubeObject[]): Promise<ChildNode[]> {
  const workloads = live.filter((o) => o.kind === 'Deployment' || POD_OWNERS.has(o.kind));
  if (!workloads.length) return [];
  const namespaces = [...new Set(workloads.map((w) => w.metadata.namespace).filter((n): n is string => !!n))];
  const out: ChildNode[] = [];
  for (const namespace of namespaces) {
    const inNs = workloads.filter((w) => w.metadata.namespace === namespace);
    const owners = new Map(inNs.map((w) => [w.metadata['uid'] as string, w]));
    const replicaSets = inNs.some((w) => w.kind === 'Deployment') ? ((await kube.list('apps/v1', 'ReplicaSet', undefined, namespace)) as KubeObject[]) : [];
    const ownedSets = replicaSets.filter((rs) => ownerOf(rs, owners));
    for (const rs of ownedSets) {
      owners.set(rs.metadata['uid'] as string, rs);
      out.push(node(rs, ownerOf(rs, owners)!));
    }
    const pods = (await kube.list('v1', 'Pod', undefined, namespace)) as KubeObject[];
    for (const pod of pods) {
      const owner = ownerOf(pod, owners);
      if (owner && POD_OWNERS.has(owner.kind)) out.push(node(pod, owner));
    }
  }
  return out;
}

function ownerOf(obj: KubeObject, owners: Map<string, KubeObject>): KubeObject | undefined {
  const refs = (obj.metadata['ownerReferences'] as { uid: string }[] | undefined) ?? [];
  for (const ref of refs) {
    const owner = owners.get(ref.uid);
    if (owner) return owner;
  }
  return undefined;
}

function node(obj: KubeObject, parent: KubeObject): ChildNode {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const [pGroup] = parent.apiVersion.includes('/') ? parent.apiVersion.split('/') : [''];
  const health = assessHealth(obj as unknown as HealthObject);
  return {
    group: group!, version: version!, kind: obj.kind, name: obj.metadata.name,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    ...(health ? { health } : {}),
    parentRefs: [{ group: pGroup!, kind: parent.kind, name: parent.metadata.name, ...(parent.metadata.namespace ? { namespace: parent.metadata.namespace } : {}) }],
    ...(typeof obj.metadata['uid'] === 'string' ? { uid: obj.metadata['uid'] } : {}),
  };
}
