// Opening a session: the agent's versioned hello with its resume cursor and epoch, and the hub's
// welcome (plus, on first contact with a bootstrap token, the long-lived credential it must store
// and acknowledge once stored).
import { Type, type Static } from '@sinclair/typebox';

/** Most API version entries one hello carries (group versions first, then `group/version/Kind`). */
export const MAX_API_VERSIONS = 4000;

/**
 * What the cluster serves, for Helm's `--kube-version` and `--api-versions` (`.Capabilities`):
 * the server's gitVersion and, as Argo CD sends them, every group version with a listable and
 * watchable resource plus `group/version/Kind` for each such resource, sorted.
 */
export const CapabilitiesSchema = Type.Object({
  kubeVersion: Type.String({ maxLength: 64 }),
  apiVersions: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: MAX_API_VERSIONS }),
}, { additionalProperties: false });

/** Agent → hub, first message on every connection. */
export const HelloSchema = Type.Object({
  type: Type.Literal('hello'),
  protocol: Type.Integer({ minimum: 1 }),
  agentVersion: Type.String({ maxLength: 64 }),
  /** The last revision the agent acked and stored; 0 when it has nothing. */
  lastRevision: Type.Integer({ minimum: 0 }),
  /** The server's version; kept for hubs before `capabilities` (an agent sends both, the same version). */
  kubernetesVersion: Type.Optional(Type.String({ maxLength: 64 })),
  /** What the cluster serves (absent when the agent could not read it yet; the hub keeps what it had). */
  capabilities: Type.Optional(CapabilitiesSchema),
  /** The cluster's API URL as the agent sees it: a report for the admin to confirm, never routed by. */
  serverUrl: Type.Optional(Type.String({ maxLength: 512 })),
  /** The hub epoch the agent's stored revision belongs to; a different one gets a snapshot. */
  epoch: Type.Optional(Type.String({ maxLength: 64 })),
  /** Optional capabilities the agent has (e.g. `resource.get`, protocol/resource.ts); the hub sends only what they name. */
  features: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32 })),
}, { additionalProperties: false });

/** The hello feature of an agent that runs PostDelete hooks on a deletion without cascade, leaving the resources (an older one deleted them). */
export const NON_CASCADE_HOOKS_FEATURE = 'deletion.nonCascadeHooks';

/** Hub → agent, after a hello it accepts. */
export const WelcomeSchema = Type.Object({
  type: Type.Literal('welcome'),
  protocol: Type.Integer(),
  cluster: Type.String(),
  heartbeatIntervalMs: Type.Integer({ minimum: 100 }),
  /** The hub's epoch: the agent stores it with the next snapshot it stores. */
  epoch: Type.String({ maxLength: 64 }),
}, { additionalProperties: false });

/** Hub → agent, once, when it connected with a bootstrap token: the credential to use from now on. */
export const RegisteredSchema = Type.Object({
  type: Type.Literal('registered'),
  cluster: Type.String(),
  credential: Type.String(),
}, { additionalProperties: false });

/** Agent → hub, after it stored the credential of `registered` durably: the bootstrap token may now be spent. */
export const RegisteredAckSchema = Type.Object({ type: Type.Literal('registered.ack') }, { additionalProperties: false });

/** Either side: I am alive. */
export const HeartbeatSchema = Type.Object({ type: Type.Literal('heartbeat') }, { additionalProperties: false });

/** Hub → agent: why the hub is about to close the connection. */
export const ProtocolErrorSchema = Type.Object({
  type: Type.Literal('error'),
  code: Type.String(),
  message: Type.String(),
}, { additionalProperties: false });

export type Hello = Static<typeof HelloSchema>;
export type Capabilities = Static<typeof CapabilitiesSchema>;
export type Welcome = Static<typeof WelcomeSchema>;
export type Registered = Static<typeof RegisteredSchema>;
export type RegisteredAck = Static<typeof RegisteredAckSchema>;
export type Heartbeat = Static<typeof HeartbeatSchema>;
export type ProtocolError = Static<typeof ProtocolErrorSchema>;
