// Seeds a status for every application a bench inserted: sync Synced, Synced or OutOfSync and health
// Healthy ×3, Progressing or Degraded in turn, five Deployments each, as an agent would report them
// (test/bench/list-latency.ts and test/bench/ui.ts).
import type { Queryable } from '../../hub/src/store/db.ts';

/** One application_status row per application, the same shape in every bench. */
export async function seedStatuses(pool: Queryable): Promise<void> {
  await pool.query(
    `INSERT INTO application_status (app_name, seq, status)
     SELECT a.name, 1, jsonb_build_object(
       'sync', jsonb_build_object('status', (ARRAY['Synced','Synced','OutOfSync'])[n % 3 + 1], 'revision', a.revision),
       'health', jsonb_build_object('status', (ARRAY['Healthy','Healthy','Healthy','Progressing','Degraded'])[n % 5 + 1]),
       'resources', (SELECT jsonb_agg(jsonb_build_object('group', 'apps', 'version', 'v1', 'kind', 'Deployment', 'namespace', 'ns-' || (n % 20), 'name', a.name || '-' || r, 'status', 'Synced', 'health', jsonb_build_object('status', 'Healthy'))) FROM generate_series(1, 5) r),
       'reconciledAt', now()::text)
     FROM (SELECT name, revision, row_number() OVER (ORDER BY name) AS n FROM applications) a`,
  );
}
