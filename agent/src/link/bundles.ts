// Bundles by content key: from the local cache when present (re-verified), else from the hub over
// HTTP with the cluster credential; every bundle's key is checked against its content.
import { isBundleKeyValid } from '@flotilla/shared';
import type { StateStore } from './state.ts';

/** A verified bundle. */
export interface Bundle {
  key: string;
  inputs: { repoURL: string; commit: string; path: string; params: unknown };
  manifests: object[];
}

/** Fetches and caches bundles. */
export class BundleCache {
  private readonly memory = new Map<string, Bundle>();
  private readonly store: StateStore;
  private readonly hubUrl: string;
  private readonly credential: () => string | undefined;

  constructor(store: StateStore, hubUrl: string, credential: () => string | undefined) {
    this.store = store;
    this.hubUrl = hubUrl;
    this.credential = credential;
  }

  /** The bundle for a key, or an error saying why it cannot be had (hub down, bad hash...). */
  async get(key: string): Promise<Bundle> {
    const cached = this.memory.get(key) ?? (await this.fromStore(key));
    if (cached) return cached;
    const token = this.credential();
    if (!token) throw new Error(`bundle ${key} is not cached and the agent has no credential yet`);
    const res = await fetch(`${this.hubUrl}/api/v1/agent/bundles/${key}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`the hub answered ${res.status} for bundle ${key}`);
    const bundle = (await res.json()) as Bundle;
    if (bundle.key !== key || !isBundleKeyValid(bundle)) throw new Error(`bundle ${key} failed verification: its content does not hash to its key`);
    await this.store.write(`bundle-${key}`, JSON.stringify(bundle));
    this.memory.set(key, bundle);
    return bundle;
  }

  private async fromStore(key: string): Promise<Bundle | undefined> {
    const stored = await this.store.read(`bundle-${key}`).catch(() => undefined);
    if (!stored) return undefined;
    const bundle = JSON.parse(stored) as Bundle;
    if (!isBundleKeyValid(bundle)) return undefined; // corrupted: fetch again
    this.memory.set(key, bundle);
    return bundle;
  }
}
