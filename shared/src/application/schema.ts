// The Argo CD `Application` object (argoproj.io/v1alpha1) as a closed TypeBox schema: spec and every
// object under it reject unknown fields; `status` and `operation` are accepted but not inspected so
// `kubectl get -o yaml` output validates. Source blocks live in source-schema.ts, metadata in meta-schema.ts.
import { Type, type Static } from '@sinclair/typebox';
import { ObjectMetaSchema, strict, StringListSchema, StringMapSchema } from './meta-schema.ts';
import { ApplicationSourceSchema, SourceHydratorSchema } from './source-schema.ts';

/** ObjectMeta schema and shared schema helpers. */
export * from './meta-schema.ts';
/** ApplicationSource and its tool blocks. */
export * from './source-schema.ts';

/** spec.destination: the target cluster (by `server` URL or registered `name`) and namespace. */
export const ApplicationDestinationSchema = Type.Object({
  server: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
}, strict);
/** Where an application deploys to. */
export type ApplicationDestination = Static<typeof ApplicationDestinationSchema>;

/** syncPolicy.automated: automatic sync and its pruning/self-heal switches. */
export const SyncPolicyAutomatedSchema = Type.Object({
  prune: Type.Optional(Type.Boolean()),
  selfHeal: Type.Optional(Type.Boolean()),
  allowEmpty: Type.Optional(Type.Boolean()),
  enabled: Type.Optional(Type.Boolean()),
}, strict);
/** Automated sync settings. */
export type SyncPolicyAutomated = Static<typeof SyncPolicyAutomatedSchema>;

/** syncPolicy.retry.backoff: exponential backoff between sync retries (durations like "5s", "3m"). */
export const BackoffSchema = Type.Object({
  duration: Type.Optional(Type.String()),
  factor: Type.Optional(Type.Integer()),
  maxDuration: Type.Optional(Type.String()),
}, strict);

/** syncPolicy.retry: how failed syncs are retried (limit < 0 means unlimited). */
export const RetryStrategySchema = Type.Object({
  limit: Type.Optional(Type.Integer()),
  backoff: Type.Optional(BackoffSchema),
  refresh: Type.Optional(Type.Boolean()),
}, strict);
/** Sync retry settings. */
export type RetryStrategy = Static<typeof RetryStrategySchema>;

/** syncPolicy.managedNamespaceMetadata: labels/annotations for a namespace created by CreateNamespace=true. */
export const ManagedNamespaceMetadataSchema = Type.Object({
  labels: Type.Optional(StringMapSchema),
  annotations: Type.Optional(StringMapSchema),
}, strict);

/** spec.syncPolicy: when and how the application syncs. */
export const SyncPolicySchema = Type.Object({
  automated: Type.Optional(SyncPolicyAutomatedSchema),
  /** Options such as "CreateNamespace=true", "ServerSideApply=true", "PruneLast=true". */
  syncOptions: Type.Optional(StringListSchema),
  retry: Type.Optional(RetryStrategySchema),
  managedNamespaceMetadata: Type.Optional(ManagedNamespaceMetadataSchema),
}, strict);
/** Sync policy of an application. */
export type SyncPolicy = Static<typeof SyncPolicySchema>;

/** spec.ignoreDifferences[]: fields of matching resources left out of the diff. */
export const ResourceIgnoreDifferencesSchema = Type.Object({
  group: Type.Optional(Type.String()),
  kind: Type.String(),
  name: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
  jsonPointers: Type.Optional(StringListSchema),
  jqPathExpressions: Type.Optional(StringListSchema),
  managedFieldsManagers: Type.Optional(StringListSchema),
}, strict);
/** One ignoreDifferences rule. */
export type ResourceIgnoreDifferences = Static<typeof ResourceIgnoreDifferencesSchema>;

/** spec.info[]: free-form name/value pairs shown with the application. */
export const InfoSchema = Type.Object({
  name: Type.String(),
  value: Type.String(),
}, strict);
/** An informational name/value pair. */
export type Info = Static<typeof InfoSchema>;

/** spec of an Application; exactly one of source, sources or sourceHydrator is checked in validate.ts. */
export const ApplicationSpecSchema = Type.Object({
  source: Type.Optional(ApplicationSourceSchema),
  sources: Type.Optional(Type.Array(ApplicationSourceSchema)),
  sourceHydrator: Type.Optional(SourceHydratorSchema),
  destination: ApplicationDestinationSchema,
  /** Argo CD requires it; the validator fills "default" when it is missing or empty. */
  project: Type.Optional(Type.String()),
  syncPolicy: Type.Optional(SyncPolicySchema),
  ignoreDifferences: Type.Optional(Type.Array(ResourceIgnoreDifferencesSchema)),
  info: Type.Optional(Type.Array(InfoSchema)),
  revisionHistoryLimit: Type.Optional(Type.Integer()),
}, strict);
/** An Application spec as written (project may be absent). */
export type ApplicationSpecInput = Static<typeof ApplicationSpecSchema>;
/** An Application spec after validation: project is always set. */
export type ApplicationSpec = ApplicationSpecInput & { project: string };

/** A whole Application document; status and operation are tolerated and not inspected. */
export const ApplicationSchema = Type.Object({
  apiVersion: Type.String(),
  kind: Type.String(),
  metadata: ObjectMetaSchema,
  spec: ApplicationSpecSchema,
  status: Type.Optional(Type.Unknown()),
  operation: Type.Optional(Type.Unknown()),
}, strict);
/** An Application document as written (what the schema accepts). */
export type ApplicationInput = Static<typeof ApplicationSchema>;
/** A validated Application: defaults applied, status/operation dropped. */
export type Application = {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Application';
  metadata: ApplicationInput['metadata'];
  spec: ApplicationSpec;
};
