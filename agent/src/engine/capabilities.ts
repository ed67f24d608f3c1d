// The cluster's capabilities as the agent reports them at hello (issue 14): the server version and
// the API versions Helm's `--api-versions` takes. The list is the one Argo CD sends
// (`argo.APIResourcesToStrings(resources, true)` over the resources its cluster cache watches):
// for every resource that can be listed and watched, its group version and `group/version/Kind`,
// deduplicated and sorted. It is bounded (MAX_API_VERSIONS): group versions are kept first, then
// kinds, so a cluster with thousands of CRDs still reports every group it serves. Reading happens
// at start and before each hello, at most once per `maxAgeMs`: a reconnect costs no discovery.
import { MAX_API_VERSIONS, type Capabilities } from '@flotilla/shared';

/** One served group version (`v1`, `apps/v1`) and its resources' kinds and verbs. */
export interface ServedGroupVersion {
  groupVersion: string;
  /** Each kind with its verbs, and (when discovery said) its plural resource name and whether it is namespaced. */
  resources: { kind: string; verbs: string[]; resource?: string; namespaced?: boolean }[];
}

/** Longest entry the hello schema accepts. */
const MAX_ENTRY_LENGTH = 256;

/** The bounded, sorted `--api-versions` list of what is served, and how many entries the bound left out (pure). */
export function apiVersionsOf(served: ServedGroupVersion[], max = MAX_API_VERSIONS): { apiVersions: string[]; dropped: number } {
  const groups = new Set<string>();
  const kinds = new Set<string>();
  for (const gv of served) {
    for (const r of gv.resources) {
      if (!r.verbs.includes('list') || !r.verbs.includes('watch')) continue;
      groups.add(gv.groupVersion);
      kinds.add(`${gv.groupVersion}/${r.kind}`);
    }
  }
  const fits = (entry: string) => entry.length <= MAX_ENTRY_LENGTH;
  const all = [...groups, ...kinds];
  const kept = [...[...groups].filter(fits).sort(), ...[...kinds].filter(fits).sort()].slice(0, max);
  return { apiVersions: kept.sort(), dropped: all.length - kept.length };
}

interface AggregatedResource {
  resource?: string;
  scope?: string;
  responseKind?: { kind?: string };
  verbs?: string[];
}
interface AggregatedList {
  kind?: string;
  items?: { metadata?: { name?: string }; versions?: { version?: string; resources?: AggregatedResource[] }[] }[];
}

/**
 * The group versions of an aggregated discovery answer (`APIGroupDiscoveryList`, apidiscovery.k8s.io
 * v2 or v2beta1, what `/api` and `/apis` answer since Kubernetes 1.30 when asked for it), or
 * undefined when the server answered the older, resource-less form (pure).
 */
export function servedFromAggregated(doc: unknown): ServedGroupVersion[] | undefined {
  const list = doc as AggregatedList | undefined;
  if (list?.kind !== 'APIGroupDiscoveryList' || !Array.isArray(list.items)) return undefined;
  const served: ServedGroupVersion[] = [];
  for (const group of list.items) {
    const name = group.metadata?.name ?? '';
    for (const version of group.versions ?? []) {
      if (!version.version) continue;
      const resources = (version.resources ?? [])
        .filter((r) => r.responseKind?.kind)
        .map((r) => ({ kind: r.responseKind!.kind!, verbs: r.verbs ?? [], ...(r.resource ? { resource: r.resource } : {}), ...(r.scope ? { namespaced: r.scope === 'Namespaced' } : {}) }));
      served.push({ groupVersion: name ? `${name}/${version.version}` : version.version, resources });
    }
  }
  return served;
}

/** The group versions an older discovery document names: `/api` (APIVersions) or `/apis` (APIGroupList) (pure). */
export function groupVersionsFromLegacy(doc: unknown): string[] {
  const { versions = [], groups = [] } = (doc ?? {}) as { versions?: unknown[]; groups?: { versions?: { groupVersion?: unknown }[] }[] };
  return [
    ...versions.filter((v): v is string => typeof v === 'string'),
    ...groups.flatMap((g) => (g.versions ?? []).map((v) => v.groupVersion).filter((v): v is string => typeof v === 'string')),
  ];
}

/** Whether two capability reports say the same (pure). */
export function sameCapabilities(a: Capabilities | undefined, b: Capabilities | undefined): boolean {
  if (!a || !b) return a === b;
  return a.kubeVersion === b.kubeVersion && a.apiVersions.length === b.apiVersions.length && a.apiVersions.every((v, i) => v === b.apiVersions[i]);
}

/** How the cache reads and keeps capabilities. */
export interface CapabilitiesCacheOptions {
  /** Reads them from the cluster. */
  load(): Promise<Capabilities>;
  /** Age after which `get` reads them again (default 5 minutes). */
  maxAgeMs?: number;
  now?: () => number;
}

/** The last capabilities read, read again when older than `maxAgeMs`; concurrent reads share one. */
export class CapabilitiesCache {
  private current: Capabilities | undefined;
  private readAt = 0;
  private inflight: Promise<Capabilities> | undefined;
  private readonly options: CapabilitiesCacheOptions;

  constructor(options: CapabilitiesCacheOptions) {
    this.options = options;
  }

  /** The capabilities, fresh enough; when reading fails, the last ones read (undefined if none) and the error. */
  async get(): Promise<{ capabilities: Capabilities | undefined; error?: Error }> {
    const now = (this.options.now ?? Date.now)();
    if (this.current && now - this.readAt < (this.options.maxAgeMs ?? 300_000)) return { capabilities: this.current };
    try {
      await this.read();
      return { capabilities: this.current };
    } catch (error) {
      return { capabilities: this.current, error: error as Error };
    }
  }

  /** Reads them again now; answers whether they differ from the ones held before (first ones read count; a failed read does not). */
  async refresh(): Promise<boolean> {
    const before = this.current;
    try {
      await this.read();
    } catch {
      return false;
    }
    return !sameCapabilities(before, this.current);
  }

  private read(): Promise<Capabilities> {
    this.inflight ??= this.options.load().then((read) => {
      // Keep one copy: an unchanged report keeps the array already held (and referenced by the link).
      if (!sameCapabilities(this.current, read)) this.current = read;
      this.readAt = (this.options.now ?? Date.now)();
      return read;
    }).finally(() => (this.inflight = undefined));
    return this.inflight;
  }
}
