// Bounds on what one repository may cost the hub: the bytes one fetch (or ls-remote) may download,
// the size of one file read for rendering, and the size of a rendered bundle. Going over one is a
// condition on the application, like any other render failure: the last good bundle stays.

/** The bounds, in bytes. */
export interface RepoLimits {
  /** Bytes one Git fetch or ls-remote may download (pack and ref advertisement). */
  maxFetchBytes: number;
  /** Size of one manifest file read for rendering. */
  maxFileBytes: number;
  /** Size of a rendered bundle's manifests (canonical JSON). */
  maxBundleBytes: number;
}

const MiB = 1024 * 1024;

/**
 * The defaults: 256 MiB per fetch (a shallow fetch of one commit; repositories far larger than
 * this are rare for manifests), 8 MiB per file (the largest CRD bundles people keep in one file are
 * a few MiB), 32 MiB per bundle (half the agent's 64 MiB download cap, MAX_BUNDLE_BYTES).
 */
export const DEFAULT_REPO_LIMITS: RepoLimits = { maxFetchBytes: 256 * MiB, maxFileBytes: 8 * MiB, maxBundleBytes: 32 * MiB };

/** The setting that names each limit, for messages. */
const SETTING: Record<keyof RepoLimits, string> = { maxFetchBytes: 'repoMaxFetchBytes', maxFileBytes: 'repoMaxFileBytes', maxBundleBytes: 'repoMaxBundleBytes' };

/** A limit was exceeded; the message names the limit and the hub setting that raises it. */
export class RepoLimitError extends Error {
  readonly limit: keyof RepoLimits;
  constructor(limit: keyof RepoLimits, what: string, max: number) {
    super(`${what} exceeds the hub's limit of ${formatBytes(max)} (setting ${SETTING[limit]})`);
    this.name = 'RepoLimitError';
    this.limit = limit;
  }
}

/** Counts the bytes of one fetch against maxFetchBytes. */
export class FetchBudget {
  used = 0;
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** Adds downloaded bytes; throws RepoLimitError once over the limit. */
  add(bytes: number): void {
    this.used += bytes;
    if (this.used > this.maxBytes) throw new RepoLimitError('maxFetchBytes', 'the repository download', this.maxBytes);
  }
}

/** `1536` → `1.5 KiB`, `268435456` → `256 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
