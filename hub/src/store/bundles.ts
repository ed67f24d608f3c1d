// Rendered manifests, stored once per content key, and the render cache that maps render inputs
// (repository, commit, path, parameters) to the bundle they produced.
import type { Queryable } from './db.ts';

/** A bundle as served to agents: its key, the render inputs, and the manifests. */
export interface Bundle {
  key: string;
  inputs: { repoURL: string; commit: string; path: string; params: unknown };
  manifests: object[];
}

/** The bundle a render key produced before, if any. */
export async function bundleForRender(db: Queryable, renderKey: string): Promise<string | undefined> {
  return (await db.query<{ bundle_key: string }>('SELECT bundle_key FROM renders WHERE render_key = $1', [renderKey])).rows[0]?.bundle_key;
}

/** Stores a bundle (once per key) and the render that produced it. */
export async function saveRender(db: Queryable, renderKey: string, bundle: Bundle): Promise<void> {
  const body = { inputs: bundle.inputs, manifests: bundle.manifests };
  const json = JSON.stringify(body);
  await db.query('INSERT INTO bundles (key, manifests, size_bytes) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [bundle.key, json, Buffer.byteLength(json)]);
  await db.query('INSERT INTO renders (render_key, bundle_key) VALUES ($1, $2) ON CONFLICT (render_key) DO UPDATE SET bundle_key = EXCLUDED.bundle_key', [renderKey, bundle.key]);
}

/** A bundle by key, only if an application on this cluster references it. */
export async function bundleForCluster(db: Queryable, clusterId: number, key: string): Promise<Bundle | undefined> {
  const row = (await db.query<{ manifests: { inputs: Bundle['inputs']; manifests: object[] } }>(
    `SELECT b.manifests FROM bundles b WHERE b.key = $2
       AND EXISTS (SELECT 1 FROM applications a WHERE a.cluster_id = $1
                   AND (a.bundle_key = b.key OR a.operation->>'bundle' = b.key))`,
    [clusterId, key],
  )).rows[0];
  return row && { key, inputs: row.manifests.inputs, manifests: row.manifests.manifests };
}
