// Records what refreshing one application came to: on success its bundle, commit and per-source
// revisions, on failure a condition (the last good bundle stays, so nothing is pruned because Git
// or a render went wrong). A new bundle or any new commit moves its cluster's assignment. A new
// bundle is first checked against the application's project (its kinds and namespaces): one that
// holds what the project forbids is recorded as a failure naming the rule, and is never assigned.
import type pg from 'pg';
import type { Logger } from 'pino';
import { bundleViolations, canonicalJson } from '@flotilla/shared';
import { getApplication, isHubApplication, recordRender, type ApplicationRecord } from '../store/applications.ts';
import { assignmentOf, limitsOfApplication, recordAssignment } from '../store/assignments.ts';
import { bundleByKey } from '../store/bundles.ts';
import type { Queryable } from '../store/db.ts';
import type { SecretBox } from '../store/secrets.ts';
import { withTransaction } from '../store/db.ts';
import { nextConditions, type RenderOutcome } from './render-outcome.ts';
import { sameRevisions } from './source-revisions.ts';

/** Stores the outcome on the application (if it still exists) and bumps its assignment when it moved; `secrets` opens a new bundle for the project check. */
export async function recordOutcome(pool: pg.Pool, log: Logger, name: string, rendered: RenderOutcome, now = new Date(), secrets?: SecretBox): Promise<RenderOutcome> {
  let outcome = rendered;
  await withTransaction(pool, async (db) => {
    const before = await getApplication(db, name, { forUpdate: true });
    if (!before) return; // deleted meanwhile
    if (outcome.ok && secrets) outcome = await projectChecked(db, secrets, before, outcome);
    const conditions = nextConditions(before.conditions, outcome, now);
    await recordRender(db, name, outcome.ok ? { bundleKey: outcome.bundleKey, revision: outcome.commit, revisions: outcome.revisions ?? null, conditions } : { conditions });
    // A new commit in any source moves the assignment, even one (a ref source's) that left the bundle as it was.
    if (outcome.ok && (outcome.bundleKey !== before.bundleKey || outcome.commit !== before.revision || !sameRevisions(outcome.revisions ?? null, before.revisions))) {
      const after = await getApplication(db, name);
      await recordAssignment(db, after!.clusterId, name, assignmentOf(after!));
    }
  });
  if (!outcome.ok) log.warn({ app: name, condition: outcome.type, message: outcome.message }, 'refresh failed; the last good bundle stays');
  return outcome;
}

/** A rendered bundle held against the application's project: a failure naming the rules it breaks, else as it was. */
async function projectChecked(db: Queryable, secrets: SecretBox, app: ApplicationRecord, outcome: Extract<RenderOutcome, { ok: true }>): Promise<RenderOutcome> {
  // An app of apps' parent deploys to the hub, not to a cluster: each child it renders is checked
  // against its own project as the API checks one (app-of-apps.ts, toWrite).
  if (isHubApplication(app)) return outcome;
  const limits = await limitsOfApplication(db, app.name);
  if (!limits) return outcome;
  const destination = { ...(limits.cluster ?? {}), namespace: app.spec.destination?.namespace ?? '' };
  // A bundle's manifests never change under its key: the verdict on (bundle, project rules,
  // destination) is kept, so a refresh that finds the same bundle does not open it again.
  const key = canonicalJson([outcome.bundleKey, app.project, limits, destination]);
  let refusal = verdicts.get(key);
  if (refusal === undefined) {
    const bundle = await bundleByKey(db, secrets, outcome.bundleKey);
    if (!bundle) return outcome;
    const violations = bundleViolations({ name: app.project, spec: limits }, bundle.manifests, destination);
    const shown = violations.slice(0, 5).map((v) => v.message).join('; ');
    refusal = violations.length ? `the rendered manifests break project "${app.project}": ${shown}${violations.length > 5 ? `; and ${violations.length - 5} more` : ''} (nothing of this render is applied)` : '';
    if (verdicts.size >= MAX_VERDICTS) verdicts.delete(verdicts.keys().next().value!);
    verdicts.set(key, refusal);
  }
  return refusal ? { ok: false, type: 'ComparisonError', message: refusal } : outcome;
}

/** Project verdicts on bundles, by bundle, project rules and destination ('' when none broken); the oldest go first. */
const verdicts = new Map<string, string>();
const MAX_VERDICTS = 4096;
