// Schemas of API bodies and answers (TypeBox, so they validate requests and feed OpenAPI alike).
import { Type } from '@sinclair/typebox';

/** Every error answer. */
export const ErrorBodySchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    issues: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  }),
});

/** Standard error answers, by status, referencing the shared schema. */
export const errorResponses = Object.fromEntries([400, 401, 403, 404, 409].map((s) => [s, { $ref: 'ErrorBody#' }]));

/** A name in the path. */
export const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 253 }) });

/** Kubernetes-style labels: a map of strings. */
export const LabelsSchema = Type.Record(Type.String({ pattern: '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$' }), Type.String({ maxLength: 63, pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$' }), { additionalProperties: false });

/** Login. */
export const LoginBody = Type.Object({ username: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1 }) }, { additionalProperties: false });

/** Password change. */
export const PasswordBody = Type.Object({ currentPassword: Type.String({ minLength: 1 }), newPassword: Type.String({ minLength: 8, maxLength: 256 }) }, { additionalProperties: false });

/** A cluster's API URL, as Applications name it in destination.server. */
export const ClusterServerSchema = Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$', maxLength: 512, description: 'the API URL that destination.server matches, e.g. https://10.0.0.1:6443' });

/** Registering a cluster. */
export const ClusterCreateBody = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$', description: 'a DNS-1123 label' }),
  labels: Type.Optional(LabelsSchema),
  server: Type.Optional(ClusterServerSchema),
}, { additionalProperties: false });

/** Changing a cluster: its API URL (set, confirm the agent's report, or clear) and labels. */
export const ClusterUpdateBody = Type.Object({
  server: Type.Optional(Type.Union([ClusterServerSchema, Type.Null()])),
  confirmServer: Type.Optional(Type.Boolean({ description: "make the API URL the agent reported the one destination.server matches" })),
  labels: Type.Optional(LabelsSchema),
}, { additionalProperties: false });

/** Registering a repository. */
export const RepositoryCreateBody = Type.Object({
  url: Type.String({ pattern: '^https?://[^\\s]+$', description: 'an HTTP(S) Git URL' }),
  username: Type.Optional(Type.String({ maxLength: 256 })),
  password: Type.Optional(Type.String({ maxLength: 4096 })),
  upsert: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

/** One resource of a selective sync: argocd's `GROUP:KIND:NAME` / `GROUP:KIND:NAMESPACE/NAME`, or the object. */
export const SyncResourceSchema = Type.Union([
  Type.String({ maxLength: 1024 }),
  Type.Object({
    group: Type.String({ maxLength: 253 }),
    kind: Type.String({ maxLength: 253 }),
    name: Type.String({ maxLength: 253 }),
    namespace: Type.Optional(Type.String({ maxLength: 253 })),
  }, { additionalProperties: false }),
]);

/** Starting a sync. */
export const SyncBody = Type.Object({
  prune: Type.Optional(Type.Boolean()),
  dryRun: Type.Optional(Type.Boolean()),
  revision: Type.Optional(Type.String({ maxLength: 255, description: 'a branch, tag or commit (a chart version for a chart source): the hub renders it; the target stays' })),
  resources: Type.Optional(Type.Array(SyncResourceSchema, { maxItems: 1000, description: 'sync only these resources' })),
  syncOptions: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 64 })),
  force: Type.Optional(Type.Boolean({ description: 'adds the sync option Force=true' })),
  confirm: Type.Optional(Type.Boolean({ description: 'confirms the pruning of resources marked Prune=confirm' })),
  retry: Type.Optional(Type.Unknown({ description: "this sync's retry strategy instead of syncPolicy.retry: {limit, backoff: {duration, factor, maxDuration}} (Argo CD's RetryStrategy)" })),
  retryStrategy: Type.Optional(Type.Unknown({ description: 'the same as retry, under the name of Argo CD\'s sync request' })),
}, { additionalProperties: false });

/** Rolling back to a history entry (the previous one without an id). */
export const RollbackBody = Type.Object({
  id: Type.Optional(Type.Integer({ minimum: 0 })),
  prune: Type.Optional(Type.Boolean()),
  dryRun: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
