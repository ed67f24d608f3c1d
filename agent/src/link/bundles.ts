// Bundles by content key: from the local cache when present (re-verified), else from the hub over
// HTTP with the cluster credential, up to a size limit; every bundle's key is checked against its
// content (the hash of its manifests alone, so a new commit that leaves an app's manifests as they
// were names the same bundle and costs no download). Bundles no assignment names any more are
// dropped, from memory and from the durable store.
import { isBundleKeyValid, MAX_BUNDLE_BYTES, type LegacyBundleInputs, type TlsTrust } from '@flotilla/shared';
import { getJson, HttpStatusError, TooLargeError } from './http-get.ts';
import type { StateStore } from './state.ts';

const PREFIX = 'bundle-';

/** A verified bundle. `inputs` only on bundles rendered before issue 14, whose key hashed them too. */
export interface Bundle {
  key: string;
  manifests: object[];
  inputs?: LegacyBundleInputs;
}

/** Where the bundles this cache handed out came from (counters, for tests and logs). */
export interface BundleStats {
  /** Downloaded from the hub. */
  fetched: number;
  /** Read back from the durable store (after a restart). */
  fromStore: number;
}

/** How bundles are downloaded. */
export interface BundleFetchOptions {
  /** Largest bundle downloaded, in bytes (default MAX_BUNDLE_BYTES). */
  maxBytes?: number;
  /** How to trust an https hub. */
  tls?: TlsTrust;
}

/** Fetches and caches bundles. */
export class BundleCache {
  readonly stats: BundleStats = { fetched: 0, fromStore: 0 };
  private readonly memory = new Map<string, Bundle>();
  private readonly store: StateStore;
  private readonly hubUrl: string;
  private readonly credential: () => string | undefined;
  private readonly fetchOptions: BundleFetchOptions;

  constructor(store: StateStore, hubUrl: string, credential: () => string | undefined, fetchOptions: BundleFetchOptions = {}) {
    this.store = store;
    this.hubUrl = hubUrl;
    this.credential = credential;
    this.fetchOptions = fetchOptions;
  }

  /** The bundle for a key, or an error saying why it cannot be had (hub down, bad hash...). */
  async get(key: string): Promise<Bundle> {
    const cached = this.memory.get(key) ?? (await this.fromStore(key));
    if (cached) return cached;
    const token = this.credential();
    if (!token) throw new Error(`bundle ${key} is not cached and the agent has no credential yet`);
    const maxBytes = this.fetchOptions.maxBytes ?? MAX_BUNDLE_BYTES;
    const url = `${this.hubUrl}/api/v1/agent/bundles/${key}`;
    const bundle = await getJson<Bundle>(url, { headers: { authorization: `Bearer ${token}` }, maxBytes, ...(this.fetchOptions.tls ? { tls: this.fetchOptions.tls } : {}) }).catch((error: unknown) => {
      if (error instanceof HttpStatusError) throw new Error(`the hub answered ${error.status} for bundle ${key}`);
      if (error instanceof TooLargeError) throw new Error(`bundle ${key} is larger than this agent accepts (--max-bundle-bytes ${maxBytes}); not downloaded, the objects deployed stay as they are`);
      throw new Error(`cannot fetch bundle ${key} from the hub: ${(error as Error).message}`);
    });
    if (bundle.key !== key || !isBundleKeyValid(bundle)) throw new Error(`bundle ${key} failed verification: its content does not hash to its key`);
    this.stats.fetched++;
    await this.store.write(`${PREFIX}${key}`, JSON.stringify(bundle));
    this.memory.set(key, bundle);
    return bundle;
  }

  /**
   * Forgets every bundle the current assignments do not name, in memory and on disk or in
   * Secrets. `named` is asked again just before each removal: a bundle fetched meanwhile for a
   * new assignment (stored before its fetch starts) is kept.
   */
  async retain(named: (key: string) => boolean): Promise<string[]> {
    const dropped: string[] = [];
    for (const stored of await this.store.list(PREFIX)) {
      const key = stored.slice(PREFIX.length);
      if (named(key)) continue;
      await this.store.remove(stored);
      dropped.push(key);
    }
    for (const key of this.memory.keys()) if (!named(key)) this.memory.delete(key);
    return dropped;
  }

  private async fromStore(key: string): Promise<Bundle | undefined> {
    const stored = await this.store.read(`${PREFIX}${key}`).catch(() => undefined);
    if (!stored) return undefined;
    let bundle: Bundle;
    try {
      bundle = JSON.parse(stored) as Bundle;
    } catch {
      return undefined; // half-written or corrupted: fetch again
    }
    if (bundle.key !== key || !isBundleKeyValid(bundle)) return undefined; // corrupted: fetch again
    this.stats.fromStore++;
    this.memory.set(key, bundle);
    return bundle;
  }
}
