// Argo CD ApplicationSource and its tool-specific blocks (helm, kustomize, directory/jsonnet,
// plugin), with Argo CD's field names and types (pkg/apis/application/v1alpha1/types.go). Every
// object is closed: an unknown field is a validation error, so typos surface instead of being ignored.
import { Type, type Static } from '@sinclair/typebox';
import { strict, StringListSchema, StringMapSchema } from './meta-schema.ts';

/** helm.parameters[]: a `--set` (or `--set-string` when forceString) override. */
export const HelmParameterSchema = Type.Object({
  name: Type.Optional(Type.String()),
  value: Type.Optional(Type.String()),
  forceString: Type.Optional(Type.Boolean()),
}, strict);
/** A Helm `--set` parameter. */
export type HelmParameter = Static<typeof HelmParameterSchema>;

/** helm.fileParameters[]: a `--set-file` override. */
export const HelmFileParameterSchema = Type.Object({
  name: Type.Optional(Type.String()),
  path: Type.Optional(Type.String()),
}, strict);
/** A Helm `--set-file` parameter. */
export type HelmFileParameter = Static<typeof HelmFileParameterSchema>;

/** source.helm: how Helm renders the chart. */
export const ApplicationSourceHelmSchema = Type.Object({
  valueFiles: Type.Optional(StringListSchema),
  parameters: Type.Optional(Type.Array(HelmParameterSchema)),
  releaseName: Type.Optional(Type.String()),
  values: Type.Optional(Type.String()),
  fileParameters: Type.Optional(Type.Array(HelmFileParameterSchema)),
  version: Type.Optional(Type.String()),
  passCredentials: Type.Optional(Type.Boolean()),
  ignoreMissingValueFiles: Type.Optional(Type.Boolean()),
  skipCrds: Type.Optional(Type.Boolean()),
  /** Free-form Helm values; takes precedence over `values`. */
  valuesObject: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  namespace: Type.Optional(Type.String()),
  kubeVersion: Type.Optional(Type.String()),
  apiVersions: Type.Optional(StringListSchema),
  skipTests: Type.Optional(Type.Boolean()),
  skipSchemaValidation: Type.Optional(Type.Boolean()),
}, strict);
/** Helm options of a source. */
export type ApplicationSourceHelm = Static<typeof ApplicationSourceHelmSchema>;

/** kustomize.replicas[]: replica count override for a named workload. */
export const KustomizeReplicaSchema = Type.Object({
  name: Type.String(),
  count: Type.Union([Type.Integer(), Type.String()]),
}, strict);
/** A Kustomize replica override. */
export type KustomizeReplica = Static<typeof KustomizeReplicaSchema>;

/** kustomize.patches[].target: which resources a patch applies to. */
export const KustomizeSelectorSchema = Type.Object({
  group: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  kind: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
  annotationSelector: Type.Optional(Type.String()),
  labelSelector: Type.Optional(Type.String()),
}, strict);

/** kustomize.patches[]: an inline or file patch. */
export const KustomizePatchSchema = Type.Object({
  path: Type.Optional(Type.String()),
  patch: Type.Optional(Type.String()),
  target: Type.Optional(KustomizeSelectorSchema),
  options: Type.Optional(Type.Record(Type.String(), Type.Boolean())),
}, strict);
/** A Kustomize patch. */
export type KustomizePatch = Static<typeof KustomizePatchSchema>;

/** source.kustomize: Kustomize transformer overrides. Images are `kustomize edit set image` strings. */
export const ApplicationSourceKustomizeSchema = Type.Object({
  namePrefix: Type.Optional(Type.String()),
  nameSuffix: Type.Optional(Type.String()),
  images: Type.Optional(StringListSchema),
  commonLabels: Type.Optional(StringMapSchema),
  version: Type.Optional(Type.String()),
  commonAnnotations: Type.Optional(StringMapSchema),
  forceCommonLabels: Type.Optional(Type.Boolean()),
  forceCommonAnnotations: Type.Optional(Type.Boolean()),
  namespace: Type.Optional(Type.String()),
  commonAnnotationsEnvsubst: Type.Optional(Type.Boolean()),
  replicas: Type.Optional(Type.Array(KustomizeReplicaSchema)),
  patches: Type.Optional(Type.Array(KustomizePatchSchema)),
  components: Type.Optional(StringListSchema),
  ignoreMissingComponents: Type.Optional(Type.Boolean()),
  labelWithoutSelector: Type.Optional(Type.Boolean()),
  kubeVersion: Type.Optional(Type.String()),
  apiVersions: Type.Optional(StringListSchema),
  labelIncludeTemplates: Type.Optional(Type.Boolean()),
}, strict);
/** Kustomize options of a source. */
export type ApplicationSourceKustomize = Static<typeof ApplicationSourceKustomizeSchema>;

/** jsonnet.extVars[] / jsonnet.tlas[]: a Jsonnet variable, a string unless `code` is true. */
export const JsonnetVarSchema = Type.Object({
  name: Type.String(),
  value: Type.String(),
  code: Type.Optional(Type.Boolean()),
}, strict);
/** A Jsonnet external variable or top-level argument. */
export type JsonnetVar = Static<typeof JsonnetVarSchema>;

/** directory.jsonnet: Jsonnet evaluation options. */
export const ApplicationSourceJsonnetSchema = Type.Object({
  extVars: Type.Optional(Type.Array(JsonnetVarSchema)),
  tlas: Type.Optional(Type.Array(JsonnetVarSchema)),
  libs: Type.Optional(StringListSchema),
}, strict);

/** source.directory: plain manifests (YAML/JSON/Jsonnet) in a directory. */
export const ApplicationSourceDirectorySchema = Type.Object({
  recurse: Type.Optional(Type.Boolean()),
  jsonnet: Type.Optional(ApplicationSourceJsonnetSchema),
  exclude: Type.Optional(Type.String()),
  include: Type.Optional(Type.String()),
  disableExtensionFilter: Type.Optional(Type.Boolean()),
}, strict);
/** Directory options of a source. */
export type ApplicationSourceDirectory = Static<typeof ApplicationSourceDirectorySchema>;

/** plugin.env[]: an environment variable passed to a config management plugin. */
export const EnvEntrySchema = Type.Object({
  name: Type.String(),
  value: Type.String(),
}, strict);

/** plugin.parameters[]: a plugin parameter holding a string, an array or a map. */
export const PluginParameterSchema = Type.Object({
  name: Type.Optional(Type.String()),
  string: Type.Optional(Type.String()),
  array: Type.Optional(StringListSchema),
  map: Type.Optional(StringMapSchema),
}, strict);

/** source.plugin: a config management plugin and its inputs. */
export const ApplicationSourcePluginSchema = Type.Object({
  name: Type.Optional(Type.String()),
  env: Type.Optional(Type.Array(EnvEntrySchema)),
  parameters: Type.Optional(Type.Array(PluginParameterSchema)),
}, strict);
/** Plugin options of a source. */
export type ApplicationSourcePlugin = Static<typeof ApplicationSourcePluginSchema>;

/** The tool blocks a source may carry (at most one is allowed at a time, as in Argo CD). */
const toolFields = {
  helm: Type.Optional(ApplicationSourceHelmSchema),
  kustomize: Type.Optional(ApplicationSourceKustomizeSchema),
  directory: Type.Optional(ApplicationSourceDirectorySchema),
  plugin: Type.Optional(ApplicationSourcePluginSchema),
};

/** spec.source / spec.sources[]: where an application's manifests come from. */
export const ApplicationSourceSchema = Type.Object({
  repoURL: Type.String({ minLength: 1 }),
  path: Type.Optional(Type.String()),
  targetRevision: Type.Optional(Type.String()),
  chart: Type.Optional(Type.String()),
  /** Names this source so other sources can use `$ref/...` value files (multi-source only). */
  ref: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  tagPrefix: Type.Optional(Type.String()),
  ...toolFields,
}, strict);
/** One manifest source of an application. */
export type ApplicationSource = Static<typeof ApplicationSourceSchema>;

/** sourceHydrator.drySource: the un-rendered source the hydrator renders from. */
export const DrySourceSchema = Type.Object({
  repoURL: Type.String({ minLength: 1 }),
  targetRevision: Type.String(),
  path: Type.String(),
  ...toolFields,
}, strict);

/** sourceHydrator.syncSource: where hydrated manifests are committed and synced from. */
export const SyncSourceSchema = Type.Object({
  targetBranch: Type.String({ minLength: 1 }),
  path: Type.String(),
  repoURL: Type.Optional(Type.String()),
}, strict);

/** spec.sourceHydrator: render a dry source into a branch, then sync from that branch. */
export const SourceHydratorSchema = Type.Object({
  drySource: DrySourceSchema,
  syncSource: SyncSourceSchema,
  hydrateTo: Type.Optional(Type.Object({ targetBranch: Type.String({ minLength: 1 }) }, strict)),
}, strict);
/** Source hydrator configuration. */
export type SourceHydrator = Static<typeof SourceHydratorSchema>;
