// Records what refreshing one application came to: on success its bundle, commit and per-source
// revisions, on failure a condition (the last good bundle stays, so nothing is pruned because Git
// or a render went wrong). A new bundle or any new commit moves its cluster's assignment.
import type pg from 'pg';
import type { Logger } from 'pino';
import { getApplication, recordRender } from '../store/applications.ts';
import { assignmentOf, recordAssignment } from '../store/assignments.ts';
import { withTransaction } from '../store/db.ts';
import { nextConditions, type RenderOutcome } from './render-outcome.ts';
import { sameRevisions } from './source-revisions.ts';

/** Stores the outcome on the application (if it still exists) and bumps its assignment when it moved. */
export async function recordOutcome(pool: pg.Pool, log: Logger, name: string, outcome: RenderOutcome, now = new Date()): Promise<void> {
  await withTransaction(pool, async (db) => {
    const before = await getApplication(db, name, { forUpdate: true });
    if (!before) return; // deleted meanwhile
    const conditions = nextConditions(before.conditions, outcome, now);
    await recordRender(db, name, outcome.ok ? { bundleKey: outcome.bundleKey, revision: outcome.commit, revisions: outcome.revisions ?? null, conditions } : { conditions });
    // A new commit in any source moves the assignment, even one (a ref source's) that left the bundle as it was.
    if (outcome.ok && (outcome.bundleKey !== before.bundleKey || outcome.commit !== before.revision || !sameRevisions(outcome.revisions ?? null, before.revisions))) {
      const after = await getApplication(db, name);
      await recordAssignment(db, after!.clusterId, name, assignmentOf(after!));
    }
  });
  if (!outcome.ok) log.warn({ app: name, condition: outcome.type, message: outcome.message }, 'refresh failed; the last good bundle stays');
}
