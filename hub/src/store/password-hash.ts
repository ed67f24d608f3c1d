// The stored form of a password hash: scrypt with its parameters written beside the salt and key,
// `scrypt$N$r$p$<salt base64>$<key base64>`, so the parameters can be raised without breaking
// existing hashes. The first release wrote `scrypt$<salt>$<key>` with Node's defaults
// (N=16384, r=8, p=1); those still verify and are rehashed at the next successful login.
// Pure: parsing, formatting and the rehash decision; the hashing itself is password-hasher.ts.

/** scrypt's cost parameters: CPU/memory cost N (a power of two), block size r, parallelism p. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** OWASP's current guidance for scrypt (Password Storage Cheat Sheet): N=2^17, r=8, p=1. */
export const CURRENT_SCRYPT_PARAMS: ScryptParams = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

/** What `scrypt$<salt>$<key>` hashes were made with (Node's crypto.scrypt defaults). */
export const LEGACY_SCRYPT_PARAMS: ScryptParams = Object.freeze({ N: 16384, r: 8, p: 1 });

/** A stored hash taken apart. */
export interface PasswordHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
  /** Written in the first release's format, without parameters. */
  legacy: boolean;
}

/** Bytes of salt and of derived key in new hashes. */
export const SALT_BYTES = 16;
export const KEY_BYTES = 32;

const MAX_MEMORY_BYTES = 1024 ** 3;

/** Whether scrypt parameters are sane enough to run (a corrupt row must not cost a gigabyte). */
export function isUsableParams({ N, r, p }: ScryptParams): boolean {
  const integers = [N, r, p].every((v) => Number.isSafeInteger(v) && v > 0);
  return integers && N >= 1024 && (N & (N - 1)) === 0 && r <= 32 && p <= 16 && 128 * N * r <= MAX_MEMORY_BYTES;
}

/** The maxmem to pass to crypto.scrypt: twice the 128·N·r bytes it needs (Node's default cap is 32 MiB). */
export function scryptMaxmem({ N, r }: ScryptParams): number {
  return 2 * 128 * N * r;
}

/** Parses a stored hash; undefined when it is not one we can verify. */
export function parsePasswordHash(stored: string): PasswordHash | undefined {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return undefined;
  if (parts.length === 3) return withKey(LEGACY_SCRYPT_PARAMS, parts[1]!, parts[2]!, true);
  if (parts.length !== 6 || !parts.slice(1, 4).every((v) => /^[1-9][0-9]{0,9}$/.test(v!))) return undefined;
  const params = { N: Number(parts[1]), r: Number(parts[2]), p: Number(parts[3]) };
  return isUsableParams(params) ? withKey(params, parts[4]!, parts[5]!, false) : undefined;
}

function withKey(params: ScryptParams, salt64: string, key64: string, legacy: boolean): PasswordHash | undefined {
  const salt = Buffer.from(salt64, 'base64');
  const key = Buffer.from(key64, 'base64');
  if (salt.length < 8 || key.length < 16 || key.length > 64) return undefined;
  return { params, salt, key, legacy };
}

/** The stored form of a hash made with params. */
export function formatPasswordHash(params: ScryptParams, salt: Buffer, key: Buffer): string {
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether a verified hash should be replaced by one made with the current parameters. */
export function shouldRehash(hash: PasswordHash, current: ScryptParams): boolean {
  const { N, r, p } = hash.params;
  return hash.legacy || N !== current.N || r !== current.r || p !== current.p || hash.key.length !== KEY_BYTES;
}
