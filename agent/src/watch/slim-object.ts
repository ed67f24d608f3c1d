// What the informer caches keep of a live object (as client-go's TransformStripManagedFields, but
// keeping what the agent reads): everything except the `kubectl.kubernetes.io/last-applied-configuration`
// annotation and two kinds of managedFields entries, our own field manager's and those that own
// only status. Our entry mirrors everything we apply, so it is often the largest part of an
// object, and nothing reads it from live: the diff drops managedFields and the last-applied
// annotation before comparing, the dry-run answer carries our entry (drift-fields reads list keys
// from it), and second-writer detection skips our manager by definition. Status-only entries own
// nothing the diff compares or self-heal reverts. The entries of every other writer stay as they
// are: ignoreDifferences' managedFieldsManagers and self-heal's second-writer detection read them.
import type { KubeObject } from '../engine/kube.ts';

/** The annotation `kubectl apply` (client-side) writes: a whole copy of the object as JSON. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Whether a managedFields entry owns only `status` (a status writer: kubelet, controllers). */
function ownsOnlyStatus(entry: Record<string, unknown>): boolean {
  const fields = entry['fieldsV1'];
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return false;
  const keys = Object.keys(fields).filter((key) => key !== '.');
  return keys.length > 0 && keys.every((key) => key === 'f:status');
}

/** Whether the cache drops a managedFields entry: ours, or one that owns only status. */
function isDropped(entry: unknown, ourManager: string): boolean {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return false;
  const record = entry as Record<string, unknown>;
  return record['manager'] === ourManager || ownsOnlyStatus(record);
}

/** The object as the caches keep it (the input is left as it was; unchanged objects are returned as they are). */
export function slimObject(obj: KubeObject, ourManager: string): KubeObject {
  const { managedFields, annotations } = obj.metadata;
  const entries = Array.isArray(managedFields) ? managedFields : undefined;
  const kept = entries?.filter((entry) => !isDropped(entry, ourManager));
  const lastApplied = annotations !== undefined && annotations !== null && LAST_APPLIED_ANNOTATION in annotations;
  if (kept?.length === entries?.length && !lastApplied) return obj;
  const { managedFields: _all, ...metadata } = obj.metadata;
  if (kept?.length) metadata['managedFields'] = kept;
  if (lastApplied) {
    const { [LAST_APPLIED_ANNOTATION]: _dropped, ...others } = annotations;
    metadata.annotations = others;
  }
  return { ...obj, metadata: metadata as KubeObject['metadata'] };
}
