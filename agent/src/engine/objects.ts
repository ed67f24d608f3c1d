// Object identity for the sync engine: Kubernetes object and ref types, ref keys, Flotilla's tracking label
// and annotation (Argo CD's annotation tracking), and preparing rendered manifests for apply.
import { createHash } from 'node:crypto';

/** Label naming the app that owns an object (for selecting; the annotation is what decides ownership). */
export const TRACKING_LABEL = 'app.flotilla.dev/instance';
/** Annotation holding `<app>:<group>/<kind>:<namespace>/<name>`, as Argo CD's annotation tracking does. */
export const TRACKING_ANNOTATION = 'flotilla.dev/tracking-id';
/** Field manager the agent applies with (server-side apply). */
export const FIELD_MANAGER = 'flotilla-agent';

/** Object metadata: the fields the engine reads, plus anything else the object carries. */
export type ObjectMeta = {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
};

/** A Kubernetes object as JSON: apiVersion, kind, metadata, plus anything. */
export type KubeObject = { apiVersion: string; kind: string; metadata: ObjectMeta; [field: string]: unknown };

/** Identity of an object: group ('' for core), version, kind, namespace (absent when cluster-scoped), name. */
export type ObjectRef = { group: string; version: string; kind: string; namespace?: string; name: string };

/** A problem with one manifest; ref is its refKey when the manifest had enough identity to make one. */
export type PrepareError = { ref?: string; message: string };

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CRD_GROUP = 'apiextensions.k8s.io';

/** Splits an apiVersion into group ('' for the core API) and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The ref of an object; an empty namespace counts as none. */
export function refOf(obj: KubeObject): ObjectRef {
  const { group, version } = parseApiVersion(obj.apiVersion);
  const ref: ObjectRef = { group, version, kind: obj.kind, name: obj.metadata.name };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}

/** The version-independent key of a ref: "group/kind/namespace/name" (empty parts stay empty). */
export function refKey(ref: Pick<ObjectRef, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${ref.group}/${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** The tracking-id annotation value for an object of this app. */
export function trackingId(app: string, ref: Pick<ObjectRef, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${app}:${ref.group}/${ref.kind}:${ref.namespace ?? ''}/${ref.name}`;
}

/** Parses a tracking-id annotation value, or undefined when it is not one. */
export function parseTrackingId(value: string): { app: string; group: string; kind: string; namespace: string; name: string } | undefined {
  const match = /^(.+):([^/:]*)\/([^/:]+):([^/:]*)\/([^/:]+)$/.exec(value);
  if (!match) return undefined;
  const [, app = '', group = '', kind = '', namespace = '', name = ''] = match;
  return { app, group, kind, namespace, name };
}

/** The tracking label value: the app name when it is a valid label value, else a readable prefix plus a hash. */
export function trackingLabelValue(app: string): string {
  if (app.length <= 63 && LABEL_VALUE.test(app)) return app;
  const hash = createHash('sha256').update(app).digest('hex').slice(0, 16);
  const prefix = app.replace(/[^-A-Za-z0-9_.]/g, '-').slice(0, 46).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return prefix ? `${prefix}-${hash}` : hash;
}

/** Whether live belongs to app: its tracking id names the app and the object itself (Argo CD's self-reference check). */
export function isTrackedBy(live: KubeObject, app: string): boolean {
  const value = live.metadata.annotations?.[TRACKING_ANNOTATION];
  const parsed = value === undefined ? undefined : parseTrackingId(value);
  if (!parsed || parsed.app !== app) return false;
  const ref = refOf(live);
  return parsed.group === ref.group && parsed.kind === ref.kind && parsed.namespace === (ref.namespace ?? '') && parsed.name === ref.name;
}

/** The value as a plain object, or undefined. */
function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/** Checks a manifest has the identity an object needs; returns why not, or undefined. */
function shapeError(manifest: unknown): string | undefined {
  const obj = asRecord(manifest);
  if (!obj) return 'manifest is not an object';
  if (typeof obj['apiVersion'] !== 'string' || obj['apiVersion'] === '') return 'apiVersion is required';
  if (typeof obj['kind'] !== 'string' || obj['kind'] === '') return 'kind is required';
  const meta = asRecord(obj['metadata']);
  if (!meta) return 'metadata.name is required';
  const named = typeof meta['name'] === 'string' && meta['name'] !== '';
  // A hook may have only generateName: each sync creates it afresh under a name of its own (hook-phases.ts).
  const annotations = asRecord(meta['annotations']);
  const hook = annotations !== undefined && (annotations['argocd.argoproj.io/hook'] !== undefined || annotations['helm.sh/hook'] !== undefined);
  if (!named && !(hook && typeof meta['generateName'] === 'string' && meta['generateName'] !== '')) {
    return typeof meta['generateName'] === 'string' ? 'metadata.name is required (generateName is for hooks only: a resource the application keeps needs a name)' : 'metadata.name is required';
  }
  if (meta['namespace'] !== undefined && typeof meta['namespace'] !== 'string') return 'metadata.namespace must be a string';
  for (const field of ['labels', 'annotations']) {
    if (meta[field] !== undefined && meta[field] !== null && !asRecord(meta[field])) return `metadata.${field} must be a map`;
  }
  return undefined;
}

/** Scopes declared by CRDs in the bundle: "group/kind" → namespaced? */
function bundleScopes(manifests: unknown[]): Map<string, boolean> {
  const scopes = new Map<string, boolean>();
  for (const manifest of manifests) {
    const obj = asRecord(manifest);
    if (!obj || obj['kind'] !== 'CustomResourceDefinition' || typeof obj['apiVersion'] !== 'string') continue;
    if (parseApiVersion(obj['apiVersion']).group !== CRD_GROUP) continue;
    const spec = asRecord(obj['spec']);
    const kind = asRecord(spec?.['names'])?.['kind'];
    if (typeof spec?.['group'] !== 'string' || typeof kind !== 'string') continue;
    if (spec['scope'] === 'Namespaced' || spec['scope'] === 'Cluster') scopes.set(`${spec['group']}/${kind}`, spec['scope'] === 'Namespaced');
  }
  return scopes;
}

/** Readies manifests for apply: deep copies, namespaces fixed, tracking label and annotation added, bad or duplicate ones reported. */
export function prepareDesired(
  manifests: object[],
  app: string,
  destNamespace: string,
  isNamespaced: (group: string, kind: string) => boolean | undefined,
): { objects: KubeObject[]; errors: PrepareError[] } {
  const objects: KubeObject[] = [];
  const errors: PrepareError[] = [];
  const seen = new Set<string>();
  const scopes = bundleScopes(manifests);
  const label = trackingLabelValue(app);
  manifests.forEach((manifest, index) => {
    const problem = shapeError(manifest);
    if (problem) {
      errors.push({ message: `manifest ${index + 1}: ${problem}` });
      return;
    }
    const obj = structuredClone(manifest) as KubeObject;
    const meta = obj.metadata;
    const { group } = parseApiVersion(obj.apiVersion);
    // Discovery first, then a CRD in the same bundle; still unknown: keep the namespace given, else default it.
    const namespaced = isNamespaced(group, obj.kind) ?? scopes.get(`${group}/${obj.kind}`);
    if (namespaced === false) {
      delete meta.namespace;
    } else if (!meta.namespace) {
      if (destNamespace) meta.namespace = destNamespace;
      else delete meta.namespace;
      if (namespaced === true && !destNamespace) {
        errors.push({ ref: refKey(refOf(obj)), message: `${obj.kind} ${meta.name} is namespaced but names no namespace, and the destination has none` });
        return;
      }
    }
    const ref = refOf(obj);
    const key = refKey(ref);
    if (meta.name && seen.has(key)) {
      errors.push({ ref: key, message: `duplicate resource ${key}: it appears more than once in the manifests` });
      return;
    }
    seen.add(key);
    meta.labels = { ...meta.labels, [TRACKING_LABEL]: label };
    meta.annotations = { ...meta.annotations, [TRACKING_ANNOTATION]: trackingId(app, ref) };
    objects.push(obj);
  });
  return { objects, errors };
}

/** The apiVersion of a ref: `group/version`, or `version` for the core group. */
export function toApiVersion(ref: Pick<ObjectRef, 'group' | 'version'>): string {
  return ref.group ? `${ref.group}/${ref.version}` : ref.version;
}
