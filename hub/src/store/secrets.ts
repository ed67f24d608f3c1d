// Secrets at rest: tokens are stored as SHA-256 hashes (they are long random strings), passwords
// with scrypt (password-hasher.ts), and repository credentials and rendered bundles (bundle-seal.ts)
// encrypted with AES-256-GCM under a key that comes from FLOTILLA_SECRET_KEY or is generated once
// into the data directory.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A new random token with a prefix saying what it is (flt_b_ bootstrap, flt_c_ credential, flt_s_ session). */
export function newToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** The hash under which a token is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Encrypts and decrypts secrets with one key: small strings (repository passwords) and bytes (bundles). */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
  /** AES-256-GCM of bytes, bound to `aad` (e.g. the row's key): iv (12) | tag (16) | ciphertext. */
  sealBytes(plain: Buffer, aad: string): Buffer;
  /** The bytes sealBytes sealed with the same aad; throws when the key, the aad or a byte differs. */
  openBytes(sealed: Buffer, aad: string): Buffer;
}

/** The key from FLOTILLA_SECRET_KEY (base64, 32 bytes), or from dataDir/secret.key (made once). */
export function loadSecretBox(dataDir: string, envKey = process.env.FLOTILLA_SECRET_KEY): SecretBox {
  let key: Buffer;
  if (envKey) {
    key = Buffer.from(envKey, 'base64');
    if (key.length !== 32) throw new Error('FLOTILLA_SECRET_KEY must be 32 bytes, base64-encoded');
  } else {
    const file = join(dataDir, 'secret.key');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  }
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(sealed) {
      const raw = Buffer.from(sealed.replace(/^v1:/, ''), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12), { authTagLength: 16 }); // a truncated tag is refused
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
    sealBytes(plain, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    openBytes(sealed, aad) {
      // The tag length is fixed: a shortened tag (GCM accepts 4 bytes otherwise) would be easier to forge.
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12), { authTagLength: 16 }).setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
    },
  };
}
