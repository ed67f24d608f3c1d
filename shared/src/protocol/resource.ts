// Reading one live object through the agent, for the UI's resource panel (issue 17): the hub asks
// `resource.get` with a request id, the agent answers `resource.got` with the object (Secret values
// masked, managedFields and last-applied dropped), nothing (it does not exist), or an error. The
// agent answers only for objects of the application's resource tree it reported (its inventory and
// their descendants: ReplicaSets, Pods). For a Secret the hub sends a random one-request key and the
// agent answers per data key an HMAC of the value (resource-secrets.ts), so the hub can mask desired
// and live so that a changed value shows. An optional capability: an agent
// lists RESOURCE_GET_FEATURE in its hello's `features`, and a hub never sends `resource.get` to
// one that does not (an older agent would close on an unknown message type).
import { Type, type Static } from '@sinclair/typebox';

/** The hello feature of agents that answer `resource.get`. */
export const RESOURCE_GET_FEATURE = 'resource.get';

/** The object asked for, as the resource tree names it. */
export const ResourceRefSchema = Type.Object({
  group: Type.String({ maxLength: 253 }),
  kind: Type.String({ minLength: 1, maxLength: 63 }),
  namespace: Type.Optional(Type.String({ maxLength: 63 })),
  name: Type.String({ minLength: 1, maxLength: 253 }),
}, { additionalProperties: false });

/** Hub → agent: send me this live object of this application. */
export const ResourceGetSchema = Type.Object({
  type: Type.Literal('resource.get'),
  requestId: Type.String({ minLength: 1, maxLength: 64 }),
  app: Type.String({ minLength: 1, maxLength: 253 }),
  ref: ResourceRefSchema,
  /** For a Secret: a random key (base64, 32 bytes) the hub chose for this request only, keying the answer's secretDigests. */
  digestKey: Type.Optional(Type.String({ minLength: 43, maxLength: 88, pattern: '^[A-Za-z0-9+/]+={0,2}$' })),
}, { additionalProperties: false });

/** Agent → hub: the answer to one `resource.get`; neither object nor error: the object does not exist. */
export const ResourceGotSchema = Type.Object({
  type: Type.Literal('resource.got'),
  requestId: Type.String({ minLength: 1, maxLength: 64 }),
  object: Type.Optional(Type.Object({}, { additionalProperties: true })),
  error: Type.Optional(Type.String({ maxLength: 2048 })),
  /** For a Secret asked with a digestKey: per data key, HMAC-SHA256 (base64) of its value under that key. */
  secretDigests: Type.Optional(Type.Record(Type.String({ maxLength: 253 }), Type.String({ maxLength: 64 }))),
}, { additionalProperties: false });

export type ResourceRef = Static<typeof ResourceRefSchema>;
export type ResourceGet = Static<typeof ResourceGetSchema>;
export type ResourceGot = Static<typeof ResourceGotSchema>;

/** What every Secret value becomes before it leaves the agent, and the first mask of a data key at the hub, as Argo CD shows it. */
export const SECRET_VALUE_MASK = '++++++++';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Whether an object is a core Secret (a kind named Secret in another group is not). */
export function isCoreSecret(obj: Record<string, unknown>): boolean {
  return obj.kind === 'Secret' && (obj.apiVersion === undefined || obj.apiVersion === 'v1');
}

/**
 * An object as the UI may show it (pure): managedFields dropped, and for a core Secret the
 * last-applied annotation (which holds the values) dropped and stringData folded into data as the
 * API server stores it, every value replaced by its mask in `masks` (SECRET_VALUE_MASK without one).
 */
export function objectForDisplay(obj: Record<string, unknown>, masks: Readonly<Record<string, string>> = {}): Record<string, unknown> {
  const metadata = { ...(obj.metadata as Record<string, unknown> | undefined) };
  delete metadata.managedFields;
  const secret = isCoreSecret(obj);
  if (secret && metadata.annotations && typeof metadata.annotations === 'object') {
    const annotations = { ...(metadata.annotations as Record<string, unknown>) };
    delete annotations[LAST_APPLIED];
    metadata.annotations = annotations;
  }
  const shown: Record<string, unknown> = { ...obj, ...(obj.metadata !== undefined ? { metadata } : {}) };
  if (!secret) return shown;
  const keys = secretKeys(obj);
  delete shown.stringData;
  if (keys.length || (obj.data && typeof obj.data === 'object')) shown.data = Object.fromEntries(keys.map((key) => [key, masks[key] ?? SECRET_VALUE_MASK]));
  return shown;
}

/** The data keys of a Secret: those of data, then those only in stringData. */
export function secretKeys(obj: Record<string, unknown>): string[] {
  const keysOf = (values: unknown) => (values && typeof values === 'object' && !Array.isArray(values) ? Object.keys(values) : []);
  return [...new Set([...keysOf(obj.data), ...keysOf(obj.stringData)])];
}
