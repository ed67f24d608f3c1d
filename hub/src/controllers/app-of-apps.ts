// App of apps, the I/O side: an application whose destination is the hub (no cluster, no agent)
// owns the Application and AppProject objects it renders. After each successful render the repo
// service calls reconcileChildren: it gathers the facts (the rendered manifests, the stored
// children, who uses which project), plans (app-of-apps-plan.ts), checks each child exactly as the
// API checks one (toWrite in api/application-write.ts: the project exists, the destination cluster is registered, no password
// in repoURL), and, when the parent syncs automatically, applies the plan in one transaction:
// projects first, then applications (each new or changed one gets its cluster's assignment),
// then prunes (applications before the projects they name). Every write is audited with the actor
// `application/<parent>`; problems become conditions on the parent, never a crash. A parent
// without automated sync is only compared (it shows OutOfSync) until POST .../sync applies it on
// the hub, recorded as an operation that Succeeded or Failed. Children with sync waves are applied
// wave by wave (app-of-apps-waves.ts): a pass stops at a wave whose children are not Synced and
// Healthy yet, and the next pass (a child's status report, a timer, a render) carries on; a sync
// operation stays Running meanwhile, and fails when a child it waits for is Degraded.
// Lock order: the parent's row (FOR UPDATE), then the children's rows.
import type pg from 'pg';
import { FlotillaError } from '@flotilla/shared';
import { withTransaction, type Queryable } from '../store/db.ts';
import {
  deleteApplicationRow, getApplication, insertApplication, isHubApplication, listApplications, setConditions, setDeletion,
  type AppCondition, type ApplicationRecord,
} from '../store/applications.ts';
import { assignmentOf, recordAssignment } from '../store/assignments.ts';
import { deleteProject, insertProject, listProjects, projectUsers, updateProject } from '../store/projects.ts';
import { recordAudit } from '../store/audit.ts';
import { bundleByKey } from '../store/bundles.ts';
import { historyEntryOf } from '../store/history-entry.ts';
import { recordHistory } from '../store/sync-history.ts';
import type { SecretBox } from '../store/secrets.ts';
import { toWrite, updateApplication } from '../api/application-write.ts';
import { planChildren, prunedApplication, type ChildPlan, type DesiredChild, type ExistingChild, type PlanError, type PrunedChild } from './app-of-apps-plan.ts';
import { childConditions, hubApplicationStatus, type HealthStatus, type HubStatus } from './app-of-apps-status.ts';
import { describeWait, gateWaves, type ChildReadiness, type WaveWait } from './app-of-apps-waves.ts';
import { clusterDeletion, needsHookFacts } from './cluster-deletion.ts';
import { deletionFacts } from './deletion-facts.ts';

/** What the controller reads and writes with. */
export interface AppOfAppsDeps {
  pool: pg.Pool;
  /** Opens the sealed bundles (the parent's rendered manifests). */
  secrets: SecretBox;
}

/** How a reconcile runs: at a render (the parent's sync policy decides) or for a sync operation. */
export interface ReconcileMode {
  /** A sync operation: apply even without automated sync; prune when `prune` (or automated.prune). */
  sync?: { prune?: boolean; dryRun?: boolean };
  /** Only carry on what applies (an automated parent, or a sync operation waiting for a wave); else do nothing. */
  onlyIfApplying?: boolean;
  now?: Date;
}

/** What a reconcile did. */
export interface ReconcileResult {
  /** Whether the plan was applied (automated sync, or a sync operation that was not a dry run). */
  applied: boolean;
  plan: ChildPlan;
  /** Every problem found (also set as conditions on the parent). */
  errors: PlanError[];
  /** Applications created or changed: render them now (the caller refreshes them). */
  refresh: string[];
  /** A later sync wave waits for an earlier one: reconcile again once its children are ready. */
  waiting?: WaveWait;
  /** The sync operation this pass carried on and what became of it (Running while a wave waits). */
  operation?: { id: string; phase: 'Running' | 'Succeeded' | 'Failed'; message: string };
}

/**
 * Reconciles a hub-destination application's children with its current bundle. Call it after a
 * render of such an application succeeded; answers undefined for any other application.
 */
export async function reconcileChildren(deps: AppOfAppsDeps, parent: string, mode: ReconcileMode = {}): Promise<ReconcileResult | undefined> {
  return withTransaction(deps.pool, (db) => reconcileIn(db, deps.secrets, parent, mode));
}

/**
 * What the repo service calls after it recorded a successful render of `name` (outside its
 * transaction): for an application whose destination is the hub, reconciles its children and
 * answers the children to render now (created or changed); for any other application, nothing.
 */
export async function reconcileAfterRender(deps: AppOfAppsDeps, name: string): Promise<ApplicationRecord[]> {
  const app = await getApplication(deps.pool, name);
  if (!app || !isHubApplication(app)) return [];
  const result = await reconcileChildren(deps, name);
  if (!result?.refresh.length) return [];
  return (await listApplications(deps.pool, { names: result.refresh })).filter((a) => !a.deletion);
}

/** reconcileChildren inside the caller's transaction. */
export async function reconcileIn(db: Queryable, secrets: SecretBox, parentName: string, mode: ReconcileMode): Promise<ReconcileResult | undefined> {
  const parent = await getApplication(db, parentName, { forUpdate: true });
  if (!parent || !isHubApplication(parent) || parent.deletion || !parent.bundleKey) return undefined;
  // A sync operation waiting for a wave is carried on by any later pass, as the sync it was.
  const running = mode.sync ? undefined : await runningSync(db, parent.name);
  const sync = mode.sync ?? running?.spec;
  const automated = automatedOf(parent);
  if (mode.onlyIfApplying && !sync && !automated) return undefined;
  const apply = (sync ? !sync.dryRun : automated !== undefined);
  const prune = sync ? sync.prune === true || automated?.prune === true : automated?.prune === true;
  const facts = await gatherFacts(db, secrets, parent);
  let plan = planChildren({ parent: parent.name, rendered: facts.rendered, existing: facts.existing, projectUsers: facts.projectUsers, prune: apply && prune });
  const errors = [...plan.errors];
  const refresh: string[] = [];
  let waiting: WaveWait | undefined;
  if (apply) {
    const gate = gateWaves(plan, await readinessOf(db, secrets, facts.children));
    errors.push(...gate.errors);
    waiting = gate.waiting;
    const now = new Set(gate.apply);
    plan = { ...plan, create: plan.create.filter((c) => now.has(c)), update: plan.update.filter((c) => now.has(c)), prune: gate.prune ? plan.prune : [] };
    await applyPlan(db, parent.name, plan, errors, refresh, secrets);
  } else {
    errors.push(...(await checkChildren(db, [...plan.create, ...plan.update])));
  }
  const now = mode.now ?? new Date();
  await setConditions(db, parent.name, childConditions(parent.conditions, errors, now) as AppCondition[]);
  const result: ReconcileResult = { applied: apply, plan, errors, refresh, ...(waiting ? { waiting } : {}) };
  if (running) result.operation = await settleSync(db, parent, running.id, running.spec, result);
  return result;
}

/** Each owned child Application's readiness for the next wave: Synced and Healthy at the bundle it has now. */
async function readinessOf(db: Queryable, secrets: SecretBox, children: ApplicationRecord[]): Promise<Record<string, ChildReadiness>> {
  const readiness: Record<string, ChildReadiness> = {};
  for (const child of children) {
    let sync: string;
    let health: string;
    if (isHubApplication(child)) {
      const status = await hubStatusOf(db, secrets, child, 1);
      [sync, health] = [status.sync.status, status.health.status];
    } else {
      const reported = child.status?.status as { sync?: { status?: string; bundle?: string }; health?: { status?: string } } | undefined;
      // A report about an earlier bundle says nothing of the one just assigned.
      const current = child.bundleKey !== null && reported?.sync?.bundle === child.bundleKey;
      sync = current ? reported.sync?.status ?? 'Unknown' : child.bundleKey === null ? 'not rendered yet' : 'not reported at its bundle yet';
      health = current ? reported.health?.status ?? 'Unknown' : 'Unknown';
    }
    readiness[child.name] = { ready: sync === 'Synced' && health === 'Healthy', degraded: health === 'Degraded', state: `${sync}, ${health}` };
  }
  return readiness;
}

/** The parent's sync operation still Running (waiting for a wave), if any. */
async function runningSync(db: Queryable, parent: string): Promise<{ id: string; spec: HubSyncOperation } | undefined> {
  const row = (await db.query<{ id: string; spec: HubSyncOperation }>(
    "SELECT id, spec FROM operations WHERE app_name = $1 AND kind = 'sync' AND phase = 'Running' ORDER BY created_at DESC LIMIT 1", [parent],
  )).rows[0];
  return row ? { id: row.id, spec: row.spec } : undefined;
}

/** Records where a pass left a sync operation: Running while a wave waits (Failed when a child it waits for is Degraded), else Succeeded or Failed, with history. */
async function settleSync(db: Queryable, parent: ApplicationRecord, id: string, operation: HubSyncOperation, result: ReconcileResult): Promise<NonNullable<ReconcileResult['operation']>> {
  const degraded = result.waiting?.children.filter((c) => c.degraded) ?? [];
  let phase: 'Running' | 'Succeeded' | 'Failed';
  let message: string;
  if (result.errors.length) [phase, message] = ['Failed', result.errors.map((e) => e.message).join('; ')];
  else if (degraded.length) [phase, message] = ['Failed', `wave ${result.waiting!.wave} did not become healthy: ${degraded.map((c) => `"${c.name}" is ${c.state}`).join(', ')}; wave ${result.waiting!.next} was not applied`];
  else if (result.waiting) [phase, message] = ['Running', describeWait(result.waiting)];
  else [phase, message] = ['Succeeded', syncSummary(result, operation.dryRun === true)];
  await db.query(`UPDATE operations SET phase = $2, message = $3, finished_at = CASE WHEN $2 = 'Running' THEN NULL ELSE now() END WHERE id = $1`, [id, phase, message]);
  if (phase === 'Succeeded' && !operation.dryRun) await recordHistory(db, historyEntryOf(parent, {}, operation));
  // The outcome, once, as the agent-reported operations are (gateway/operation-audit.ts).
  if (phase !== 'Running') await recordAudit(db, { actor: operation.initiatedBy, action: 'operation', resource: 'applications', object: parent.name, result: phase === 'Succeeded' ? 'success' : 'failure', detail: { operation: id, phase, kind: 'sync', message: message.slice(0, 500) } });
  return { id, phase, message };
}

/** A parent's status: its children as resources, with their sync and health, rolled up (see app-of-apps-status.ts). */
export async function hubStatusOf(db: Queryable, secrets: SecretBox, app: ApplicationRecord, depth = 0): Promise<HubStatus & { operationState?: OperationState }> {
  const operationState = await lastOperation(db, app.name);
  const withOperation = (status: HubStatus) => (operationState ? { ...status, operationState } : status);
  if (!app.bundleKey) return withOperation({ sync: { status: 'OutOfSync' }, health: { status: 'Unknown', message: 'not rendered yet' }, resources: [] });
  const facts = await gatherFacts(db, secrets, app);
  const plan = planChildren({ parent: app.name, rendered: facts.rendered, existing: facts.existing, projectUsers: facts.projectUsers, prune: false });
  const childHealth: Record<string, { status: HealthStatus; message?: string }> = {};
  for (const child of facts.children) childHealth[child.name] = await healthOf(db, secrets, child, depth);
  return withOperation(hubApplicationStatus({ plan, childHealth, revision: app.revision ?? undefined, bundle: app.bundleKey }));
}

/**
 * Deletes an application as the API's delete does, for any destination. On a cluster
 * (cluster-deletion.ts decides): with cascade its agent deletes its resources, then runs the
 * PostDelete hooks ('deleting'); without it, when the bundle holds PostDelete hooks and the agent
 * runs them without cascade, the agent runs them and leaves the resources ('deleting'), else the row
 * goes at once (`secrets` opens the bundle: without it, at once). A hub application's resources are
 * its children: with cascade each is pruned as its finalizer says (and its unused projects
 * deleted), without cascade they stay, unowned.
 */
export async function deleteApplication(db: Queryable, app: ApplicationRecord, how: { cascade: boolean; propagationPolicy?: string; confirmed?: boolean; secrets?: SecretBox }): Promise<'deleted' | 'deleting'> {
  if (isHubApplication(app)) {
    if (how.cascade) await pruneAllChildren(db, app.name, how.secrets);
    await deleteApplicationRow(db, app.name);
    return 'deleted';
  }
  const facts = needsHookFacts(app.deletion, how.cascade) ? await deletionFacts(db, how.secrets, app) : { hasHooks: false, agentRunsHooks: false };
  const outcome = clusterDeletion({ current: app.deletion, cascade: how.cascade, propagationPolicy: how.propagationPolicy, confirmed: how.confirmed, ...facts });
  if ('drop' in outcome) {
    await deleteApplicationRow(db, app.name);
    await recordAssignment(db, app.clusterId, app.name, null);
    return 'deleted';
  }
  await setDeletion(db, app.name, outcome.deletion);
  await recordAssignment(db, app.clusterId, app.name, assignmentOf((await getApplication(db, app.name))!));
  return 'deleting';
}

/** A sync operation of a hub application, run on the hub at once. */
export interface HubSyncOperation {
  id: string;
  initiatedBy: string;
  prune?: boolean;
  dryRun?: boolean;
}

/**
 * Runs a sync of a hub application: applies its plan now (its first sync wave, when it has several),
 * records the operation (Running while a later wave waits, else Succeeded or Failed) and, on
 * success, a history entry. A sync still Running from before is superseded (Failed, naming this one).
 */
export async function syncHubApplication(deps: AppOfAppsDeps, name: string, operation: HubSyncOperation): Promise<ReconcileResult & { phase: 'Running' | 'Succeeded' | 'Failed'; message: string }> {
  return withTransaction(deps.pool, async (db) => {
    const current = await getApplication(db, name, { forUpdate: true });
    if (!current || !isHubApplication(current)) throw new FlotillaError('FLT_ERR_NOT_FOUND', `application "${name}" not found`);
    if (current.deletion) throw new FlotillaError('FLT_ERR_CONFLICT', `application "${name}" is being deleted`);
    if (!current.bundleKey) throw new FlotillaError('FLT_ERR_CONFLICT', `application "${name}" has not been rendered yet: nothing to sync (see its conditions)`);
    await db.query(`UPDATE operations SET phase = 'Failed', message = $2, finished_at = now() WHERE app_name = $1 AND kind = 'sync' AND phase = 'Running'`, [name, `superseded by sync ${operation.id}`]);
    await db.query(`INSERT INTO operations (id, app_name, kind, spec, initiated_by, phase, started_at) VALUES ($1, $2, 'sync', $3, $4, 'Running', now())`, [operation.id, name, operation, operation.initiatedBy]);
    const result = (await reconcileIn(db, deps.secrets, name, { sync: { prune: operation.prune, dryRun: operation.dryRun } }))!;
    const settled = await settleSync(db, current, operation.id, operation, result);
    return { ...result, operation: settled, phase: settled.phase, message: settled.message };
  });
}

/** The actor audit entries name for what a parent does. */
export function actorOf(parent: string): string {
  return `application/${parent}`;
}

interface Facts {
  rendered: Record<string, unknown>[];
  existing: ExistingChild[];
  /** The stored child Applications the parent owns. */
  children: ApplicationRecord[];
  projectUsers: Record<string, string[]>;
}

/** Reads what the plan needs: the rendered manifests, the stored children and same-named objects, and project users. */
async function gatherFacts(db: Queryable, secrets: SecretBox, parent: ApplicationRecord): Promise<Facts> {
  const bundle = parent.bundleKey ? await bundleByKey(db, secrets, parent.bundleKey) : undefined;
  const rendered = (bundle?.manifests ?? []) as Record<string, unknown>[];
  const namesOf = (kind: string) => rendered.filter((m) => m.kind === kind).map((m) => (m.metadata as { name?: unknown } | undefined)?.name).filter((n): n is string => typeof n === 'string');
  const apps = new Map<string, ApplicationRecord>();
  for (const a of [...await listApplications(db, { owner: parent.name }), ...await listApplications(db, { names: namesOf('Application') })]) apps.set(a.name, a);
  const projects = new Map((await listProjects(db, { owner: parent.name })).map((p) => [p.name, p]));
  for (const p of await listProjects(db, { names: namesOf('AppProject') })) projects.set(p.name, p);
  const existing: ExistingChild[] = [
    ...[...apps.values()].map((a): ExistingChild => ({ kind: 'Application', name: a.name, owner: a.owner, metadata: a.metadata, spec: a.spec, deleting: a.deletion !== null })),
    ...[...projects.values()].map((p): ExistingChild => ({ kind: 'AppProject', name: p.name, owner: p.owner, metadata: p.metadata, spec: p.spec })),
  ];
  const owned = [...projects.values()].filter((p) => p.owner === parent.name).map((p) => p.name);
  return { rendered, existing, children: [...apps.values()].filter((a) => a.owner === parent.name), projectUsers: owned.length ? await projectUsers(db, owned) : {} };
}

/** Applies a plan: projects, then applications, then prunes; what the store refuses joins `errors`. */
async function applyPlan(db: Queryable, parent: string, plan: ChildPlan, errors: PlanError[], refresh: string[], secrets: SecretBox): Promise<void> {
  const actor = actorOf(parent);
  for (const child of [...plan.create, ...plan.update].filter((c) => c.kind === 'AppProject')) {
    const created = plan.create.includes(child);
    if (created && !(await insertProject(db, { name: child.name, metadata: child.metadata, spec: child.spec, owner: parent }))) {
      errors.push({ type: 'SharedResourceWarning', kind: 'AppProject', name: child.name, message: `AppProject "${child.name}" was created meanwhile by someone else; "${parent}" does not take it over` });
      continue;
    }
    if (!created) await updateProject(db, { name: child.name, metadata: child.metadata, spec: child.spec });
    await recordAudit(db, { actor, action: created ? 'create' : 'update', resource: 'projects', object: child.name, detail: { owner: parent } });
  }
  for (const child of [...plan.create, ...plan.update].filter((c) => c.kind === 'Application')) {
    const write = await checkedWrite(db, child, errors);
    if (!write) continue;
    const created = plan.create.includes(child);
    if (created) {
      if (!(await insertApplication(db, { ...write, owner: parent }))) {
        errors.push({ type: 'SharedResourceWarning', kind: 'Application', name: child.name, message: `Application "${child.name}" was created meanwhile by someone else; "${parent}" does not take it over` });
        continue;
      }
      await recordAssignment(db, write.clusterId, write.name, assignmentOf((await getApplication(db, write.name))!));
    } else {
      await updateApplication(db, write);
    }
    await recordAudit(db, { actor, action: created ? 'create' : 'update', resource: 'applications', object: child.name, detail: { owner: parent, cluster: write.clusterId } });
    refresh.push(child.name);
  }
  for (const pruned of plan.prune) await pruneChild(db, parent, pruned, secrets);
}

/** The API's own checks of each child that would be written; their problems, without writing. */
async function checkChildren(db: Queryable, children: DesiredChild[]): Promise<PlanError[]> {
  const errors: PlanError[] = [];
  for (const child of children) if (child.kind === 'Application') await checkedWrite(db, child, errors);
  return errors;
}

/** A child Application checked exactly as the API checks one; undefined (and an error) when refused. */
async function checkedWrite(db: Queryable, child: DesiredChild, errors: PlanError[]) {
  try {
    return await toWrite(db, child.object);
  } catch (error) {
    if (!(error instanceof FlotillaError)) throw error;
    errors.push({ type: 'SyncError', kind: 'Application', name: child.name, message: `Application "${child.name}" cannot be applied: ${error.message}` });
    return undefined;
  }
}

/** Deletes one child as the plan says (an Application with or without cascade, or an unused AppProject). */
async function pruneChild(db: Queryable, parent: string, pruned: PrunedChild, secrets?: SecretBox): Promise<void> {
  if (pruned.kind === 'AppProject') {
    await deleteProject(db, pruned.name);
  } else {
    const child = await getApplication(db, pruned.name, { forUpdate: true });
    if (!child || child.owner !== parent) return;
    await deleteApplication(db, child, { cascade: pruned.cascade, propagationPolicy: pruned.propagationPolicy, secrets });
  }
  await recordAudit(db, { actor: actorOf(parent), action: 'delete', resource: pruned.kind === 'AppProject' ? 'projects' : 'applications', object: pruned.name, detail: { owner: parent, pruned: true, cascade: pruned.cascade } });
}

/** A hub application's cascade deletion: every child Application pruned by its finalizer, then its unused projects. */
async function pruneAllChildren(db: Queryable, parent: string, secrets: SecretBox | undefined): Promise<void> {
  for (const child of await listApplications(db, { owner: parent })) {
    if (!child.deletion) await pruneChild(db, parent, prunedApplication(child), secrets);
  }
  const projects = await listProjects(db, { owner: parent });
  const users = await projectUsers(db, projects.map((p) => p.name));
  // A project still named by an application (one still deleting its resources, or someone else's) stays, unowned.
  for (const project of projects) if (!users[project.name]?.length) await pruneChild(db, parent, { kind: 'AppProject', name: project.name, cascade: false });
}

/** A child's health: what its agent reported, or for a hub child its own roll-up (a few levels deep). */
async function healthOf(db: Queryable, secrets: SecretBox, child: ApplicationRecord, depth: number): Promise<{ status: HealthStatus; message?: string }> {
  if (isHubApplication(child)) {
    return depth < 4 ? (await hubStatusOf(db, secrets, child, depth + 1)).health : { status: 'Unknown', message: 'applications nested too deep to roll up' };
  }
  const reported = (child.status?.status as { health?: { status: HealthStatus; message?: string } } | undefined)?.health;
  return reported ?? { status: 'Unknown', message: 'no status from the agent yet' };
}

/** The latest operation of an application, as an operationState. */
interface OperationState {
  id: string;
  phase: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

async function lastOperation(db: Queryable, app: string): Promise<OperationState | undefined> {
  const row = (await db.query<{ id: string; phase: string; message: string | null; started_at: Date | null; finished_at: Date | null }>(
    'SELECT id, phase, message, started_at, finished_at FROM operations WHERE app_name = $1 ORDER BY created_at DESC LIMIT 1', [app],
  )).rows[0];
  if (!row) return undefined;
  return { id: row.id, phase: row.phase, ...(row.message ? { message: row.message } : {}), ...(row.started_at ? { startedAt: row.started_at.toISOString() } : {}), ...(row.finished_at ? { finishedAt: row.finished_at.toISOString() } : {}) };
}

function automatedOf(app: ApplicationRecord): { prune?: boolean } | undefined {
  const automated = app.spec.syncPolicy?.automated as { prune?: boolean; enabled?: boolean } | undefined | null;
  if (!automated || automated.enabled === false) return undefined;
  return automated;
}

function syncSummary(result: ReconcileResult, dryRun: boolean): string {
  const { plan } = result;
  const counts = `${plan.create.length} created, ${plan.update.length} updated, ${plan.prune.length} pruned, ${plan.unchanged.length} unchanged`;
  const left = plan.requiresPruning.length ? `; ${plan.requiresPruning.length} left that require pruning (sync with prune)` : '';
  return `${dryRun ? 'dry run: would have ' : ''}${counts}${left}`;
}
