// Which manifest of an application's bundle a resource-tree reference names (pure): same group
// (from apiVersion), kind and name, and the same namespace, where a manifest without one lands in
// the destination's namespace (as the agent applies it) or is cluster-scoped.
import type { ResourceRef } from '@flotilla/shared';

interface ManifestLike {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
}

/** The group of an apiVersion: '' for the core group (`v1`). */
export function groupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The manifest `ref` names among `manifests`, or undefined. */
export function findManifest<T extends object>(manifests: readonly T[], ref: ResourceRef, destinationNamespace: string | undefined): T | undefined {
  return manifests.find((candidate) => {
    const m = candidate as ManifestLike;
    if (m.kind !== ref.kind || m.metadata?.name !== ref.name || groupOf(m.apiVersion) !== ref.group) return false;
    const namespace = typeof m.metadata.namespace === 'string' && m.metadata.namespace !== '' ? m.metadata.namespace : undefined;
    const wanted = ref.namespace || undefined;
    if (namespace !== undefined) return namespace === wanted;
    // No namespace in the manifest: the destination's for a namespaced kind, none for a cluster-scoped one.
    return wanted === undefined || wanted === destinationNamespace;
  });
}
