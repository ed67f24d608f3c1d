// What a user's operation request means, decided before anything is stored (pure): the resources
// of a selective sync (`GROUP:KIND:NAME` and `GROUP:KIND:NAMESPACE/NAME`, parsed as the argocd CLI
// parses them), the sync options with --force, and Argo CD's refusals, in its words: a sync to
// another revision while automated sync is on, a rollback while automated sync is on, a rollback
// to an entry that is not in the history, and a terminate with nothing running; and a sync's own
// retry strategy (Argo CD's RetryStrategy), validated field by field.
import type { ApplicationSpecLike, SourceLike } from '../store/applications.ts';
import { redactRepoUrl } from '../repo/url-userinfo.ts';

/** One resource of a selective sync (the operation's `resources[]`). */
export interface SyncResource {
  group: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** A resource as the API takes it: argocd's `GROUP:KIND:NAME` text, or the object itself. */
export type ResourceInput = string | SyncResource;

/** Parses `GROUP:KIND:NAME` or `GROUP:KIND:NAMESPACE/NAME` (argocd's parseSelectedResources); an error message names the spec. */
export function parseResource(spec: ResourceInput): SyncResource | { error: string } {
  if (typeof spec !== 'string') {
    if (!spec.kind || !spec.name) return { error: `resource ${JSON.stringify(spec)} needs a kind and a name` };
    return { group: spec.group, kind: spec.kind, name: spec.name, ...(spec.namespace ? { namespace: spec.namespace } : {}) };
  }
  // argocd's `!` (exclude this resource) has no counterpart in the operation yet: refused, not ignored.
  if (spec.startsWith('!')) return { error: `excluding a resource (${spec}) is not supported: name the resources to sync` };
  const fields = spec.split(':');
  if (fields.length !== 3) return { error: `Resource should have GROUP:KIND:NAME, but instead got: ${spec}` };
  const [group, kind, last] = fields as [string, string, string];
  let name = last;
  let namespace: string | undefined;
  if (last.includes('/')) {
    const parts = last.split('/');
    if (parts.length !== 2) return { error: `Resource with namespace should have GROUP:KIND:NAMESPACE/NAME, but instead got: ${spec}` };
    [namespace, name] = parts as [string, string];
  }
  if (!kind || !name) return { error: `Resource should have GROUP:KIND:NAME with a kind and a name, but instead got: ${spec}` };
  return { group, kind, name, ...(namespace ? { namespace } : {}) };
}

/** Every resource parsed, or the messages of those that are not (one per bad spec). */
export function parseResources(specs: ResourceInput[]): { resources: SyncResource[] } | { errors: string[] } {
  const parsed = specs.map(parseResource);
  const errors = parsed.filter((p): p is { error: string } => 'error' in p).map((p) => p.error);
  return errors.length ? { errors } : { resources: parsed as SyncResource[] };
}

/** The operation's sync options: the requested ones, with Force=true added for --force (once). */
export function syncOptionsOf(requested: string[] | undefined, force: boolean | undefined): string[] | undefined {
  const options = [...(requested ?? [])];
  if (force && !options.some((o) => o.replace(/\s/g, '').toLowerCase() === 'force=true')) options.push('Force=true');
  return options.length ? options : undefined;
}

/** A sync's retry strategy (Argo CD's RetryStrategy: SyncOperation `retry`, the sync request's `retryStrategy`). */
export interface SyncRetry {
  limit?: number;
  backoff?: { duration?: string; factor?: number; maxDuration?: string };
}

const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/** Validates a sync's retry strategy; an error names the field (`retry.backoff.duration`, ...). */
export function parseSyncRetry(input: unknown, field = 'retry'): { retry?: SyncRetry } | { error: { path: string; message: string } } {
  if (input === undefined || input === null) return {};
  const fail = (path: string, message: string) => ({ error: { path, message: `${path}: ${message}` } });
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(input)) return fail(field, 'must be an object {limit, backoff: {duration, factor, maxDuration}}');
  const unknown = Object.keys(input).find((k) => k !== 'limit' && k !== 'backoff');
  if (unknown) return fail(`${field}.${unknown}`, 'unknown field (limit and backoff are)');
  const { limit, backoff } = input;
  if (limit !== undefined && !Number.isSafeInteger(limit)) return fail(`${field}.limit`, 'must be an integer (negative: unlimited, 0: no retries)');
  if (backoff === undefined) return { retry: { ...(limit !== undefined ? { limit: limit as number } : {}) } };
  if (!isObject(backoff)) return fail(`${field}.backoff`, 'must be an object {duration, factor, maxDuration}');
  const extra = Object.keys(backoff).find((k) => !['duration', 'factor', 'maxDuration'].includes(k));
  if (extra) return fail(`${field}.backoff.${extra}`, 'unknown field (duration, factor and maxDuration are)');
  for (const key of ['duration', 'maxDuration'] as const) {
    const value = backoff[key];
    if (value !== undefined && (typeof value !== 'string' || value.length > 64 || !GO_DURATION.test(value))) return fail(`${field}.backoff.${key}`, `must be a duration such as 5s, 3m or 1h30m, not ${JSON.stringify(value)}`);
  }
  const factor = backoff.factor;
  if (factor !== undefined && (!Number.isSafeInteger(factor) || (factor as number) < 1)) return fail(`${field}.backoff.factor`, 'must be an integer of at least 1');
  const parsed = {
    ...(backoff.duration !== undefined ? { duration: backoff.duration as string } : {}),
    ...(factor !== undefined ? { factor: factor as number } : {}),
    ...(backoff.maxDuration !== undefined ? { maxDuration: backoff.maxDuration as string } : {}),
  };
  return { retry: { ...(limit !== undefined ? { limit: limit as number } : {}), backoff: parsed } };
}

/** Automated sync is on: `syncPolicy.automated` present and not `enabled: false`. */
export function isAutomatedSyncEnabled(spec: ApplicationSpecLike): boolean {
  const automated = spec.syncPolicy?.automated as { enabled?: boolean } | null | undefined;
  return automated !== undefined && automated !== null && automated.enabled !== false;
}

/** The source a revision applies to: the only one, or the first of `spec.sources` (position 1). */
export function revisionSource(spec: ApplicationSpecLike): SourceLike {
  return spec.sources?.length ? spec.sources[0]! : spec.source!;
}

/** Whether `revision` names something other than the source's target (Argo CD compares it with targetRevision, HEAD when empty). */
export function isOtherRevision(spec: ApplicationSpecLike, revision: string | undefined): revision is string {
  return Boolean(revision) && revision !== (revisionSource(spec).targetRevision || 'HEAD');
}

/** Argo CD's refusal of a sync to another revision while automated sync is on (a dry run is allowed), or undefined. */
export function autoSyncRevisionRefusal(spec: ApplicationSpecLike, revision: string | undefined, dryRun: boolean): string | undefined {
  if (!isOtherRevision(spec, revision) || dryRun || !isAutomatedSyncEnabled(spec)) return undefined;
  const source = revisionSource(spec);
  return spec.sources?.length
    ? `Cannot sync source ${redactRepoUrl(source.repoURL)} to ${revision}: auto-sync currently set to ${source.targetRevision ?? ''}`
    : `Cannot sync to ${revision}: auto-sync currently set to ${source.targetRevision ?? ''}`;
}

/** Argo CD's refusal of a rollback while automated sync is on, or undefined. */
export function rollbackRefusal(spec: ApplicationSpecLike): string | undefined {
  return isAutomatedSyncEnabled(spec) ? 'rollback cannot be initiated when auto-sync is enabled' : undefined;
}

/** The history entry a rollback goes back to: `id`, or without one the previous entry (argocd's `app rollback NAME`). */
export function rollbackTarget<E extends { id: number }>(app: string, history: E[], id: number | undefined): E | { error: string } {
  if (id === undefined) {
    if (history.length < 2) return { error: `Application '${app}' should have at least two successful deployments` };
    return history[history.length - 2]!;
  }
  return history.find((e) => e.id === id) ?? { error: `application ${app} does not have deployment with id ${id}` };
}

/** The reported operation state, as the hub stored it from the agent. */
export interface ReportedOperation {
  id: string;
  phase: string;
}

/** The operation a terminate stops: the pending one from the hub, else the agent's run in progress; undefined when none runs. */
export function runningOperation(pending: { id: string; kind: string } | null, reported: ReportedOperation | undefined): string | undefined {
  if (pending && pending.kind !== 'terminate') return pending.id;
  if (reported && (reported.phase === 'Running' || reported.phase === 'Terminating')) return reported.id;
  return undefined;
}

/** Argo CD's answer to a terminate with nothing to terminate. */
export const NOTHING_TO_TERMINATE = 'Unable to terminate operation. No operation is in progress';
