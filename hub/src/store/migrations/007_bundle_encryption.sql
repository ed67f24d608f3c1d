-- Bundles encrypted at rest (issue 14): rendered manifests hold Secrets. A row now keeps its body in
-- `sealed` (gzipped JSON, then AES-256-GCM under the hub's secret key, bound to the row's key; see
-- hub/src/store/bundle-seal.ts) and no `manifests`. SQL cannot encrypt with a key only the hub
-- process holds, so rows written before this migration keep their plaintext `manifests` until the
-- hub, right after migrating, seals them (sealPlaintextBundles in hub/src/store/bundles.ts, run at
-- every start: it finds nothing to do once they are sealed). Until then they are served as they are.
ALTER TABLE bundles ADD COLUMN sealed bytea;
ALTER TABLE bundles ALTER COLUMN manifests DROP NOT NULL;
ALTER TABLE bundles ADD CONSTRAINT bundles_body CHECK (sealed IS NOT NULL OR manifests IS NOT NULL);
-- Ciphertext does not compress: spare PostgreSQL the attempt (the body is gzipped before sealing).
ALTER TABLE bundles ALTER COLUMN sealed SET STORAGE EXTERNAL;
-- The start-up step looks only for rows still in plaintext.
CREATE INDEX bundles_unsealed ON bundles (key) WHERE sealed IS NULL;
