// The sync options of one task (pure). Argo CD's options come from three places: the
// application's `syncPolicy.syncOptions`, the operation's own `syncOptions` (`app sync
// --sync-option`, `--force`), which override the application's option by option, and a resource's
// `argocd.argoproj.io/sync-options` annotation, which wins over both for the options Argo CD reads
// per resource. Application-wide options (CreateNamespace, ApplyOutOfSyncOnly,
// PrunePropagationPolicy, RespectIgnoreDifferences, FailOnSharedResource) are read from the
// application and the operation only, as Argo CD does.
//
// From the options this module answers how a task's object is written (server-side apply,
// replace, or refused), with which field validation, whether an immutable-field error may delete
// and recreate it, whether its live copy belongs to another application, and the namespace the
// CreateNamespace task creates with its managed metadata.
import { TRACKING_ANNOTATION, parseTrackingId, refOf, type KubeObject } from './objects.ts';
import { parseSyncOptions, SYNC_OPTIONS_ANNOTATION, type SyncOptions } from './sync-options.ts';
import type { IgnoreRule } from './diff.ts';

/** The options a resource's annotation may set (Argo CD reads the others from the application only). */
const RESOURCE_LEVEL: readonly (keyof SyncOptions)[] = [
  'prune', 'delete', 'validate', 'skipDryRunOnMissingResource', 'pruneLast', 'replace', 'force', 'serverSideApply', 'clientSideApplyMigration',
];

/** `syncPolicy.managedNamespaceMetadata`: labels and annotations of the namespace CreateNamespace creates. */
export interface ManagedNamespaceMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A run's options: the application's list overlaid, option by option, by the operation's; unknown and malformed entries kept aside. */
export function runSyncOptions(application: readonly string[], operation: readonly string[]): { options: SyncOptions; unknown: string[]; errors: string[] } {
  return parseSyncOptions([...application, ...operation]);
}

/** One task's options: the run's, overlaid by the resource-level options of the object's annotation (the target's, else the live copy's). */
export function taskOptions(run: SyncOptions, target: KubeObject | undefined, live?: KubeObject): SyncOptions {
  const annotated = target?.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION] ?? live?.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION];
  const own = parseSyncOptions(annotated).options;
  const merged: SyncOptions = { ...run };
  for (const key of RESOURCE_LEVEL) if (own[key] !== undefined) (merged as Record<string, unknown>)[key] = own[key];
  return merged;
}

/** How an object is written: server-side apply (Flotilla's only apply), replace (PUT, or create), or refused with the reason. */
export type WriteMethod = { method: 'apply' } | { method: 'replace' } | { method: 'refused'; message: string };

/** The write method of a task's options: Replace=true replaces; ServerSideApply=false is refused (Flotilla has no client-side apply). */
export function writeMethodOf(options: SyncOptions): WriteMethod {
  if (options.replace === true) return { method: 'replace' };
  if (options.serverSideApply === false) {
    return { method: 'refused', message: 'ServerSideApply=false is not supported: Flotilla always applies server-side (remove the option, or set Replace=true to replace the object whole)' };
  }
  return { method: 'apply' };
}

/** The API's fieldValidation for a write: Validate=false asks the server to ignore unknown fields, else the server's default. */
export function fieldValidationOf(options: SyncOptions): 'Ignore' | undefined {
  return options.validate === false ? 'Ignore' : undefined;
}

/** Whether an immutable-field error may delete the live object and create it again (Force=true). */
export function mayRecreate(options: SyncOptions): boolean {
  return options.force === true;
}

/** Whether the live object's fields are taken over from kubectl or Argo CD before the apply (ClientSideApplyMigration, on unless false). */
export function takesOverManagers(options: SyncOptions): boolean {
  return options.clientSideApplyMigration !== false;
}

/** The application another tracking id names on this live object, if it names one other than `app`. */
export function sharedWith(live: KubeObject | undefined, app: string): string | undefined {
  const value = live?.metadata.annotations?.[TRACKING_ANNOTATION];
  const parsed = value === undefined ? undefined : parseTrackingId(value);
  if (!live || !parsed || parsed.app === app) return undefined;
  const ref = refOf(live);
  const self = parsed.group === ref.group && parsed.kind === ref.kind && parsed.namespace === (ref.namespace ?? '') && parsed.name === ref.name;
  return self ? parsed.app : undefined;
}

/** Why a task must fail because its live object belongs to another application (FailOnSharedResource=true), or undefined. */
export function sharedResourceFailure(options: SyncOptions, live: KubeObject | undefined, app: string): string | undefined {
  const other = options.failOnSharedResource === true ? sharedWith(live, app) : undefined;
  return other === undefined ? undefined : `${live!.kind} ${live!.metadata.name} is already tracked by application "${other}" (FailOnSharedResource=true)`;
}

/** The Namespace a CreateNamespace task applies: its name plus the managed labels and annotations. */
export function namespaceObject(target: KubeObject, metadata: ManagedNamespaceMetadata | undefined): KubeObject {
  const labels = { ...target.metadata.labels, ...metadata?.labels };
  const annotations = { ...target.metadata.annotations, ...metadata?.annotations };
  return {
    ...target,
    metadata: { ...target.metadata, ...(Object.keys(labels).length ? { labels } : {}), ...(Object.keys(annotations).length ? { annotations } : {}) },
  };
}

/** Why a live object is kept at an application's cascade deletion (Delete=false, or Delete=confirm not confirmed), or undefined. */
export function deletionHold(live: KubeObject, confirmed: boolean): { keep: true } | { wait: string } | undefined {
  const option = parseSyncOptions(live.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]).options.delete;
  if (option === false) return { keep: true };
  if (option === 'confirm' && !confirmed) return { wait: `${live.kind} ${live.metadata.name} has Delete=confirm: waiting for the deletion to be confirmed` };
  return undefined;
}

/** The managed namespace metadata of a sync policy, if it is well-formed (string values only). */
export function managedNamespaceMetadataOf(syncPolicy: unknown): ManagedNamespaceMetadata | undefined {
  const raw = (syncPolicy as { managedNamespaceMetadata?: { labels?: unknown; annotations?: unknown } } | undefined)?.managedNamespaceMetadata;
  if (!raw || typeof raw !== 'object') return undefined;
  const strings = (value: unknown) => value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : undefined;
  const labels = strings(raw.labels);
  const annotations = strings(raw.annotations);
  return { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
}

/** What the executor needs of the application to write a run's objects. */
export interface ApplyPolicy {
  /** The run's options (runSyncOptions): the application's, overlaid by the operation's. */
  options: SyncOptions;
  /** The application's ignoreDifferences (RespectIgnoreDifferences=true keeps these fields' live values). */
  ignoreDifferences: IgnoreRule[];
  managedNamespaceMetadata?: ManagedNamespaceMetadata;
}

/** The policy of a run from the assignment's sync policy and ignoreDifferences and the run's own syncOptions. */
export function applyPolicyOf(syncPolicy: unknown, ignoreDifferences: readonly unknown[] | undefined, operationOptions: readonly string[]): ApplyPolicy {
  const application = (syncPolicy as { syncOptions?: unknown } | undefined)?.syncOptions;
  const list = Array.isArray(application) ? application.filter((o): o is string => typeof o === 'string') : [];
  const metadata = managedNamespaceMetadataOf(syncPolicy);
  return {
    options: runSyncOptions(list, operationOptions).options,
    ignoreDifferences: (ignoreDifferences ?? []) as IgnoreRule[],
    ...(metadata ? { managedNamespaceMetadata: metadata } : {}),
  };
}
