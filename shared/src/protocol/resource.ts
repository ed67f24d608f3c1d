// Reading one live object through the agent, for the UI's resource panel (issue 17): the hub asks
// `resource.get` with a request id, the agent answers `resource.got` with the object (Secret values
// masked, managedFields and last-applied dropped), nothing (it does not exist), or an error. The
// agent answers only for objects in the application's inventory. An optional capability: an agent
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
}, { additionalProperties: false });

/** Agent → hub: the answer to one `resource.get`; neither object nor error: the object does not exist. */
export const ResourceGotSchema = Type.Object({
  type: Type.Literal('resource.got'),
  requestId: Type.String({ minLength: 1, maxLength: 64 }),
  object: Type.Optional(Type.Object({}, { additionalProperties: true })),
  error: Type.Optional(Type.String({ maxLength: 2048 })),
}, { additionalProperties: false });

export type ResourceRef = Static<typeof ResourceRefSchema>;
export type ResourceGet = Static<typeof ResourceGetSchema>;
export type ResourceGot = Static<typeof ResourceGotSchema>;

/** What every Secret value becomes before it leaves the agent (and in the hub's desired manifest), as Argo CD shows it. */
export const SECRET_VALUE_MASK = '++++++++';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * An object as the UI may show it (pure): managedFields dropped, and for a core Secret every value
 * of data and stringData masked and the last-applied annotation (which holds them) dropped.
 */
export function objectForDisplay(obj: Record<string, unknown>): Record<string, unknown> {
  const metadata = { ...(obj.metadata as Record<string, unknown> | undefined) };
  delete metadata.managedFields;
  const secret = obj.kind === 'Secret' && (obj.apiVersion === undefined || obj.apiVersion === 'v1');
  if (secret && metadata.annotations && typeof metadata.annotations === 'object') {
    const annotations = { ...(metadata.annotations as Record<string, unknown>) };
    delete annotations[LAST_APPLIED];
    metadata.annotations = annotations;
  }
  const shown: Record<string, unknown> = { ...obj, ...(obj.metadata !== undefined ? { metadata } : {}) };
  if (!secret) return shown;
  for (const field of ['data', 'stringData']) {
    const values = obj[field];
    if (values && typeof values === 'object') shown[field] = Object.fromEntries(Object.keys(values).map((key) => [key, SECRET_VALUE_MASK]));
  }
  return shown;
}
