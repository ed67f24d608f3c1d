// What a deletion without cascade depends on (cluster-deletion.ts decides with it): whether the
// cluster's agent named NON_CASCADE_HOOKS_FEATURE at its last hello (kept in clusters.agent_info, so
// it is known while the agent is offline), and whether the application's current bundle holds
// PostDelete hooks. A bundle that cannot be opened counts as none: its agent could not read it either.
import { NON_CASCADE_HOOKS_FEATURE, hasPostDeleteHooks } from '@flotilla/shared';
import type { Queryable } from '../store/db.ts';
import type { ApplicationRecord } from '../store/applications.ts';
import { bundleByKey } from '../store/bundles.ts';
import type { SecretBox } from '../store/secrets.ts';

/** Whether the application's bundle holds PostDelete hooks and its agent runs them without cascade. */
export async function deletionFacts(db: Queryable, secrets: SecretBox | undefined, app: ApplicationRecord): Promise<{ hasHooks: boolean; agentRunsHooks: boolean }> {
  const row = app.clusterId === null ? undefined : (await db.query<{ has: boolean | null }>(
    "SELECT (agent_info->'features') ? $2 AS has FROM clusters WHERE id = $1", [app.clusterId, NON_CASCADE_HOOKS_FEATURE],
  )).rows[0];
  const agentRunsHooks = row?.has === true;
  if (!secrets || !app.bundleKey) return { hasHooks: false, agentRunsHooks };
  const bundle = await bundleByKey(db, secrets, app.bundleKey).catch(() => undefined);
  return { hasHooks: hasPostDeleteHooks(bundle?.manifests ?? []), agentRunsHooks };
}

