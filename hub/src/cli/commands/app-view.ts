// Pure helpers of `flotilla app`: the list columns, the Argo CD-like `app get` summary, an
// Application built from flags, and splitting a manifest file into one body per Application.
import { parseAllDocuments, stringify } from 'yaml';
import { UsageError } from '../errors.ts';
import { describeOperation, type OperationStateView } from './app-operation-view.ts';
import { formatConditions, formatSyncPolicy, renderKeyValues, renderTable, shortRevision, type Column, type OutputFormat } from '../output.ts';

interface SourceView { repoURL?: string; path?: string; chart?: string; targetRevision?: string }
/** One resource of an application as the API answers it (`diff` only for OutOfSync ones). */
export interface ResourceView {
  group: string;
  version?: string;
  kind: string;
  namespace?: string;
  name: string;
  status?: string;
  health?: { status: string; message?: string };
  requiresPruning?: boolean;
  diff?: string;
  /** The resource it belongs to, for the objects below a managed one (ReplicaSets, Pods) and below an orphan. */
  parentRefs?: { group: string; kind: string; namespace?: string; name: string }[];
}

/** An application as the API answers it (the parts the CLI shows). */
export interface ApplicationView {
  metadata: { name: string; deletionTimestamp?: string };
  spec: {
    project?: string;
    source?: SourceView;
    sources?: SourceView[];
    destination: { name?: string; server?: string; namespace?: string };
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean; enabled?: boolean } };
  };
  status: {
    sync: { status: string; revision?: string };
    health: { status: string; message?: string };
    resources: ResourceView[];
    conditions: { type: string; message: string }[];
    operationState?: OperationStateView;
    cluster: { name: string; connectionState?: { status: string; message: string } };
    syncWindow?: { syncAllowed: boolean; manualSyncAllowed: boolean; message: string };
  };
  operation?: { id: string; kind: string };
}

const sourceOf = (a: ApplicationView): SourceView => a.spec.source ?? a.spec.sources?.[0] ?? {};

/** The columns of `app list`. */
export const applicationColumns: Column<ApplicationView>[] = [
  { header: 'name', value: (a) => a.metadata.name },
  { header: 'cluster', value: (a) => a.status.cluster?.name ?? a.spec.destination.name ?? a.spec.destination.server ?? '' },
  { header: 'namespace', value: (a) => a.spec.destination.namespace ?? '' },
  { header: 'project', value: (a) => a.spec.project ?? 'default' },
  { header: 'status', value: (a) => a.status.sync.status },
  { header: 'health', value: (a) => a.status.health.status },
  { header: 'syncpolicy', value: (a) => formatSyncPolicy(a.spec.syncPolicy) },
  { header: 'conditions', value: (a) => formatConditions(a.status.conditions) },
  { header: 'repo', value: (a) => sourceOf(a).repoURL ?? '', wide: true },
  { header: 'path', value: (a) => sourceOf(a).path ?? sourceOf(a).chart ?? '', wide: true },
  { header: 'target', value: (a) => sourceOf(a).targetRevision ?? '', wide: true },
  { header: 'revision', value: (a) => shortRevision(a.status.sync.revision), wide: true },
];

/** Argo CD's "Sync Status" line: `Synced to HEAD (1a2b3c4)`, `OutOfSync from main`, ... */
function syncLine(a: ApplicationView): string {
  const target = sourceOf(a).targetRevision || 'HEAD';
  const status = a.status.sync.status;
  const direction = status === 'Synced' ? ` to ${target}` : status === 'OutOfSync' ? ` from ${target}` : '';
  const revision = a.status.sync.revision;
  return status + direction + (revision && revision !== target ? ` (${shortRevision(revision)})` : '');
}

/** The `app get` summary: fields, conditions, then the resource table (pure). */
export function describeApplication(a: ApplicationView, format: OutputFormat = 'table'): string {
  const connection = a.status.cluster?.connectionState;
  const cluster = (a.status.cluster?.name ?? a.spec.destination.name ?? '') + (connection && connection.status !== 'Successful' ? ` (${connection.status}: ${connection.message})` : '');
  const pairs: [string, string][] = [['Name', a.metadata.name], ['Project', a.spec.project ?? 'default'], ['Cluster', cluster]];
  if (a.spec.destination.server) pairs.push(['Server', a.spec.destination.server]);
  pairs.push(['Namespace', a.spec.destination.namespace ?? '']);
  const sources = a.spec.sources ?? [sourceOf(a)];
  sources.forEach((s, i) => {
    const suffix = sources.length > 1 ? ` ${i + 1}` : '';
    pairs.push([`Repo${suffix}`, s.repoURL ?? ''], [`Target${suffix}`, s.targetRevision ?? ''], [s.chart ? `Chart${suffix}` : `Path${suffix}`, s.chart ?? s.path ?? '']);
  });
  pairs.push(['SyncPolicy', formatSyncPolicy(a.spec.syncPolicy) + (a.spec.syncPolicy?.automated?.selfHeal ? ' (self-heal)' : '')]);
  pairs.push(['Sync Status', syncLine(a)]);
  // The project's sync windows in force (issue 16), as Argo CD's `Sync Window:` line.
  const windows = a.status.syncWindow;
  if (windows) pairs.push(['Sync Window', `${windows.syncAllowed ? 'Sync Allowed' : 'Sync Denied'}${!windows.syncAllowed && windows.manualSyncAllowed ? ' (manual syncs allowed)' : ''}: ${windows.message}`]);
  pairs.push(['Health Status', a.status.health.status + (a.status.health.message ? ` (${a.status.health.message})` : '')]);
  if (a.metadata.deletionTimestamp) pairs.push(['Deleting', `since ${a.metadata.deletionTimestamp}`]);
  let text = renderKeyValues(pairs);
  // The pending or last operation: phase and message, per-wave timings and per-resource results.
  const operation = describeOperation(a);
  if (operation) text += '\n' + operation;
  if (a.status.conditions.length) text += '\n' + renderTable(['condition', 'message'], a.status.conditions.map((c) => [c.type, c.message]));
  if (a.status.resources.length) {
    const wide = format === 'wide';
    const headers = ['group', 'kind', ...(wide ? ['version'] : []), 'namespace', 'name', 'status', 'health', ...(wide ? ['prune'] : []), 'message'];
    const rows = a.status.resources.map((r) => [
      r.group, r.kind, ...(wide ? [r.version ?? ''] : []), r.namespace ?? '', r.name, r.status ?? '', r.health?.status ?? '',
      ...(wide ? [r.requiresPruning ? 'required' : ''] : []), r.health?.message ?? '',
    ]);
    text += '\n' + renderTable(headers, rows);
  }
  return text;
}

/** The flags of `app create NAME`. */
export interface CreateFlags {
  repo?: string;
  path?: string;
  revision?: string;
  destCluster?: string;
  destServer?: string;
  destNamespace?: string;
  project?: string;
  syncPolicy?: string;
  autoPrune?: boolean;
  selfHeal?: boolean;
  syncOption?: string[];
  directoryRecurse?: boolean;
}

/** The Application object `app create NAME --repo ...` sends; wrong flag combinations are usage errors. */
export function buildApplication(name: string, f: CreateFlags): Record<string, unknown> {
  if (!f.repo) throw new UsageError('--repo is required with NAME');
  if (!f.path) throw new UsageError('--path is required with NAME (use "." for the repository root)');
  if (!f.destCluster === !f.destServer) throw new UsageError('give exactly one of --dest-cluster NAME and --dest-server URL');
  if (!f.destNamespace) throw new UsageError('--dest-namespace is required with NAME');
  const policy = (f.syncPolicy ?? 'none').toLowerCase();
  const automated = ['automated', 'auto', 'automatic'].includes(policy);
  if (!automated && !['none', 'manual'].includes(policy)) throw new UsageError(`--sync-policy is automated or none, not "${f.syncPolicy}"`);
  if (!automated && (f.autoPrune || f.selfHeal)) throw new UsageError('--auto-prune and --self-heal need --sync-policy automated');
  const syncPolicy = {
    ...(automated ? { automated: { ...(f.autoPrune ? { prune: true } : {}), ...(f.selfHeal ? { selfHeal: true } : {}) } } : {}),
    ...(f.syncOption?.length ? { syncOptions: f.syncOption } : {}),
  };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: {
      project: f.project ?? 'default',
      source: { repoURL: f.repo, path: f.path, ...(f.revision ? { targetRevision: f.revision } : {}), ...(f.directoryRecurse ? { directory: { recurse: true } } : {}) },
      destination: { ...(f.destCluster ? { name: f.destCluster } : { server: f.destServer }), namespace: f.destNamespace },
      ...(Object.keys(syncPolicy).length ? { syncPolicy } : {}),
    },
  };
}

/** One request body cut from a manifest file, with the object's name when it was cut. */
export interface ManifestPart {
  text: string;
  name?: string;
}

/** Splits manifest text into one request body per object; text with one object (or a syntax error) is sent whole. */
export function splitManifests(text: string): ManifestPart[] {
  const nameOf = (o: unknown) => {
    const name = (o as { metadata?: { name?: unknown } } | null)?.metadata?.name;
    return typeof name === 'string' ? name : undefined;
  };
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      const objects = unwrap(parsed);
      return objects.length === 1 && !Array.isArray(parsed) ? [{ text }] : objects.map((o) => ({ text: JSON.stringify(o), name: nameOf(o) }));
    } catch {
      // Not JSON after all: YAML flow syntax, or an error the hub reports with its position.
    }
  }
  const documents = parseAllDocuments(text, { uniqueKeys: true });
  if (documents.some((d) => d.errors.length > 0)) return [{ text }];
  const nonEmpty = documents.filter((d) => d.contents !== null);
  let objects: unknown[];
  try {
    objects = nonEmpty.flatMap((d) => unwrap(d.toJS()));
  } catch {
    return [{ text }]; // e.g. too many aliases: the hub refuses it with its reason
  }
  if (objects.length === 1 && nonEmpty.length === 1) return [{ text }];
  return objects.map((o) => ({ text: stringify(o), name: nameOf(o) }));
}

/** `kind: *List` wrappers and arrays, unwrapped into their items (as the hub does). */
function unwrap(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(unwrap);
  const record = value as { kind?: unknown; items?: unknown } | null;
  if (record && typeof record === 'object' && typeof record.kind === 'string' && record.kind.endsWith('List') && Array.isArray(record.items)) return record.items.flatMap(unwrap);
  return value === null || value === undefined ? [] : [value];
}
