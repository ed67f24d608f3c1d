// Status flows back at least once, latest wins: per application the agent sends its newest status
// with a sequence number; the hub stores it only when the number is newer, and acks it either way.
// Cluster events are sequenced per cluster and deduplicated the same way.
import { Type, type Static } from '@sinclair/typebox';

const HealthStatus = Type.Union([Type.Literal('Healthy'), Type.Literal('Progressing'), Type.Literal('Degraded'), Type.Literal('Suspended'), Type.Literal('Missing'), Type.Literal('Unknown')]);
const SyncStatus = Type.Union([Type.Literal('Synced'), Type.Literal('OutOfSync'), Type.Literal('Unknown')]);

/** One live resource of an application as the agent sees it. */
export const ResourceStatusSchema = Type.Object({
  group: Type.String(),
  version: Type.String(),
  kind: Type.String(),
  namespace: Type.Optional(Type.String()),
  name: Type.String(),
  status: Type.Optional(SyncStatus),
  health: Type.Optional(Type.Object({ status: HealthStatus, message: Type.Optional(Type.String()) })),
  requiresPruning: Type.Optional(Type.Boolean()),
  /** For an OutOfSync resource: what differs, live against desired (a readable diff, cut at 8 KiB). */
  diff: Type.Optional(Type.String({ maxLength: 8192 })),
  parentRefs: Type.Optional(Type.Array(Type.Object({ group: Type.String(), kind: Type.String(), namespace: Type.Optional(Type.String()), name: Type.String() }))),
});

/** An application's status on its cluster. */
export const AppStatusSchema = Type.Object({
  sync: Type.Object({
    status: SyncStatus,
    revision: Type.Optional(Type.String()),
    /** A multi-source application's revision of each source, in source order (the assignment's `revisions`). */
    revisions: Type.Optional(Type.Array(Type.String())),
    bundle: Type.Optional(Type.String()),
  }),
  health: Type.Object({ status: HealthStatus, message: Type.Optional(Type.String()) }),
  resources: Type.Array(ResourceStatusSchema, { maxItems: 20_000 }),
  operationState: Type.Optional(Type.Object({
    id: Type.String(),
    phase: Type.Union([Type.Literal('Running'), Type.Literal('Succeeded'), Type.Literal('Failed'), Type.Literal('Error'), Type.Literal('Terminating')]),
    message: Type.Optional(Type.String()),
    startedAt: Type.Optional(Type.String()),
    finishedAt: Type.Optional(Type.String()),
    result: Type.Optional(Type.Unknown()),
  })),
  conditions: Type.Optional(Type.Array(Type.Object({ type: Type.String(), message: Type.String() }))),
  /**
   * Orphaned resources monitoring (the project's `orphanedResources`): objects of the destination
   * namespace no application manages, with what they own; Argo CD's resource tree `orphanedNodes`.
   */
  orphanedResources: Type.Optional(Type.Array(ResourceStatusSchema, { maxItems: 1000 })),
  reconciledAt: Type.String(),
  /** The agent removed everything the deletion asked for; the hub may forget the application. */
  deleted: Type.Optional(Type.Boolean()),
});

/** Agent → hub. */
export const StatusSchema = Type.Object({
  type: Type.Literal('status'),
  app: Type.String({ minLength: 1 }),
  seq: Type.Integer({ minimum: 1 }),
  status: AppStatusSchema,
}, { additionalProperties: false });

/** Hub → agent: the status with that seq (or a newer one) is stored. */
export const StatusAckSchema = Type.Object({
  type: Type.Literal('status.ack'),
  app: Type.String(),
  seq: Type.Integer(),
}, { additionalProperties: false });

/** Agent → hub: a Kubernetes event or engine event, sequenced per cluster. */
export const EventSchema = Type.Object({
  type: Type.Literal('event'),
  seq: Type.Integer({ minimum: 1 }),
  app: Type.Optional(Type.String()),
  event: Type.Object({
    reason: Type.String({ maxLength: 256 }),
    message: Type.String({ maxLength: 4096 }),
    eventType: Type.Optional(Type.String()),
    object: Type.Optional(Type.String()),
    at: Type.String(),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

/** Hub → agent: the event with this seq is stored (or was already). */
export const EventAckSchema = Type.Object({
  type: Type.Literal('event.ack'),
  seq: Type.Integer(),
}, { additionalProperties: false });

export type ResourceStatus = Static<typeof ResourceStatusSchema>;
export type AppStatus = Static<typeof AppStatusSchema>;
export type StatusMessage = Static<typeof StatusSchema>;
export type StatusAck = Static<typeof StatusAckSchema>;
export type EventMessage = Static<typeof EventSchema>;
export type EventAck = Static<typeof EventAckSchema>;
