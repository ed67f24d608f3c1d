// Argo CD resource hooks, as pure rules: which objects are hooks (argocd.argoproj.io/hook, else Helm's
// helm.sh/hook mapped as Argo CD maps it), the name a hook instance is created with, how far a running hook
// got, when its delete policy removes it, and splitting a bundle into tracked resources, hooks and skipped
// objects. Hooks are never in the inventory, never pruned as drift and never shown OutOfSync.
//
// Sources followed (argoproj/argo-cd, gitops-engine/ and controller/):
// - gitops-engine/pkg/sync/hook/hook.go: an object with the argocd hook annotation is a hook unless its only
//   type is Skip; Helm's types are read only when the argocd annotation gives none.
// - gitops-engine/pkg/sync/hook/helm/hook.go: any helm.sh/hook value but exactly "crd-install" makes a hook.
// - gitops-engine/pkg/sync/hook/helm/type.go: pre-install, pre-upgrade → PreSync; post-install, post-upgrade
//   → PostSync; every other Helm value maps to nothing (the hook is never run).
// - controller/hook.go (isPostDeleteHook): helm.sh/hook post-delete → PostDelete.
// - gitops-engine/pkg/sync/hook/delete_policy.go and helm/delete_policy.go: the argocd and the Helm policies
//   are both taken (before-hook-creation, hook-succeeded, hook-failed), BeforeHookCreation when neither
//   gives one.
// - gitops-engine/pkg/sync/sync_context.go (getOperationPhase) and pkg/health/health_argo.go: a hook's
//   progress is its health: Healthy or no health check → Succeeded, Progressing or Suspended → Running,
//   Degraded or Unknown → Failed.
// Where Argo CD ignores an unknown value, we refuse it with an error naming the annotation and the value.
import { createHash } from 'node:crypto';
import { assessHealth, type CustomHealth, type HealthResult, type KubeObject as HealthObject } from '../health/index.ts';
import { parseApiVersion, refKey, refOf, type KubeObject, type PrepareError } from './objects.ts';
import {
  HOOK_ANNOTATION, HOOK_DELETE_POLICY_ANNOTATION, parseHook, parseSyncWave,
  type HookDeletePolicy, type HookType, type Parsed,
} from './sync-options.ts';

/** Helm's hook annotation, read when the object has no argocd hook annotation. */
export const HELM_HOOK_ANNOTATION = 'helm.sh/hook';
/** Helm's hook delete policies, taken together with argocd's. */
export const HELM_HOOK_DELETE_POLICY_ANNOTATION = 'helm.sh/hook-delete-policy';

/** A hook: the phases it runs in, when it is deleted, and which annotation made it one. */
export type Hook = { types: HookType[]; deletePolicies: HookDeletePolicy[]; source: 'argocd' | 'helm' };

/** A hook from a bundle with its wave (sync-wave, else helm.sh/hook-weight). */
export type HookObject = { object: KubeObject; hook: Hook; wave: number };

/** How far a hook got: Argo CD's operation phases for a hook. */
export type HookProgress = { progress: 'Running' | 'Succeeded' | 'Failed'; message: string };

/** A bundle split: tracked resources, hooks, objects neither applied nor tracked, and bad objects. */
export type SplitHooks = {
  resources: KubeObject[];
  hooks: HookObject[];
  skipped: { object: KubeObject; reason: string }[];
  errors: PrepareError[];
};

/** Helm hook values Argo CD maps onto its own types (helm/type.go; post-delete from controller/hook.go). */
const HELM_TYPES: Readonly<Record<string, HookType>> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
  'post-delete': 'PostDelete',
};
/** Helm hook values Argo CD knows and does not run (helm.md: "Unsupported hooks are ignored"). */
const HELM_IGNORED = new Set(['crd-install', 'pre-delete', 'pre-rollback', 'post-rollback', 'test', 'test-success', 'test-failure']);
const HELM_POLICIES: Readonly<Record<string, HookDeletePolicy>> = {
  'before-hook-creation': 'BeforeHookCreation',
  'hook-succeeded': 'HookSucceeded',
  'hook-failed': 'HookFailed',
};

/** Generated names stay a DNS-1123 label, as the API server's own generateName does (58 + 5 chars). */
const GENERATED_NAME_MAX = 63;
/** Kinds whose controllers append to the name: a CronJob's Jobs add 11 characters. */
const KIND_NAME_MAX: Readonly<Record<string, number>> = { CronJob: 52 };
const SUFFIX_LENGTH = 5;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Splits a comma-separated annotation into trimmed, non-empty entries (Argo CD's GetAnnotationCSVs). */
function csv(value: string | undefined): string[] {
  return (value ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');
}

/** The Helm types of a value, or an error naming an unknown one. */
function helmTypes(value: string): Parsed<HookType[]> {
  const types: HookType[] = [];
  for (const entry of csv(value)) {
    const type = HELM_TYPES[entry];
    if (type) {
      if (!types.includes(type)) types.push(type);
    } else if (!HELM_IGNORED.has(entry)) {
      return { ok: false, error: `${HELM_HOOK_ANNOTATION}: unknown hook ${JSON.stringify(entry)} (expected one of ${[...Object.keys(HELM_TYPES), ...HELM_IGNORED].join(', ')})` };
    }
  }
  return { ok: true, value: types };
}

/** The Helm delete policies, or an error naming an unknown one. */
function helmPolicies(value: string | undefined): Parsed<HookDeletePolicy[]> {
  const policies: HookDeletePolicy[] = [];
  for (const entry of csv(value)) {
    const policy = HELM_POLICIES[entry];
    if (!policy) return { ok: false, error: `${HELM_HOOK_DELETE_POLICY_ANNOTATION}: unknown policy ${JSON.stringify(entry)} (expected one of ${Object.keys(HELM_POLICIES).join(', ')})` };
    if (!policies.includes(policy)) policies.push(policy);
  }
  return { ok: true, value: policies };
}

/** The object's hook settings; undefined when it is not a hook (an argocd hook annotation wins over Helm's). */
export function hookOf(obj: KubeObject): Parsed<Hook | undefined> {
  const annotations = obj.metadata.annotations ?? {};
  const argo = parseHook(obj);
  if (!argo.ok) return argo;
  const argoText = annotations[HOOK_ANNOTATION];
  const helmText = annotations[HELM_HOOK_ANNOTATION];
  let types: HookType[];
  let source: Hook['source'];
  if (argoText !== undefined) {
    if (argo.value.types.length === 0) return { ok: false, error: `${HOOK_ANNOTATION} is empty: name a hook type or remove the annotation` };
    types = argo.value.types;
    source = 'argocd';
  } else if (helmText !== undefined && helmText.trim() !== 'crd-install') {
    // helm/hook.go: "crd-install" alone is Helm 2's CRD marker, an ordinary resource for Argo CD.
    const helm = helmTypes(helmText);
    if (!helm.ok) return helm;
    types = helm.value;
    source = 'helm';
  } else {
    return { ok: true, value: undefined };
  }
  const helm = helmPolicies(annotations[HELM_HOOK_DELETE_POLICY_ANNOTATION]);
  if (!helm.ok) return helm;
  // parseHook defaults to BeforeHookCreation; the default applies only when neither annotation names a policy.
  const argoPolicies = csv(annotations[HOOK_DELETE_POLICY_ANNOTATION]).length > 0 ? argo.value.deletePolicies : [];
  const deletePolicies = [...new Set([...argoPolicies, ...helm.value])];
  if (deletePolicies.length === 0) deletePolicies.push('BeforeHookCreation');
  return { ok: true, value: { types, deletePolicies, source } };
}

/** Whether a hook is Skip alone: neither applied nor tracked (hook.go's Skip; "Skip,PreSync" is a PreSync hook). */
export function isSkipOnly(hook: Hook): boolean {
  return hook.types.length === 1 && hook.types[0] === 'Skip';
}

/** Whether a (live) object is a hook, so that it is never pruned as drift nor compared. */
export function isHookObject(obj: KubeObject): boolean {
  const hook = hookOf(obj);
  return hook.ok && hook.value !== undefined && !isSkipOnly(hook.value);
}

/** A short, stable lowercase base36 suffix of SHA-256 over the parts. */
function stableSuffix(parts: readonly (string | number)[]): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  return (digest.readBigUInt64BE(0) % 36n ** BigInt(SUFFIX_LENGTH)).toString(36).padStart(SUFFIX_LENGTH, '0');
}

/**
 * The name a hook instance is created with: metadata.name when it has one; for generateName, the prefix plus
 * a suffix stable per (operation, phase, object), so a re-entered or restarted sync creates it once and the
 * next sync gets a new one. `occurrence` tells apart hooks of one phase sharing kind, namespace and generateName.
 */
export function hookInstanceName(obj: KubeObject, operationId: string, phase: HookType, occurrence = 0): Parsed<string> {
  const meta = obj.metadata as { name?: unknown; generateName?: unknown; namespace?: unknown };
  if (typeof meta.name === 'string' && meta.name !== '') return { ok: true, value: meta.name };
  if (typeof meta.generateName !== 'string' || meta.generateName === '') {
    return { ok: false, error: `${obj.kind} hook needs metadata.name or metadata.generateName` };
  }
  const generateName = meta.generateName;
  const max = KIND_NAME_MAX[obj.kind] ?? GENERATED_NAME_MAX;
  const { group } = parseApiVersion(obj.apiVersion);
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
  const name = generateName.slice(0, max - SUFFIX_LENGTH) + stableSuffix([operationId, phase, group, obj.kind, namespace, generateName, occurrence]);
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return { ok: false, error: `metadata.generateName ${JSON.stringify(generateName)} gives ${JSON.stringify(name)}, not a valid name (lowercase letters, digits, '-' and '.')` };
  }
  return { ok: true, value: name };
}

/** gitops-engine's Argo Workflow health (pkg/health/health_argo.go): by status.phase. */
function workflowHealth(obj: KubeObject): HealthResult {
  const status = (obj['status'] ?? {}) as { phase?: unknown; message?: unknown };
  const message = typeof status.message === 'string' ? status.message : '';
  const withMessage = (code: HealthResult['status']): HealthResult => (message ? { status: code, message } : { status: code });
  switch (status.phase ?? '') {
    case '': case 'Pending': case 'Running': return withMessage('Progressing');
    case 'Succeeded': return withMessage('Healthy');
    case 'Failed': case 'Error': return withMessage('Degraded');
    default: return withMessage('Unknown');
  }
}

/** The object without its deletion mark: a hook being deleted keeps its own health (Argo CD's hook finalizer). */
function withoutDeletion(obj: KubeObject): HealthObject {
  if (obj.metadata['deletionTimestamp'] === undefined) return obj as unknown as HealthObject;
  const { deletionTimestamp: _deleted, ...metadata } = obj.metadata;
  return { ...obj, metadata } as unknown as HealthObject;
}

/** How far a hook got, from its live object; gone and not just created means deleted before it completed. */
export function hookProgress(live: KubeObject | undefined, justCreated: boolean, custom?: CustomHealth): HookProgress {
  if (!live) {
    return justCreated
      ? { progress: 'Running', message: 'created; waiting to observe it' }
      : { progress: 'Failed', message: 'the hook was deleted before it completed' };
  }
  const { group } = parseApiVersion(live.apiVersion);
  const health = group === 'argoproj.io' && live.kind === 'Workflow' ? workflowHealth(live) : assessHealth(withoutDeletion(live), custom);
  const what = `${live.kind} ${live.metadata.name}`;
  if (!health) return { progress: 'Succeeded', message: `${what} created` };
  switch (health.status) {
    case 'Progressing': case 'Suspended':
      return { progress: 'Running', message: health.message || `${what} is running` };
    case 'Degraded': case 'Unknown':
      return { progress: 'Failed', message: health.message || `${what} failed` };
    default:
      // Healthy, and Missing (never given for a live object), end as getOperationPhase's default: Succeeded.
      return { progress: 'Succeeded', message: health.message || `${what} succeeded` };
  }
}

/** Whether the hook object is deleted at this point: after success, after failure, or before creating it afresh. */
export function hookDeletions(hook: Hook, outcome: 'Succeeded' | 'Failed' | 'before-create'): boolean {
  const policy: HookDeletePolicy = outcome === 'Succeeded' ? 'HookSucceeded' : outcome === 'Failed' ? 'HookFailed' : 'BeforeHookCreation';
  return hook.deletePolicies.includes(policy);
}

/** How an object is named in an error: kind, namespace and name (or generateName followed by '*'). */
function describe(obj: KubeObject): string {
  const meta = obj.metadata as { name?: unknown; generateName?: unknown; namespace?: unknown };
  const name = typeof meta.name === 'string' && meta.name !== '' ? meta.name : `${typeof meta.generateName === 'string' ? meta.generateName : ''}*`;
  return `${obj.kind} ${typeof meta.namespace === 'string' && meta.namespace ? `${meta.namespace}/` : ''}${name}`;
}

/** An error about one object, with its refKey when it has a name. */
function errorOf(obj: KubeObject, message: string): PrepareError {
  const named = typeof obj.metadata.name === 'string' && obj.metadata.name !== '';
  return { ...(named ? { ref: refKey(refOf(obj)) } : {}), message: `${describe(obj)}: ${message}` };
}

/** Why a hook is not run at all (only types Argo CD never runs), or undefined when it runs in some phase. */
function notRunReason(hook: Hook, obj: KubeObject): string | undefined {
  if (isSkipOnly(hook)) return `${HOOK_ANNOTATION}: Skip`;
  if (hook.types.length === 0) return `${HELM_HOOK_ANNOTATION}: ${obj.metadata.annotations?.[HELM_HOOK_ANNOTATION] ?? ''} is a Helm hook Argo CD does not run`;
  return undefined;
}

/** Splits a bundle's objects into tracked resources, hooks (with their wave), skipped objects and errors. */
export function splitHooks(objects: readonly KubeObject[]): SplitHooks {
  const split: SplitHooks = { resources: [], hooks: [], skipped: [], errors: [] };
  for (const object of objects) {
    const parsed = hookOf(object);
    if (!parsed.ok) {
      split.errors.push(errorOf(object, parsed.error));
      continue;
    }
    const hook = parsed.value;
    if (!hook) {
      split.resources.push(object);
      continue;
    }
    const reason = notRunReason(hook, object);
    if (reason !== undefined) {
      split.skipped.push({ object, reason });
      continue;
    }
    const wave = parseSyncWave(object);
    const name = hookInstanceName(object, 'check', hook.types[0]!);
    if (!wave.ok || !name.ok) {
      split.errors.push(errorOf(object, !wave.ok ? wave.error : !name.ok ? name.error : ''));
      continue;
    }
    split.hooks.push({ object, hook, wave: wave.value });
  }
  return split;
}
