// Rendered manifests, stored once per content key (the hash of the manifests alone), encrypted at
// rest (bundle-seal.ts), and the render cache that maps a render key to the bundle it produced.
// Rows from before migration 007 hold plaintext `manifests` until sealPlaintextBundles seals them.
import type { Queryable } from './db.ts';
import type { SecretBox } from './secrets.ts';
import { openBundle, sealBundle, sealManifestsJson, type BundleBody } from './bundle-seal.ts';

/** A bundle as served to agents: its key and manifests (and, keyed before issue 14, the inputs its key hashed). */
export interface Bundle extends BundleBody {
  key: string;
}

interface BundleRow {
  sealed: Buffer | null;
  manifests: BundleBody | null;
}

const SEAL_BATCH = 50;

/** The bundle a render key produced before, if any. */
export async function bundleForRender(db: Queryable, renderKey: string): Promise<string | undefined> {
  return (await db.query<{ bundle_key: string }>('SELECT bundle_key FROM renders WHERE render_key = $1', [renderKey])).rows[0]?.bundle_key;
}

/**
 * Stores a bundle, sealed (its manifests only: one bundle serves every commit and app that renders
 * them), and the render that produced it. A row already there is sealed again: the content is the
 * same, and a row left in plaintext or under a lost key is healed by the next render.
 */
export async function saveRender(db: Queryable, box: SecretBox, renderKey: string, bundle: { key: string; manifests: object[] }): Promise<void> {
  const json = JSON.stringify(bundle.manifests);
  const sealed = await sealManifestsJson(box, bundle.key, json);
  const size = Buffer.byteLength(json);
  await db.query(
    `INSERT INTO bundles (key, sealed, size_bytes) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE SET sealed = EXCLUDED.sealed, manifests = NULL, size_bytes = EXCLUDED.size_bytes`,
    [bundle.key, sealed, size],
  );
  await db.query('INSERT INTO renders (render_key, bundle_key) VALUES ($1, $2) ON CONFLICT (render_key) DO UPDATE SET bundle_key = EXCLUDED.bundle_key', [renderKey, bundle.key]);
}

/** A bundle by key, only if an application on this cluster references it (what agents download). */
export async function bundleForCluster(db: Queryable, box: SecretBox, clusterId: number, key: string): Promise<Bundle | undefined> {
  const row = (await db.query<BundleRow>(
    `SELECT b.sealed, b.manifests FROM bundles b WHERE b.key = $2
       AND EXISTS (SELECT 1 FROM applications a WHERE a.cluster_id = $1
                   AND (a.bundle_key = b.key OR a.operation->>'bundle' = b.key))`,
    [clusterId, key],
  )).rows[0];
  return row && bundleOf(box, key, row);
}

/** A bundle by key, decrypted, for the hub's own readers. */
export async function bundleByKey(db: Queryable, box: SecretBox, key: string): Promise<Bundle | undefined> {
  const row = (await db.query<BundleRow>('SELECT sealed, manifests FROM bundles WHERE key = $1', [key])).rows[0];
  return row && bundleOf(box, key, row);
}

/** Seals the rows stored in plaintext before migration 007, a batch at a time; answers how many. */
export async function sealPlaintextBundles(db: Queryable, box: SecretBox): Promise<number> {
  let sealed = 0;
  for (;;) {
    const rows = (await db.query<{ key: string; manifests: BundleBody }>(
      'SELECT key, manifests FROM bundles WHERE sealed IS NULL ORDER BY key LIMIT $1', [SEAL_BATCH],
    )).rows;
    for (const row of rows) {
      const body = await sealBundle(box, row.key, row.manifests);
      // Another replica starting at the same time may have sealed it first: then this changes nothing.
      const done = await db.query('UPDATE bundles SET sealed = $2, manifests = NULL WHERE key = $1 AND sealed IS NULL', [row.key, body]);
      sealed += done.rowCount ?? 0;
    }
    if (rows.length < SEAL_BATCH) return sealed;
  }
}

async function bundleOf(box: SecretBox, key: string, row: BundleRow): Promise<Bundle> {
  const body = row.sealed ? await openBundle(box, key, row.sealed) : row.manifests!;
  return { key, manifests: body.manifests, ...(body.inputs ? { inputs: body.inputs } : {}) };
}
