// The Argo CD `AppProject` object (argoproj.io/v1alpha1) as a closed TypeBox schema, with Argo CD's
// field names (pkg/apis/application/v1alpha1/app_project_types.go); `status` is tolerated, not inspected.
import { Type, type Static } from '@sinclair/typebox';
import { ObjectMetaSchema, strict, StringListSchema } from './meta-schema.ts';
import { ApplicationDestinationSchema } from './schema.ts';

/** A {group, kind} pair used by the namespace-scoped allow/deny lists. */
export const GroupKindSchema = Type.Object({
  group: Type.String(),
  kind: Type.String(),
}, strict);
/** An API group and kind. */
export type GroupKind = Static<typeof GroupKindSchema>;

/** A {group, kind, name?} entry of the cluster-scoped allow/deny lists (name is a glob). */
export const ClusterResourceRestrictionSchema = Type.Object({
  group: Type.String(),
  kind: Type.String(),
  name: Type.Optional(Type.String()),
}, strict);

/** roles[].jwtTokens[]: a token issued for a project role. */
export const JwtTokenSchema = Type.Object({
  iat: Type.Integer(),
  exp: Type.Optional(Type.Integer()),
  id: Type.Optional(Type.String()),
}, strict);

/** roles[]: a project role with its Casbin policies and SSO groups. */
export const ProjectRoleSchema = Type.Object({
  name: Type.String(),
  description: Type.Optional(Type.String()),
  policies: Type.Optional(StringListSchema),
  jwtTokens: Type.Optional(Type.Array(JwtTokenSchema)),
  groups: Type.Optional(StringListSchema),
}, strict);
/** A project role. */
export type ProjectRole = Static<typeof ProjectRoleSchema>;

/** syncWindows[]: a cron-scheduled window that allows or denies syncs of matching apps. */
export const SyncWindowSchema = Type.Object({
  kind: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
  schedule: Type.String(),
  duration: Type.String(),
  applications: Type.Optional(StringListSchema),
  namespaces: Type.Optional(StringListSchema),
  clusters: Type.Optional(StringListSchema),
  manualSync: Type.Optional(Type.Boolean()),
  timeZone: Type.Optional(Type.String()),
  andOperator: Type.Optional(Type.Boolean()),
  description: Type.Optional(Type.String({ maxLength: 255 })),
  syncOverrun: Type.Optional(Type.Boolean()),
}, strict);
/** A sync window. */
export type SyncWindow = Static<typeof SyncWindowSchema>;

/** orphanedResources.ignore[]: resources not reported as orphaned. */
export const OrphanedResourceKeySchema = Type.Object({
  group: Type.Optional(Type.String()),
  kind: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
}, strict);

/** orphanedResources: monitoring of resources in app namespaces that no app manages. */
export const OrphanedResourcesSchema = Type.Object({
  warn: Type.Optional(Type.Boolean()),
  ignore: Type.Optional(Type.Array(OrphanedResourceKeySchema)),
}, strict);

/** signatureKeys[]: a GPG key ID required on commits (deprecated by Argo CD in favour of sourceIntegrity). */
export const SignatureKeySchema = Type.Object({
  keyID: Type.String(),
}, strict);

/** destinationServiceAccounts[]: the service account used to sync to a destination. */
export const DestinationServiceAccountSchema = Type.Object({
  server: Type.String(),
  namespace: Type.Optional(Type.String()),
  defaultServiceAccount: Type.String(),
}, strict);

/** sourceIntegrity: signature requirements on source repositories. */
export const SourceIntegritySchema = Type.Object({
  git: Type.Object({
    policies: Type.Array(Type.Object({
      repos: Type.Array(Type.Object({ url: Type.String() }, strict)),
      gpg: Type.Object({ mode: Type.String(), keys: StringListSchema }, strict),
    }, strict)),
  }, strict),
}, strict);

/** spec of an AppProject. */
export const AppProjectSpecSchema = Type.Object({
  description: Type.Optional(Type.String()),
  sourceRepos: Type.Optional(StringListSchema),
  sourceNamespaces: Type.Optional(StringListSchema),
  destinations: Type.Optional(Type.Array(ApplicationDestinationSchema)),
  clusterResourceWhitelist: Type.Optional(Type.Array(ClusterResourceRestrictionSchema)),
  clusterResourceBlacklist: Type.Optional(Type.Array(ClusterResourceRestrictionSchema)),
  namespaceResourceWhitelist: Type.Optional(Type.Array(GroupKindSchema)),
  namespaceResourceBlacklist: Type.Optional(Type.Array(GroupKindSchema)),
  roles: Type.Optional(Type.Array(ProjectRoleSchema)),
  syncWindows: Type.Optional(Type.Array(SyncWindowSchema)),
  orphanedResources: Type.Optional(OrphanedResourcesSchema),
  signatureKeys: Type.Optional(Type.Array(SignatureKeySchema)),
  permitOnlyProjectScopedClusters: Type.Optional(Type.Boolean()),
  destinationServiceAccounts: Type.Optional(Type.Array(DestinationServiceAccountSchema)),
  sourceIntegrity: Type.Optional(SourceIntegritySchema),
}, strict);
/** An AppProject spec. */
export type AppProjectSpec = Static<typeof AppProjectSpecSchema>;

/** A whole AppProject document; status is tolerated and not inspected. */
export const AppProjectSchema = Type.Object({
  apiVersion: Type.String(),
  kind: Type.String(),
  metadata: ObjectMetaSchema,
  spec: AppProjectSpecSchema,
  status: Type.Optional(Type.Unknown()),
}, strict);
/** An AppProject document as written (what the schema accepts). */
export type AppProjectInput = Static<typeof AppProjectSchema>;
/** A validated AppProject: status dropped. */
export type AppProject = {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'AppProject';
  metadata: AppProjectInput['metadata'];
  spec: AppProjectSpec;
};
