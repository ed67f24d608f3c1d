// The per-cluster assignment log: every change to what a cluster must run bumps that cluster's
// revision (row-locked, so bumps serialise) and records the new assignment, so an agent can resume
// from its acked revision with exactly the changes it missed. Hub replicas learn of bumps by NOTIFY.
// Each assignment carries its project's rules (projectLimits), so the agent can enforce them too.
import { NON_CASCADE_HOOKS_FEATURE, projectRulesOf, type Assignment, type ProjectLimits } from '@flotilla/shared';
import type { Queryable } from './db.ts';
import { listApplications, primarySource, type ApplicationRecord } from './applications.ts';
import { redactRepoUrl } from '../repo/url-userinfo.ts';

/** The channel hub replicas LISTEN on; payload `{"cluster":<id>,"kind":"revision"|"revoked"}`. */
export const CLUSTER_CHANNEL = 'flotilla_cluster';

/** How many revisions of history are kept per cluster; an agent further behind gets a snapshot. */
export const RETAINED_REVISIONS = 1000;

/** The assignment an application's agent must reconcile (pure; recordAssignment and assignmentsOf add projectLimits). */
export function assignmentOf(app: ApplicationRecord): Assignment {
  const source = primarySource(app.spec);
  const assignment: Assignment = {
    app: app.name,
    project: app.project,
    generation: app.generation,
    namespace: app.spec.destination.namespace ?? '',
    source: { repoURL: redactRepoUrl(source.repoURL), path: source.path ?? '', targetRevision: source.targetRevision ?? 'HEAD' },
    bundle: app.bundleKey,
    revision: app.revision,
  };
  if (app.revisions) assignment.revisions = app.revisions;
  if (app.spec.syncPolicy !== undefined) assignment.syncPolicy = app.spec.syncPolicy;
  if (app.spec.ignoreDifferences !== undefined) assignment.ignoreDifferences = app.spec.ignoreDifferences;
  if (app.operation) assignment.operation = app.operation;
  if (app.deletion) assignment.deletion = app.deletion;
  return assignment;
}

/**
 * An application's project rules with the destination cluster as the hub matched them (its name,
 * and the server written in the spec, else the one an admin gave the cluster), so the agent
 * evaluates `destinations` and window `clusters` as the hub did (pure).
 */
export function projectLimitsOf(projectSpec: Record<string, unknown>, cluster: { name: string; server: string }): ProjectLimits {
  return { ...(projectRulesOf(projectSpec) as ProjectLimits), cluster };
}

/** Each named application's projectLimits, by application name (one query). */
async function limitsByApp(db: Queryable, apps: string[]): Promise<Map<string, ProjectLimits>> {
  const rows = (await db.query<{ app: string; spec: Record<string, unknown>; cluster: string | null; server: string }>(
    `SELECT a.name AS app, p.spec, c.name AS cluster, COALESCE(a.spec->'destination'->>'server', c.server_url, '') AS server
       FROM applications a JOIN projects p ON p.name = a.project LEFT JOIN clusters c ON c.id = a.cluster_id
      WHERE a.name = ANY($1)`,
    [[...new Set(apps)]],
  )).rows;
  return new Map(rows.map((r) => [r.app, projectLimitsOf(r.spec, { name: r.cluster ?? '', server: r.server })]));
}

/** One application's projectLimits (its project's rules and its cluster as matched), for the after-render check. */
export async function limitsOfApplication(db: Queryable, name: string): Promise<ProjectLimits | undefined> {
  return (await limitsByApp(db, [name])).get(name);
}

/** The assignments of these applications, each with its projectLimits (a snapshot for an agent). */
export async function assignmentsOf(db: Queryable, apps: ApplicationRecord[]): Promise<Assignment[]> {
  const limits = await limitsByApp(db, apps.map((a) => a.name));
  return apps.map((a) => {
    const assignment = assignmentOf(a);
    const found = limits.get(a.name);
    return found ? { ...assignment, projectLimits: found } : assignment;
  });
}

/** Re-logs the assignment of every application of a project, so agents get its new rules (in the caller's transaction). */
export async function reassignProject(db: Queryable, project: string): Promise<number> {
  const apps = await listApplications(db, { projects: [project] });
  for (const app of apps) await recordAssignment(db, app.clusterId, app.name, assignmentOf(app));
  return apps.length;
}

/**
 * Bumps a cluster's revision and logs the app's new assignment (null: it left the cluster). An
 * application whose destination is the hub (clusterId null, app of apps) has no agent: nothing is logged.
 */
export async function recordAssignment(db: Queryable, clusterId: number | null, app: string, assignment: Assignment | null): Promise<number> {
  if (clusterId === null) return 0;
  // Every logged assignment carries its project's rules, whoever built it (routes, repo service, controllers).
  if (assignment && !assignment.projectLimits) {
    const limits = (await limitsByApp(db, [app])).get(app);
    if (limits) assignment = { ...assignment, projectLimits: limits };
  }
  const bumped = await db.query<{ revision: string }>('UPDATE clusters SET revision = revision + 1 WHERE id = $1 RETURNING revision', [clusterId]);
  const revision = Number(bumped.rows[0]?.revision);
  if (!revision) throw new Error(`cluster ${clusterId} does not exist`);
  await db.query('INSERT INTO assignment_log (cluster_id, revision, app_name, assignment) VALUES ($1, $2, $3, $4)', [clusterId, revision, app, assignment]);
  if (revision % 100 === 0) {
    await db.query('DELETE FROM assignment_log WHERE cluster_id = $1 AND revision <= $2', [clusterId, revision - RETAINED_REVISIONS]);
  }
  await db.query('SELECT pg_notify($1, $2)', [CLUSTER_CHANNEL, JSON.stringify({ cluster: clusterId, kind: 'revision' })]);
  return revision;
}

/** Tells every replica that a cluster's sessions must close. */
export async function notifyRevoked(db: Queryable, clusterId: number): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [CLUSTER_CHANNEL, JSON.stringify({ cluster: clusterId, kind: 'revoked' })]);
}

/** A cluster's current revision. */
export async function currentRevision(db: Queryable, clusterId: number): Promise<number> {
  const row = (await db.query<{ revision: string }>('SELECT revision FROM clusters WHERE id = $1', [clusterId])).rows[0];
  return row ? Number(row.revision) : 0;
}

/** The changes after `from`, or undefined when they are no longer all retained (send a snapshot). */
export async function changesSince(db: Queryable, clusterId: number, from: number): Promise<{ revision: number; changes: { revision: number; app: string; assignment: Assignment | null }[] } | undefined> {
  const revision = await currentRevision(db, clusterId);
  if (from > revision) return undefined; // the agent knows a future: the hub's store was reset
  const rows = (await db.query<{ revision: string; app_name: string; assignment: Assignment | null }>(
    'SELECT revision, app_name, assignment FROM assignment_log WHERE cluster_id = $1 AND revision > $2 AND revision <= $3 ORDER BY revision',
    [clusterId, from, revision],
  )).rows;
  if (rows.length !== revision - from) return undefined; // a gap: trimmed history
  return { revision, changes: rows.map((r) => ({ revision: Number(r.revision), app: r.app_name, assignment: r.assignment })) };
}

/**
 * An agent that says hello without NON_CASCADE_HOOKS_FEATURE (an older one, say after a downgrade)
 * would read a non-cascade deletion as a cascade one and delete the resources: such deletions of its
 * cluster's applications end here, before it is sent anything (the row goes, as a non-cascade
 * delete without hooks does). Answers the applications let go.
 */
export async function letGoNonCascadeDeletions(db: Queryable, clusterId: number, features: readonly string[]): Promise<string[]> {
  if (features.includes(NON_CASCADE_HOOKS_FEATURE)) return [];
  const names = (await db.query<{ name: string }>(
    "DELETE FROM applications WHERE cluster_id = $1 AND deletion IS NOT NULL AND (deletion->>'cascade')::boolean = false RETURNING name", [clusterId],
  )).rows.map((r) => r.name);
  for (const name of names) await recordAssignment(db, clusterId, name, null);
  return names;
}
