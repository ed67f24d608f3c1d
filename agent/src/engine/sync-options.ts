// Argo CD's per-resource sync annotations: sync-options (and the app-level syncPolicy.syncOptions list),
// compare-options, sync-wave, and hook / hook-delete-policy, parsed into typed records with errors.
// What each sync option does is decided in apply-options.ts (per task) and plan.ts (prunes).
import type { KubeObject } from './objects.ts';

/** Comma-separated sync options on a resource, e.g. "Prune=false,ServerSideApply=true". */
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
/** Comma-separated compare options on a resource, e.g. "IgnoreExtraneous". */
export const COMPARE_OPTIONS_ANNOTATION = 'argocd.argoproj.io/compare-options';
/** The integer wave a resource syncs in (default 0). */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** Helm's hook weight, Argo CD's fallback when there is no sync-wave annotation. */
export const HELM_HOOK_WEIGHT_ANNOTATION = 'helm.sh/hook-weight';
/** Comma-separated hook types that make a resource a hook. */
export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
/** Comma-separated policies for deleting a hook. */
export const HOOK_DELETE_POLICY_ANNOTATION = 'argocd.argoproj.io/hook-delete-policy';

/** A parse that either gives a value or says why not. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Sync options, by Argo CD's names; an absent field means the option was not given. */
export type SyncOptions = {
  /** Prune=false keeps the resource when it leaves Git; Prune=confirm waits for a confirmation. */
  prune?: boolean | 'confirm';
  /** Delete=false keeps the resource when the app is deleted; Delete=confirm waits for a confirmation. */
  delete?: boolean | 'confirm';
  serverSideApply?: boolean;
  replace?: boolean;
  force?: boolean;
  createNamespace?: boolean;
  skipDryRunOnMissingResource?: boolean;
  validate?: boolean;
  pruneLast?: boolean;
  applyOutOfSyncOnly?: boolean;
  respectIgnoreDifferences?: boolean;
  failOnSharedResource?: boolean;
  clientSideApplyMigration?: boolean;
  prunePropagationPolicy?: 'foreground' | 'background' | 'orphan';
};

/** Compare options, by Argo CD's names. */
export type CompareOptions = { ignoreExtraneous?: boolean; serverSideDiff?: boolean; includeMutationWebhook?: boolean };

/** Options parsed from a list: the record, options it does not know (Argo CD ignores them), and bad values. */
export type OptionsParse<T> = { options: T; unknown: string[]; errors: string[] };

type BoolKey = Exclude<keyof SyncOptions, 'prune' | 'delete' | 'prunePropagationPolicy'>;

const BOOL_SYNC_OPTIONS: Record<string, BoolKey> = {
  ServerSideApply: 'serverSideApply',
  Replace: 'replace',
  Force: 'force',
  CreateNamespace: 'createNamespace',
  SkipDryRunOnMissingResource: 'skipDryRunOnMissingResource',
  Validate: 'validate',
  PruneLast: 'pruneLast',
  ApplyOutOfSyncOnly: 'applyOutOfSyncOnly',
  RespectIgnoreDifferences: 'respectIgnoreDifferences',
  FailOnSharedResource: 'failOnSharedResource',
  ClientSideApplyMigration: 'clientSideApplyMigration',
};

/** Hook types Argo CD knows. */
export type HookType = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail' | 'PostDelete' | 'Skip';
/** Hook deletion policies Argo CD knows. */
export type HookDeletePolicy = 'HookSucceeded' | 'HookFailed' | 'BeforeHookCreation';

const HOOK_TYPES: readonly HookType[] = ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'PostDelete', 'Skip'];
const DELETE_POLICIES: readonly HookDeletePolicy[] = ['HookSucceeded', 'HookFailed', 'BeforeHookCreation'];

/** Splits a comma-separated annotation or joins a list into trimmed, non-empty entries. */
function entries(input: string | readonly string[] | undefined): string[] {
  const parts = typeof input === 'string' ? input.split(',') : (input ?? []).flatMap((item) => item.split(','));
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** Parses "true"/"false" exactly as Argo CD matches them (case-sensitive). */
function bool(value: string): boolean | undefined {
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

/** Parses sync options from the resource annotation (a string) or syncPolicy.syncOptions (a list). */
export function parseSyncOptions(input: string | readonly string[] | undefined): OptionsParse<SyncOptions> {
  const result: OptionsParse<SyncOptions> = { options: {}, unknown: [], errors: [] };
  for (const entry of entries(input)) {
    const eq = entry.indexOf('=');
    const [key, value] = eq < 0 ? [entry, ''] : [entry.slice(0, eq).trim(), entry.slice(eq + 1).trim()];
    const boolKey = BOOL_SYNC_OPTIONS[key];
    if (key === 'Prune' || key === 'Delete') {
      const parsed = value === 'confirm' ? 'confirm' : bool(value);
      if (parsed === undefined) result.errors.push(`${entry}: expected ${key}=true, ${key}=false or ${key}=confirm`);
      else result.options[key === 'Prune' ? 'prune' : 'delete'] = parsed;
    } else if (key === 'PrunePropagationPolicy') {
      if (value === 'foreground' || value === 'background' || value === 'orphan') result.options.prunePropagationPolicy = value;
      else result.errors.push(`${entry}: expected foreground, background or orphan`);
    } else if (boolKey !== undefined) {
      const parsed = bool(value);
      if (parsed === undefined) result.errors.push(`${entry}: expected ${key}=true or ${key}=false`);
      else result.options[boolKey] = parsed;
    } else {
      result.unknown.push(entry);
    }
  }
  return result;
}

/** The sync options a resource's annotation sets (bad entries dropped). */
export function resourceSyncOptions(obj: KubeObject): SyncOptions {
  return parseSyncOptions(obj.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]).options;
}

/** Parses the compare-options annotation: IgnoreExtraneous, ServerSideDiff=, IncludeMutationWebhook=. */
export function parseCompareOptions(input: string | undefined): OptionsParse<CompareOptions> {
  const result: OptionsParse<CompareOptions> = { options: {}, unknown: [], errors: [] };
  for (const entry of entries(input)) {
    const eq = entry.indexOf('=');
    const [key, value] = eq < 0 ? [entry, undefined] : [entry.slice(0, eq).trim(), entry.slice(eq + 1).trim()];
    if (key === 'IgnoreExtraneous' && value === undefined) {
      result.options.ignoreExtraneous = true;
    } else if (key === 'ServerSideDiff' || key === 'IncludeMutationWebhook') {
      const parsed = bool(value ?? '');
      if (parsed === undefined) result.errors.push(`${entry}: expected ${key}=true or ${key}=false`);
      else result.options[key === 'ServerSideDiff' ? 'serverSideDiff' : 'includeMutationWebhook'] = parsed;
    } else {
      result.unknown.push(entry);
    }
  }
  return result;
}

/** Parses a Go-style (strconv.Atoi) integer: optional sign, decimal digits, nothing else. */
function parseInteger(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The sync wave: sync-wave annotation, else helm.sh/hook-weight, else 0; a malformed sync-wave is an error (Argo CD ignores it). */
export function parseSyncWave(obj: KubeObject): Parsed<number> {
  const annotations = obj.metadata.annotations ?? {};
  const text = annotations[SYNC_WAVE_ANNOTATION];
  if (text !== undefined) {
    const value = parseInteger(text.trim());
    return value === undefined ? { ok: false, error: `${SYNC_WAVE_ANNOTATION} must be an integer, got ${JSON.stringify(text)}` } : { ok: true, value };
  }
  const weight = annotations[HELM_HOOK_WEIGHT_ANNOTATION];
  const value = weight === undefined ? undefined : parseInteger(weight.trim());
  return { ok: true, value: value ?? 0 };
}

/** A resource's hook settings: no types means it is not a hook. */
export type HookSpec = { types: HookType[]; deletePolicies: HookDeletePolicy[] };

/** Parses hook and hook-delete-policy (no policy: BeforeHookCreation, as Argo CD); unknown types or policies are errors. */
export function parseHook(obj: KubeObject): Parsed<HookSpec> {
  const annotations = obj.metadata.annotations ?? {};
  const types: HookType[] = [];
  const deletePolicies: HookDeletePolicy[] = [];
  for (const entry of entries(annotations[HOOK_ANNOTATION])) {
    const type = HOOK_TYPES.find((known) => known === entry);
    if (!type) return { ok: false, error: `${HOOK_ANNOTATION}: unknown hook type ${JSON.stringify(entry)} (expected one of ${HOOK_TYPES.join(', ')})` };
    if (!types.includes(type)) types.push(type);
  }
  for (const entry of entries(annotations[HOOK_DELETE_POLICY_ANNOTATION])) {
    const policy = DELETE_POLICIES.find((known) => known === entry);
    if (!policy) return { ok: false, error: `${HOOK_DELETE_POLICY_ANNOTATION}: unknown policy ${JSON.stringify(entry)} (expected one of ${DELETE_POLICIES.join(', ')})` };
    if (!deletePolicies.includes(policy)) deletePolicies.push(policy);
  }
  if (types.length > 0 && deletePolicies.length === 0) deletePolicies.push('BeforeHookCreation');
  return { ok: true, value: { types, deletePolicies } };
}

/**
 * The resources whose compare-options turn off what Flotilla always does (it diffs with a
 * server-side dry run, through admission webhooks): refused, each with its ref and why.
 */
export function unsupportedCompareOptions(resources: readonly KubeObject[]): { ref: string; message: string }[] {
  return resources.filter((o) => {
    const options = parseCompareOptions(o.metadata.annotations?.[COMPARE_OPTIONS_ANNOTATION]).options;
    return options.serverSideDiff === false || options.includeMutationWebhook === false;
  }).map((o) => ({ ref: `${o.kind}/${o.metadata.name}`, message: `${COMPARE_OPTIONS_ANNOTATION}: ServerSideDiff=false and IncludeMutationWebhook=false are not supported: Flotilla always diffs with a server-side dry run through admission webhooks` }));
}
