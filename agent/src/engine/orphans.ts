// Orphaned resources (Argo CD's orphaned resources monitoring, AppProject `orphanedResources`), pure:
// - the kinds worth scanning in a namespace: namespaced, listable, less the high-churn ones Argo CD
//   never watches (Events, Leases, metrics) and the Endpoints and EndpointSlices Kubernetes makes
//   for every Service (excluded by Argo CD's default install);
// - the orphans of an application: top-level objects of its destination namespace (no
//   ownerReferences) that no application on this cluster manages (in its desired state or
//   inventory, or naming it in its tracking annotation or label), less what every namespace holds
//   (ServiceAccount default, ConfigMap kube-root-ca.crt, Service kubernetes in default), the
//   project's `ignore` entries and the kinds the project does not permit; each with what it owns,
//   as Argo CD's orphaned nodes are;
// - the OrphanedResourceWarning condition, only with `warn: true`.
import type { ResourceStatus } from '@flotilla/shared';
import { globMatch } from '@flotilla/shared';
import type { ServedGroupVersion } from './capabilities.ts';
import { parseApiVersion, refKey } from './objects.ts';

/** A kind to list in a namespace: its apiVersion, kind and plural resource name. */
export interface ScanKind {
  apiVersion: string;
  kind: string;
  resource: string;
}

/** One object of the namespace, as a metadata-only list gives it. */
export interface ScannedObject {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  /** The uids its ownerReferences name. */
  owners: string[];
  /** The application its tracking annotation names, if any. */
  trackedBy?: string;
  /** Its tracking label value, if any (an app name, or a hashed one). */
  trackingLabel?: string;
}

/** An `orphanedResources.ignore` entry: group and kind/name globs (Argo CD: an empty kind or name matches any; the group must match). */
export interface IgnoreEntry {
  group?: string;
  kind?: string;
  name?: string;
}

/** Groups and kinds never scanned ('*': the whole group). */
const EXCLUDED: readonly [string, string][] = [
  ['events.k8s.io', '*'], ['metrics.k8s.io', '*'], ['', 'Event'], ['coordination.k8s.io', 'Lease'],
  ['', 'Endpoints'], ['discovery.k8s.io', 'EndpointSlice'],
];

/** The kinds to list for orphans, one version per group and kind (the first served, the preferred one in discovery order). */
export function scanKinds(served: readonly ServedGroupVersion[]): ScanKind[] {
  const seen = new Set<string>();
  const kinds: ScanKind[] = [];
  for (const gv of served) {
    const { group } = parseApiVersion(gv.groupVersion);
    for (const r of gv.resources) {
      if (!r.namespaced || !r.resource || !r.verbs.includes('list')) continue;
      if (EXCLUDED.some(([g, k]) => g === group && (k === '*' || k === r.kind))) continue;
      const key = `${group}/${r.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      kinds.push({ apiVersion: gv.groupVersion, kind: r.kind, resource: r.resource });
    }
  }
  return kinds;
}

/** What every namespace holds without anyone applying it (Argo CD's isKnownOrphanedResourceExclusion). */
function isKnownExclusion(group: string, kind: string, namespace: string, name: string): boolean {
  if (group !== '') return false;
  return (kind === 'Service' && name === 'kubernetes' && namespace === 'default') || (kind === 'ServiceAccount' && name === 'default') || (kind === 'ConfigMap' && name === 'kube-root-ca.crt');
}

function ignored(ignore: readonly IgnoreEntry[], group: string, kind: string, name: string): boolean {
  return ignore.some((i) => (!i.kind || globMatch(i.kind, kind)) && globMatch(i.group ?? '', group) && (!i.name || globMatch(i.name, name)));
}

/** What findOrphans looks at. */
export interface OrphanInput {
  namespace: string;
  objects: readonly ScannedObject[];
  /** Ref keys (objects.ts refKey) of every object an application on this cluster manages. */
  managed: ReadonlySet<string>;
  /** The applications on this cluster (a tracking annotation naming one of them means managed). */
  apps: ReadonlySet<string>;
  /** Tracking label values of those applications. */
  appLabels: ReadonlySet<string>;
  ignore: readonly IgnoreEntry[];
  /** Whether the project permits this namespaced kind (Argo CD's IsGroupKindNamePermitted). */
  permitted(group: string, kind: string, name: string): boolean;
}

const sortKey = (o: ScannedObject) => `${parseApiVersion(o.apiVersion).group}/${o.kind}/${o.name}`;
const byRef = (a: ScannedObject, b: ScannedObject) => sortKey(a).localeCompare(sortKey(b));

/** The application's orphaned resources and what they own: each orphan by group, kind and name, followed by what it owns. */
export function findOrphans(input: OrphanInput): ResourceStatus[] {
  const byOwner = new Map<string, ScannedObject[]>();
  for (const o of input.objects) {
    for (const owner of o.owners) {
      const owned = byOwner.get(owner);
      if (owned) owned.push(o);
      else byOwner.set(owner, [o]);
    }
  }
  const node = (o: ScannedObject, parent?: ScannedObject): ResourceStatus => {
    const { group, version } = parseApiVersion(o.apiVersion);
    const parentRefs = parent ? [{ group: parseApiVersion(parent.apiVersion).group, kind: parent.kind, namespace: input.namespace, name: parent.name }] : undefined;
    return { group, version, kind: o.kind, namespace: input.namespace, name: o.name, ...(parentRefs ? { parentRefs } : {}) };
  };
  const out: ResourceStatus[] = [];
  const visited = new Set<string>();
  // An object an application on this cluster manages (or tracks), or one the project does not permit, is not shown, nor what it owns (Argo CD's IterateHierarchyV2 check).
  const shown = (o: ScannedObject) => {
    const { group } = parseApiVersion(o.apiVersion);
    if (input.managed.has(refKey({ group, kind: o.kind, namespace: input.namespace, name: o.name }))) return false;
    if (o.trackedBy !== undefined && input.apps.has(o.trackedBy)) return false;
    if (o.trackingLabel !== undefined && input.appLabels.has(o.trackingLabel)) return false;
    return input.permitted(group, o.kind, o.name);
  };
  const roots = input.objects.filter((o) => {
    if (o.owners.length > 0 || !shown(o)) return false;
    const { group } = parseApiVersion(o.apiVersion);
    return !isKnownExclusion(group, o.kind, input.namespace, o.name) && !ignored(input.ignore, group, o.kind, o.name);
  });
  const walk = (o: ScannedObject, parent?: ScannedObject) => {
    if (visited.has(o.uid)) return;
    visited.add(o.uid);
    out.push(node(o, parent));
    for (const child of [...(byOwner.get(o.uid) ?? [])].sort(byRef)) if (shown(child)) walk(child, o);
  };
  for (const root of [...roots].sort(byRef)) walk(root);
  return out;
}

/** Argo CD's OrphanedResourceWarning, when the project warns and there are orphans. */
export function orphanCondition(orphans: readonly unknown[], warn: boolean | undefined): { type: string; message: string } | undefined {
  return warn === true && orphans.length > 0 ? { type: 'OrphanedResourceWarning', message: `Application has ${orphans.length} orphaned resources` } : undefined;
}
