// The HS256 keys project role JWTs are signed with: 32 random bytes made once per store, sealed
// with the hub's secret key (replicas share it, as they must to read repository credentials), and
// cached per process. A kid this process has not seen is read again from the store, so a key
// another replica made verifies here too.
import { randomBytes } from 'node:crypto';
import type { Queryable } from './db.ts';
import type { SecretBox } from './secrets.ts';

/** A signing key and its id. */
export interface SigningKey {
  kid: string;
  secret: Buffer;
}

const caches = new WeakMap<Queryable, Map<string, SigningKey & { createdAt: number }>>();

async function load(db: Queryable, secrets: SecretBox): Promise<Map<string, SigningKey & { createdAt: number }>> {
  const rows = (await db.query<{ kid: string; key_sealed: string; created_at: Date }>('SELECT kid, key_sealed, created_at FROM token_signing_keys')).rows;
  const keys = new Map(rows.map((r) => [r.kid, { kid: r.kid, secret: Buffer.from(secrets.open(r.key_sealed), 'base64'), createdAt: r.created_at.getTime() }]));
  caches.set(db, keys);
  return keys;
}

/** The key new tokens are signed with (the newest; made when the store has none). */
export async function currentSigningKey(db: Queryable, secrets: SecretBox): Promise<SigningKey> {
  let keys = caches.get(db) ?? (await load(db, secrets));
  if (!keys.size) {
    await db.query('INSERT INTO token_signing_keys (kid, key_sealed) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM token_signing_keys)', [randomBytes(8).toString('hex'), secrets.seal(randomBytes(32).toString('base64'))]);
    keys = await load(db, secrets);
  }
  const newest = [...keys.values()].sort((a, b) => b.createdAt - a.createdAt || a.kid.localeCompare(b.kid))[0]!;
  return { kid: newest.kid, secret: newest.secret };
}

/** The key with this id, or undefined when the store has none such. */
export async function signingKey(db: Queryable, secrets: SecretBox, kid: string): Promise<SigningKey | undefined> {
  const cached = caches.get(db)?.get(kid);
  if (cached) return cached;
  return (await load(db, secrets)).get(kid);
}
