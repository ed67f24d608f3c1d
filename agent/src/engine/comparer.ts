// Reading live state and comparing it with the desired objects. Live objects come from the watch
// caches (an informer per kind, started on first use); a kind the cluster does not serve reads as
// absent, and is compared without a dry run (what SkipDryRunOnMissingResource=true asks; the
// sync then waits for the kind with the option, or fails naming it). Each desired object is
// compared by a server-side dry-run apply against its live copy (Validate=false: with the
// server's field validation off, as the sync applies it), cached per application by (desired
// content, live resourceVersion), so unchanged objects cost nothing on a resync. An object kubectl
// or Argo CD wrote that Flotilla has not taken over yet (field-takeover.ts) is OutOfSync: until
// the sync takes its field managers over, a field Git drops would stay on it.
import { contentKey } from '@flotilla/shared';
import type { Kube } from './kube.ts';
import { refKey, refOf, type KubeObject, type ObjectRef } from './objects.ts';
import { diffResource, type IgnoreRule } from './diff.ts';
import { maskSecretValues } from './mask-secrets.ts';
import type { Compared } from './status.ts';
import type { SyncOptions } from './sync-options.ts';
import { fieldValidationOf, takesOverManagers, taskOptions } from './apply-options.ts';
import { needsTakeover, takenOverManagers, TAKEN_OVER } from './field-takeover.ts';

/** Where live objects are read from (the watcher). */
export interface LiveCache {
  live(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined>;
}

interface CacheEntry {
  desired: string;
  liveVersion: string | undefined;
  status: 'Synced' | 'OutOfSync';
  message?: string;
}

const CONCURRENCY = 16;

/** Content hashes of prepared objects (they are immutable once prepared). */
const hashes = new WeakMap<KubeObject, string>();
function hashOf(obj: KubeObject): string {
  let h = hashes.get(obj);
  if (!h) hashes.set(obj, (h = contentKey(obj)));
  return h;
}

/** Live reads and cached comparisons, per application. */
export class Comparer {
  private readonly cache = new Map<string, Map<string, CacheEntry>>();
  private readonly kube: Pick<Kube, 'apply' | 'resource' | 'get' | 'fieldManager'>;
  private readonly watch: LiveCache;

  constructor(kube: Pick<Kube, 'apply' | 'resource' | 'get' | 'fieldManager'>, watch: LiveCache) {
    this.kube = kube;
    this.watch = watch;
  }

  /** Live state of the desired objects and the inventory, by refKey (undefined: absent, or its kind not served). */
  async readLive(desired: readonly KubeObject[], inventory: readonly ObjectRef[]): Promise<Map<string, KubeObject | undefined>> {
    const live = new Map<string, KubeObject | undefined>();
    const refs = [
      ...desired.map((d) => ({ apiVersion: d.apiVersion, kind: d.kind, name: d.metadata.name, namespace: d.metadata.namespace, key: refKey(refOf(d)) })),
      ...inventory.map((r) => ({ apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind, name: r.name, namespace: r.namespace, key: refKey(r) })),
    ];
    for (const ref of refs) {
      if (live.has(ref.key)) continue;
      const served = await this.kube.resource(ref.apiVersion, ref.kind).catch(() => undefined);
      live.set(ref.key, served ? await this.watch.live(ref.apiVersion, ref.kind, ref.name, served.namespaced ? ref.namespace : undefined) : undefined);
    }
    return live;
  }

  /** Compares each desired object with its live copy, under the application's sync options (each object's annotation wins). */
  async compare(app: string, desired: readonly KubeObject[], live: ReadonlyMap<string, KubeObject | undefined>, ignore: IgnoreRule[], appOptions: SyncOptions = {}): Promise<Compared[]> {
    const cache = this.cacheOf(app);
    const results: Compared[] = new Array(desired.length);
    let next = 0;
    const worker = async () => {
      while (next < desired.length) {
        const i = next++;
        const target = desired[i]!;
        const key = refKey(refOf(target));
        const current = live.get(key);
        const desiredHash = hashOf(target);
        const liveVersion = current?.metadata.resourceVersion as string | undefined;
        const cached = cache.get(key);
        if (cached && cached.desired === desiredHash && cached.liveVersion === liveVersion && current) {
          results[i] = { target, live: current, status: cached.status, ...(cached.message ? { message: cached.message } : {}) };
          continue;
        }
        const options = taskOptions(appOptions, target, current);
        if (!current) {
          const served = await this.kube.resource(target.apiVersion, target.kind).catch(() => undefined);
          const message = served ? `${target.kind}/${target.metadata.name} does not exist: it will be created`
            : `${target.kind} (${target.apiVersion}) is not served by the cluster yet: compared without a dry run; ${options.skipDryRunOnMissingResource ? 'the sync waits for it (SkipDryRunOnMissingResource=true)' : 'the sync fails unless its CRD is installed first (or SkipDryRunOnMissingResource=true)'}`;
          results[i] = { target, live: undefined, status: 'OutOfSync', message };
          continue;
        }
        try {
          const fieldValidation = fieldValidationOf(options);
          const dryRun = await this.kube.apply(target, { dryRun: true, ...(fieldValidation ? { fieldValidation } : {}) });
          const diff = diffResource(dryRun as KubeObject, current, ignore);
          const adopting = takesOverManagers(options) ? await this.pendingTakeover(current) : undefined;
          const status = adopting ? 'OutOfSync' : diff.status;
          const message = [adopting, diff.status === 'OutOfSync' ? diff.diff : undefined].filter(Boolean).join('\n');
          results[i] = { target, live: current, status, ...(status === 'OutOfSync' && message ? { message } : {}) };
        } catch (error) {
          // A dry-run error may quote the object (issue 13): mask the Secret's values before it is reported.
          results[i] = { target, live: current, status: 'OutOfSync', message: maskSecretValues((error as Error).message, [target, current]) };
        }
        cache.set(key, { desired: desiredHash, liveVersion, status: results[i]!.status, ...(results[i]!.message ? { message: results[i]!.message } : {}) });
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, desired.length) }, worker));
    return results;
  }

  /**
   * Why the live object waits for adoption (kubectl's or Argo CD's field managers to take over),
   * or undefined. The watch cache holds other managers' entries, so only an object that shows one
   * is read whole (the cache drops our own entry and the last-applied annotation).
   */
  private async pendingTakeover(cached: KubeObject): Promise<string | undefined> {
    const entries = (cached.metadata['managedFields'] ?? []) as { manager?: string; operation?: string; subresource?: string }[];
    if (!entries.some((e) => !e.subresource && TAKEN_OVER.some((m) => (e.manager ?? '').startsWith(m.prefix) && e.operation === m.operation))) return undefined;
    const live = await this.kube.get({ apiVersion: cached.apiVersion, kind: cached.kind, name: cached.metadata.name, ...(cached.metadata.namespace ? { namespace: cached.metadata.namespace } : {}) }) as KubeObject | undefined;
    if (!live || !needsTakeover(live, this.kube.fieldManager)) return undefined;
    return `written by ${takenOverManagers(live).join(', ') || 'kubectl apply'} before Flotilla: the sync takes over its fields (so a field removed from Git is removed here too)`;
  }

  /** Forgets an application's comparisons. */
  forget(app: string): void {
    this.cache.delete(app);
  }

  private cacheOf(app: string): Map<string, CacheEntry> {
    let cache = this.cache.get(app);
    if (!cache) this.cache.set(app, (cache = new Map()));
    return cache;
  }
}
