// A bundle's manifests as stored at rest (issue 14: rendered Secrets are secrets): the JSON body
// gzipped, then sealed with AES-256-GCM under the hub's secret key, bound to the bundle's key (as
// associated data) so a sealed body copied onto another row does not open. Layout of the `sealed`
// column: one format byte (1), then what SecretBox.sealBytes writes (iv | tag | ciphertext).
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { SecretBox } from './secrets.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const FORMAT_GZIP_AES_GCM = 1;
const GZIP_LEVEL = 1;

/** What a bundle row holds: its manifests, and the render inputs only for bundles keyed before issue 14. */
export interface BundleBody {
  manifests: object[];
  inputs?: { repoURL: string; commit: string; path: string; params: unknown };
}

/** Why a stored bundle cannot be read (another secret key, a damaged row): the hub's fault, not the caller's. */
export class BundleSealError extends Error {
  constructor(key: string, cause: unknown) {
    super(`bundle ${key} cannot be decrypted with this hub's secret key (was FLOTILLA_SECRET_KEY or secret.key changed?); a hard refresh of its applications renders it again`, { cause });
    this.name = 'BundleSealError';
  }
}

/** The sealed form of a bundle body, for the row with this key. */
export async function sealBundle(box: SecretBox, key: string, body: BundleBody): Promise<Buffer> {
  return sealJson(box, key, JSON.stringify(body));
}

/**
 * The sealed form of a body with only manifests, given their JSON (the caller has it for the
 * row's size): what sealBundle seals for `{ manifests }`, without encoding them again.
 */
export function sealManifestsJson(box: SecretBox, key: string, manifestsJson: string): Promise<Buffer> {
  return sealJson(box, key, `{"manifests":${manifestsJson}}`);
}

async function sealJson(box: SecretBox, key: string, json: string): Promise<Buffer> {
  // The fastest level: manifests repeat so much that it still packs them several times over, and
  // a hard refresh waits for it (level 6 takes about three times as long for a few per cent less).
  const packed = await gzipAsync(Buffer.from(json, 'utf8'), { level: GZIP_LEVEL });
  return Buffer.concat([Buffer.of(FORMAT_GZIP_AES_GCM), box.sealBytes(packed, key)]);
}

/** The body sealBundle sealed for this key; BundleSealError when it does not open. */
export async function openBundle(box: SecretBox, key: string, sealed: Buffer): Promise<BundleBody> {
  try {
    if (sealed[0] !== FORMAT_GZIP_AES_GCM) throw new Error(`unknown bundle format ${sealed[0]}`);
    const packed = box.openBytes(sealed.subarray(1), key);
    return JSON.parse((await gunzipAsync(packed)).toString('utf8')) as BundleBody;
  } catch (error) {
    throw new BundleSealError(key, error);
  }
}
