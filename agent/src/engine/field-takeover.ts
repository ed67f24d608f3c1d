// Adoption (pure): taking over the field managers of an object that kubectl or Argo CD wrote
// before Flotilla, as Flux's server-side apply manager does. kubectl's client-side apply records
// its fields under `kubectl-client-side-apply` (operation Update) and keeps the
// `kubectl.kubernetes.io/last-applied-configuration` annotation; Argo CD writes as
// `argocd-controller`; an object created before server-side apply has `before-first-apply`. A
// server-side apply leaves such a manager's fields in place when Git drops them (they are still
// someone's), so a field removed from Git would stay on the live object for ever. Before its first
// apply Flotilla rewrites those entries as its own Apply entry (one JSON patch on
// metadata.managedFields, guarded by the resourceVersion) and drops the annotation; from then on
// Flotilla is the fields' only manager and a field removed from Git is removed from the object.
//
// Only objects Flotilla has not applied yet (no entry of its manager), or that carry the
// annotation again, are taken over: a later `kubectl edit` of an adopted object is a second writer
// (fight-watch.ts), not an adoption.
import type { KubeObject } from './objects.ts';

/** kubectl's client-side apply annotation. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** A managedFields entry, as the API has it. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/** Managers taken over, by name prefix and operation (Flux's list for kubectl, plus Argo CD's controller). */
export const TAKEN_OVER: readonly { prefix: string; operation: 'Update' | 'Apply' }[] = [
  { prefix: 'kubectl', operation: 'Update' }, // kubectl-client-side-apply, kubectl-edit, kubectl-patch, ...
  { prefix: 'kubectl', operation: 'Apply' }, // kubectl apply --server-side
  { prefix: 'before-first-apply', operation: 'Update' },
  { prefix: 'argocd-controller', operation: 'Update' }, // Argo CD's client-side apply
  { prefix: 'argocd-controller', operation: 'Apply' }, // Argo CD with ServerSideApply=true
];

/** One RFC 6902 operation. */
export type JsonPatchOp = { op: 'test' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string };

function isTakenOver(entry: ManagedFieldsEntry): boolean {
  return !entry.subresource && TAKEN_OVER.some((m) => (entry.manager ?? '').startsWith(m.prefix) && entry.operation === m.operation);
}

function entriesOf(live: KubeObject): ManagedFieldsEntry[] {
  const entries = live.metadata['managedFields'];
  return Array.isArray(entries) ? entries as ManagedFieldsEntry[] : [];
}

/** Whether the live object is to be taken over before Flotilla's apply. */
export function needsTakeover(live: KubeObject | undefined, manager: string): boolean {
  if (!live) return false;
  if (live.metadata.annotations?.[LAST_APPLIED_ANNOTATION] !== undefined) return true;
  const entries = entriesOf(live);
  return !entries.some((e) => e.manager === manager && !e.subresource) && entries.some(isTakenOver);
}

/** The managers whose fields a takeover moves (for messages). */
export function takenOverManagers(live: KubeObject): string[] {
  return [...new Set(entriesOf(live).filter(isTakenOver).map((e) => e.manager ?? ''))];
}

/** The union of two fieldsV1 sets. */
export function mergeFields(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = out[key];
    out[key] = mine && typeof mine === 'object' && value && typeof value === 'object' ? mergeFields(mine as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}

/** A fieldsV1 set without the last-applied annotation (it is removed in the same patch). */
function withoutLastApplied(fields: Record<string, unknown>): Record<string, unknown> {
  const meta = fields['f:metadata'] as Record<string, unknown> | undefined;
  const annotations = meta?.['f:annotations'] as Record<string, unknown> | undefined;
  if (!annotations || !(`f:${LAST_APPLIED_ANNOTATION}` in annotations)) return fields;
  const rest = { ...annotations };
  delete rest[`f:${LAST_APPLIED_ANNOTATION}`];
  const keys = Object.keys(rest).filter((k) => k !== '.');
  const nextMeta = { ...meta };
  if (keys.length) nextMeta['f:annotations'] = rest;
  else delete nextMeta['f:annotations'];
  const out = { ...fields };
  if (Object.keys(nextMeta).length) out['f:metadata'] = nextMeta;
  else delete out['f:metadata'];
  return out;
}

/**
 * The JSON patch that takes the object over: every taken-over entry (and an Apply entry of
 * `manager` already there) becomes one Apply entry of `manager`, and the last-applied annotation
 * goes; undefined when there is nothing to take over. The first operation tests the
 * resourceVersion, so a patch computed from a stale copy is refused (and retried).
 */
export function takeoverPatch(live: KubeObject, manager: string): JsonPatchOp[] | undefined {
  const entries = entriesOf(live);
  const hasAnnotation = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION] !== undefined;
  const moved = entries.filter((e) => isTakenOver(e) || (e.manager === manager && e.operation === 'Apply' && !e.subresource));
  if (!moved.some(isTakenOver) && !hasAnnotation) return undefined;
  const kept = entries.filter((e) => !moved.includes(e));
  let fields: Record<string, unknown> = {};
  for (const entry of moved) fields = mergeFields(fields, entry.fieldsV1 ?? {});
  fields = withoutLastApplied(fields);
  const latest = moved.map((e) => e.time ?? '').sort().at(-1);
  const ours: ManagedFieldsEntry = {
    manager, operation: 'Apply', apiVersion: live.apiVersion, fieldsType: 'FieldsV1', fieldsV1: fields, ...(latest ? { time: latest } : {}),
  };
  const next = Object.keys(fields).length ? [...kept, ours] : kept;
  const ops: JsonPatchOp[] = [{ op: 'test', path: '/metadata/resourceVersion', value: live.metadata.resourceVersion }];
  // An empty list would make the server record the patch itself as a manager: an empty entry clears them, as Flux does.
  ops.push({ op: 'replace', path: '/metadata/managedFields', value: next.length ? next : [{}] });
  if (hasAnnotation) ops.push({ op: 'remove', path: `/metadata/annotations/${LAST_APPLIED_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}` });
  return ops;
}
