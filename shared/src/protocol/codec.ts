// Decoding of wire messages: size limit, JSON, a known `type`, then that type's schema. Anything
// else is a protocol error with a path and a reason; a peer answers it by closing the socket.
import type { TSchema, Static } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { AckSchema, DeltaSchema, SnapshotSchema } from './assignment.ts';
import { HeartbeatSchema, HelloSchema, ProtocolErrorSchema, RegisteredAckSchema, RegisteredSchema, WelcomeSchema } from './hello.ts';
import { EventAckSchema, EventSchema, StatusAckSchema, StatusSchema } from './status.ts';
import { ResourceGetSchema, ResourceGotSchema } from './resource.ts';
import type { ProtocolIssue } from './envelope.ts';
import { messageShapeIssue } from './message-shape.ts';

const agentSchemas = {
  hello: HelloSchema,
  'registered.ack': RegisteredAckSchema,
  ack: AckSchema,
  status: StatusSchema,
  event: EventSchema,
  heartbeat: HeartbeatSchema,
  'resource.got': ResourceGotSchema,
};

const hubSchemas = {
  welcome: WelcomeSchema,
  registered: RegisteredSchema,
  snapshot: SnapshotSchema,
  delta: DeltaSchema,
  'status.ack': StatusAckSchema,
  'event.ack': EventAckSchema,
  heartbeat: HeartbeatSchema,
  error: ProtocolErrorSchema,
  'resource.get': ResourceGetSchema,
};

type Messages<T extends Record<string, TSchema>> = { [K in keyof T]: Static<T[K]> }[keyof T];

/** Every message an agent may send. */
export type AgentMessage = Messages<typeof agentSchemas>;
/** Every message a hub may send. */
export type HubMessage = Messages<typeof hubSchemas>;

/** The result of decoding one frame. */
export type Decoded<T> = { ok: true; message: T } | { ok: false; issue: ProtocolIssue };

function compile<T extends Record<string, TSchema>>(schemas: T): Map<string, TypeCheck<TSchema>> {
  return new Map(Object.entries(schemas).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]));
}

/**
 * A copy of a schema whose objects allow properties they do not name. An agent reads the hub's
 * messages this way, so a newer hub that adds an optional field (as `revisions` on an assignment)
 * still reaches an older agent, which ignores the field. The hub reads agents strictly.
 */
export function tolerantOf<T extends TSchema>(schema: T): T {
  const open = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(open);
    if (typeof value !== 'object' || value === null) return value;
    const copy: Record<string | symbol, unknown> = {};
    for (const key of Reflect.ownKeys(value)) {
      const field = (value as Record<string | symbol, unknown>)[key];
      if (key === 'additionalProperties' && field === false) continue;
      copy[key] = open(field);
    }
    return copy;
  };
  return open(schema) as T;
}

const agentChecks = compile(agentSchemas);
const hubChecks = compile(Object.fromEntries(Object.entries(hubSchemas).map(([type, schema]) => [type, tolerantOf(schema)])));

function decode<T>(checks: Map<string, TypeCheck<TSchema>>, data: string | Buffer, maxBytes: number): Decoded<T> {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (size > maxBytes) return { ok: false, issue: { path: '', message: `message of ${size} bytes exceeds the limit of ${maxBytes}` } };
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (error) {
    return { ok: false, issue: { path: '', message: `not JSON: ${(error as Error).message}` } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, issue: { path: '', message: 'a message must be a JSON object' } };
  const shape = messageShapeIssue(value);
  if (shape) return { ok: false, issue: shape };
  const type = (value as { type?: unknown }).type;
  const check = typeof type === 'string' ? checks.get(type) : undefined;
  if (!check) return { ok: false, issue: { path: 'type', message: `unknown message type ${describeType(type)}` } };
  // The compiled check is fast; the error walk runs only for a message that fails it.
  if (check.Check(value)) return { ok: true, message: value as T };
  const first = check.Errors(value).First();
  return { ok: false, issue: { path: first ? pointerToPath(first.path) : '', message: first?.message ?? 'invalid message' } };
}

/** A peer's `type` as an error may quote it: JSON, and cut short (it is echoed back to the peer). */
function describeType(type: unknown): string {
  const text = JSON.stringify(type) ?? String(type);
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

/** Turns a JSON pointer (/status/resources/0/kind) into a dotted path (status.resources[0].kind). */
export function pointerToPath(pointer: string): string {
  return pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/** Decodes a frame received from an agent. */
export function decodeAgentMessage(data: string | Buffer, maxBytes: number): Decoded<AgentMessage> {
  return decode<AgentMessage>(agentChecks, data, maxBytes);
}

/** Decodes a frame received from the hub. */
export function decodeHubMessage(data: string | Buffer, maxBytes = Number.POSITIVE_INFINITY): Decoded<HubMessage> {
  return decode<HubMessage>(hubChecks, data, maxBytes);
}
