// Reconciling one application: the pass the agent runs on every assignment change, watch event,
// timer and resync. Four named steps:
//   1. desiredOf: the assignment's bundle (cache, else hub; verified), prepared for this cluster
//      (namespace, tracking label and annotation) and split into resources and hooks. No bundle, a
//      failed fetch or bad manifests: report the condition and stop (never prune).
//   2. observe: live state from the watch caches, the inventory, and each resource compared.
//   3. decide (decide.ts, pure): carry on the operation run in progress, wait for its retry, end it,
//      start one (an operation from the hub, or an automated sync), or only report.
//   4. act: runs go through sync-run.ts (re-entrant: each call advances the lowest unfinished phase
//      and wave and stores the run), finished runs are recorded (inventory, operation outcome,
//      events), and the status goes to the hub.
// An application being deleted goes through app-deletion.ts instead: its resources, then its
// PostDelete hooks, then the hub is told.
import type { Logger } from 'pino';
import type { AppStatus, Assignment } from '@flotilla/shared';
import type { Kube } from './kube.ts';
import type { LiveCache } from './comparer.ts';
import { Comparer } from './comparer.ts';
import type { Clock, DesiredSource, EngineState, StatusSink } from './ports.ts';
import { prepareDesired, refKey, refOf, type KubeObject, type ObjectRef } from './objects.ts';
import { ignoresExtraneous, type IgnoreRule } from './diff.ts';
import { planSync } from './plan.ts';
import { mergeSurvivors, toInventory } from './inventory.ts';
import { parseSyncOptions, unsupportedCompareOptions } from './sync-options.ts';
import { automation, syncOptionsOf } from './sync-policy.ts';
import { splitHooks, type HookObject } from './hooks.ts';
import { decide, type Decision, type RunStart } from './decide.ts';
import { changeSetOf, terminate, type OperationRun } from './operation.ts';
import { planRun } from './run-plan.ts';
import { executeSync } from './sync-run.ts';
import { retryAfterFailure, runRetryStrategy } from './retry.ts';
import { sharedResourceWarnings } from './shared-resources.ts';
import { AppDeletion } from './app-deletion.ts';
import { applyPolicyOf, managedNamespaceMetadataOf } from './apply-options.ts';
import { dryRun, syncedKeys } from './dry-run.ts';
import { buildStatus, type Compared } from './status.ts';
import { StatusReporter } from './status-reporter.ts';
import type { ChildNode } from './tree.ts';
import { FightWatch } from './fight-watch.ts';

/** What a reconcile needs: the engine's ports and the cluster. */
export interface ReconcilerDeps {
  kube: Kube;
  watcher: LiveCache;
  desired: DesiredSource;
  state: EngineState;
  sink: StatusSink;
  clock: Clock;
  log: Logger;
  /** Told which object uids belong to an app, for its events. */
  events?: { own(app: string, uids: string[]): void };
  /** Ask for another reconcile of an app later (a wave waiting, a retry, a deletion in progress). */
  requeue(app: string, afterMs: number): void;
}

/** A bundle prepared for this cluster. */
interface Target {
  bundle: string;
  namespace: string;
  resources: KubeObject[];
  hooks: HookObject[];
}

/** What the cluster has, compared with the target. */
interface Seen {
  live: Map<string, KubeObject | undefined>;
  inventory: ObjectRef[];
  compared: Compared[];
  /** Objects left that need pruning (and do not opt out with IgnoreExtraneous). */
  extraneous: ObjectRef[];
  drifted: boolean;
}

/** How long a waiting run is left before it is looked at again, whatever the watch says. */
const WAITING_RECHECK_MS = 2000;
/** How often a run held by a sync window looks at the windows again. */
const WINDOW_RECHECK_MS = 5000;

/** Reconciles applications one call at a time (the queue guarantees one call per app at once). */
export class Reconciler {
  private readonly prepared = new Map<string, Target & { complete: boolean }>();
  private readonly lastSynced = new Map<string, string>();
  private readonly lastFailed = new Map<string, string>();
  /**
   * Each app's last finished run as `app get` shows it (automated ones too, which the state store does
   * not keep); with the per-resource results and per-wave timings only for operations from the hub, so
   * 100 automated apps hold no 100 change sets. After a restart the stored outcome stands in.
   */
  private readonly lastOutcomes = new Map<string, NonNullable<AppStatus['operationState']>>();
  private readonly comparer: Comparer;
  private readonly reporter: StatusReporter;
  private readonly fights: FightWatch;
  private readonly deletion: AppDeletion;
  private readonly deps: ReconcilerDeps;
  private readonly log: Logger;
  /** Orphaned resources monitoring, loaded for the first project that asks for it (orphan-scan.ts). */
  private orphanWatch?: Promise<import('./orphan-scan.ts').OrphanWatch>;

  constructor(deps: ReconcilerDeps) {
    this.deps = deps;
    this.log = deps.log.child({ component: 'engine' });
    this.comparer = new Comparer(deps.kube, deps.watcher);
    this.reporter = new StatusReporter(deps.kube, deps.sink, deps.events, this.log);
    this.fights = new FightWatch(deps.kube, deps.clock);
    this.deletion = new AppDeletion({
      ...deps, log: this.log,
      watch: (o) => deps.watcher.live(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace),
      report: (a, conditions) => this.report(a, undefined, conditions),
    });
  }

  /** The nodes below the application's workloads it last reported (ReplicaSets, Pods), for live reads. */
  tree(app: string): readonly ChildNode[] | undefined {
    return this.reporter.tree(app);
  }

  /** One pass over one application. */
  async reconcile(app: string): Promise<void> {
    const assignment = this.deps.desired.assignment(app);
    if (!assignment) return this.forget(app);
    try {
      if (assignment.deletion) return await this.deletion.delete(assignment);
      // An app of that name deleted before (its run kept until the hub let it go) starts afresh.
      await this.deletion.forget(app);
      await this.sync(assignment);
    } catch (error) {
      this.log.error({ app, err: error }, 'reconcile failed; retrying');
      await this.report(assignment, undefined, [{ type: 'ComparisonError', message: (error as Error).message }]);
      this.deps.requeue(app, 5000);
    }
  }

  private async sync(a: Assignment): Promise<void> {
    const target = await this.desiredOf(a, a.bundle);
    if ('problem' in target) return this.report(a, undefined, [{ type: 'ComparisonError', message: target.problem }]);
    // The project's limits travel in the assignment: checked here too (resources and hooks), loaded only when present.
    const guard = a.projectLimits ? await import('./project-guard.ts') : undefined;
    const refused = guard?.projectProblem(a, [...target.resources, ...target.hooks.map((h) => h.object)]);
    if (refused) return this.report(a, undefined, [{ type: 'ComparisonError', message: refused }]);
    const seen = await this.observe(a, target);
    const heal = this.fights.revertWindow(a.app, seen.compared);
    const automated = automation(a);
    const run = this.deps.state.run(a.app);
    const decision = decide({
      bundle: a.bundle,
      revision: a.revision,
      ...(a.operation ? { operation: a.operation } : {}),
      ...(automated ? { automated } : {}),
      ...(run ? { run } : {}),
      finished: new Set(a.operation && this.deps.state.isFinished(a.operation.id) ? [a.operation.id] : []),
      drifted: seen.drifted,
      wipesOut: target.resources.length === 0 && seen.extraneous.length > 0,
      ...(this.lastSynced.has(a.app) ? { lastSynced: this.lastSynced.get(a.app)! } : {}),
      ...(this.lastFailed.has(a.app) ? { lastFailed: this.lastFailed.get(a.app)! } : {}),
      selfHealAllowed: heal.allowed,
      ...guard?.windowsNow(a, run, new Date(this.deps.clock.now())),
      now: this.deps.clock.now(),
    });
    // A fighting field is reverted again once the tracker allows it: look again then.
    if (!heal.allowed && decision.kind === 'idle') this.deps.requeue(a.app, heal.waitMs);
    await this.act(a, target, seen, decision);
  }

  /** Step 1: a bundle prepared for this cluster, or the problem to report. */
  private async desiredOf(a: Assignment, bundle: string | null): Promise<Target | { problem: string }> {
    if (!bundle) return { problem: 'waiting for the hub to render the source' };
    const memo = this.prepared.get(a.app);
    if (memo && memo.bundle === bundle && memo.namespace === a.namespace) return memo;
    let manifests: object[];
    try {
      manifests = (await this.deps.desired.bundle(bundle)).manifests;
    } catch (error) {
      this.deps.requeue(a.app, 5000);
      return { problem: `cannot load the desired state: ${(error as Error).message}` };
    }
    const scopes = new Map<string, boolean>();
    let complete = true;
    for (const m of manifests as KubeObject[]) {
      const group = m.apiVersion?.includes('/') ? m.apiVersion.split('/')[0]! : '';
      if (scopes.has(`${group}/${m.kind}`)) continue;
      const info = await this.deps.kube.resource(m.apiVersion, m.kind).catch(() => undefined);
      if (info) scopes.set(`${group}/${m.kind}`, info.namespaced);
      else complete = false; // e.g. a CRD of the same bundle not installed yet: prepare again next time
    }
    const prepared = prepareDesired(manifests, a.app, a.namespace, (group, kind) => scopes.get(`${group}/${kind}`));
    // PostDelete hooks are not run by a sync (hook-phases.ts hookTasks): app-deletion.ts runs them.
    const split = splitHooks(prepared.objects);
    const errors = [...prepared.errors, ...split.errors, ...unsupportedCompareOptions(split.resources)];
    if (errors.length) return { problem: errors.map((e) => `${e.ref ? `${e.ref}: ` : ''}${e.message}`).join('; ') };
    const target = { bundle, namespace: a.namespace, resources: split.resources, hooks: split.hooks, complete };
    if (complete && bundle === a.bundle) this.prepared.set(a.app, target);
    return target;
  }

  /** Step 2: live state, the inventory and the comparison. */
  private async observe(a: Assignment, target: Target): Promise<Seen> {
    const stored = this.deps.state.inventory(a.app);
    const live = await this.comparer.readLive(target.resources, stored);
    // Objects of the inventory that are gone (deleted by someone, or their kind no longer served) leave it.
    const inventory = stored.filter((r) => !(live.has(refKey(r)) && live.get(refKey(r)) === undefined));
    const compared = await this.comparer.compare(a.app, target.resources, live, (a.ignoreDifferences ?? []) as IgnoreRule[], parseSyncOptions(syncOptionsOf(a)).options);
    const preview = planSync({ desired: target.resources, live, inventory, prune: false, app: a.app });
    const extraneous = preview.requiresPruning.filter((r) => {
      const l = live.get(refKey(r));
      return !(l && ignoresExtraneous(l));
    });
    return { live, inventory, compared, extraneous, drifted: compared.some((c) => c.status === 'OutOfSync') || extraneous.length > 0 };
  }

  /** Step 4: what the decision says. */
  private async act(a: Assignment, target: Target, seen: Seen, decision: Decision): Promise<void> {
    const run = this.deps.state.run(a.app);
    switch (decision.kind) {
      case 'idle':
        if (!seen.drifted) this.lastSynced.set(a.app, target.bundle);
        return this.report(a, seen, decision.condition ? [decision.condition] : []);
      case 'wait-retry':
        this.deps.requeue(a.app, Math.max(0, decision.untilMs - this.deps.clock.now()));
        return this.report(a, seen, [], run);
      case 'hold':
        // Argo CD's "Sync operation blocked by sync window": the run stays Running, its next step waits for the windows.
        this.deps.requeue(a.app, WINDOW_RECHECK_MS);
        return this.report(a, seen, [], { ...run!, message: decision.reason });
      case 'terminate':
        await this.finishRun(a, target, seen, terminate(run!, this.iso()), { retry: false });
        if (decision.then) await this.act(a, target, await this.observe(a, target), decision.then);
        return;
      case 'start':
        return this.startRun(a, target, seen, decision.start);
      case 'retry': {
        const fresh = await this.planned(a, run!, seen);
        if ('problem' in fresh) return this.finishRun(a, target, seen, { ...run!, phase: 'Failed', message: fresh.problem, finishedAt: this.iso() }, { retry: false });
        // A hook that succeeded in an earlier attempt is not run again (its instance may be deleted by now,
        // HookSucceeded); SyncFail hooks belong to the attempt that failed and run again if this one fails.
        const ran = new Map(run!.tasks.filter((t) => t.kind === 'hook' && t.phase !== 'SyncFail' && t.status === 'Succeeded').map((t) => [t.id, t]));
        const again: OperationRun = { ...run!, attempt: run!.attempt + 1, tasks: fresh.tasks.map((t) => ran.get(t.id) ?? t), failing: false, message: '' };
        delete again.retryAt;
        await this.deps.state.saveRun(a.app, again);
        return this.carryOn(a, target, seen, again, fresh);
      }
      case 'continue':
        return this.carryOn(a, target, seen, run!);
    }
  }

  /** Starts a run: plans its tasks, records the inventory it may create (before creating it), and carries it on. */
  private async startRun(a: Assignment, target: Target, seen: Seen, start: RunStart): Promise<void> {
    const now = this.iso();
    const run: OperationRun = {
      id: start.id, app: a.app, kind: start.kind, initiatedBy: start.initiatedBy, bundle: start.bundle, revision: start.revision,
      prune: start.prune, dryRun: start.dryRun, syncOptions: start.syncOptions, ...(start.resources ? { resources: start.resources } : {}),
      phase: 'Running', message: '', startedAt: now, tasks: [], failing: false, attempt: 0, reason: start.reason,
      ...(a.operation?.id === start.id && a.operation.retry ? { retry: a.operation.retry } : {}),
    };
    this.log.info({ app: a.app, operation: run.id, reason: start.reason, bundle: run.bundle }, 'syncing');
    const planned = await this.planned(a, run, seen);
    if ('problem' in planned) return this.finishRun(a, target, seen, { ...run, phase: 'Failed', message: planned.problem, finishedAt: now }, { retry: false });
    const started: OperationRun = { ...run, tasks: planned.tasks };
    if (start.dryRun) {
      // Nothing written: each task answers what the sync would do (dry-run.ts).
      const outcome = await dryRun(started, planned.objects, { kube: this.deps.kube, synced: syncedKeys(seen.compared, run.bundle === a.bundle), managedNamespaceMetadata: managedNamespaceMetadataOf(a.syncPolicy) !== undefined, now });
      return this.finishRun(a, target, seen, outcome, { retry: false });
    }
    if (start.reason === 'self-heal') await this.fights.beforeRevert(a.app, seen.compared);
    // Record what we are about to create before creating it: an agent killed mid-sync still knows,
    // after a restart, every object it may have made (so nothing it made can be orphaned).
    await this.deps.state.setInventory(a.app, mergeSurvivors(toInventory(planned.resources), seen.inventory));
    await this.deps.state.saveRun(a.app, started);
    return this.carryOn(a, target, seen, started, planned);
  }

  /** A run's tasks and objects, planned from its bundle (the target's, or a rollback's). */
  private async planned(a: Assignment, run: OperationRun, seen: Seen) {
    const source = run.bundle === a.bundle ? await this.desiredOf(a, a.bundle) : await this.desiredOf(a, run.bundle);
    if ('problem' in source) return source;
    const live = run.bundle === a.bundle ? seen.live : await this.comparer.readLive(source.resources, seen.inventory);
    const options = parseSyncOptions([...syncOptionsOf(a), ...run.syncOptions]).options;
    const plan = planRun({
      app: a.app, operationId: run.id, resources: source.resources, hooks: source.hooks, live, inventory: seen.inventory,
      prune: run.prune, pruneConfirmed: a.operation?.id === run.id && a.operation.confirm === true, pruneLast: options.pruneLast === true, ...(options.createNamespace ? { createNamespace: a.namespace } : {}),
      ...(run.resources ? { only: run.resources } : {}),
    });
    if (plan.errors.length) return { problem: plan.errors.map((e) => `${e.ref}: ${e.message}`).join('; ') };
    return { tasks: plan.tasks, objects: plan.objects, resources: source.resources };
  }

  /** Advances a run as far as it goes now (sync-run.ts); a run that ends is recorded. */
  private async carryOn(a: Assignment, target: Target, seen: Seen, run: OperationRun, plannedNow?: Awaited<ReturnType<Reconciler['planned']>>): Promise<void> {
    // A run started or retried in this pass was planned just now; one carried on is planned again from its bundle.
    const planned = plannedNow ?? await this.planned(a, run, seen);
    if ('problem' in planned) return this.finishRun(a, target, seen, { ...run, phase: 'Failed', message: planned.problem, finishedAt: this.iso() }, { retry: false });
    const options = parseSyncOptions([...syncOptionsOf(a), ...run.syncOptions]).options;
    const synced = new Set(run.bundle === a.bundle ? seen.compared.filter((c) => c.status === 'Synced').map((c) => refKey(refOf(c.target))) : []);
    const step = await executeSync(run, planned.objects, {
      kube: this.deps.kube,
      live: (obj) => this.deps.watcher.live(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace),
      save: (r) => this.deps.state.saveRun(a.app, r),
      now: () => this.iso(),
      log: this.log,
      synced,
      policy: applyPolicyOf(a.syncPolicy, a.ignoreDifferences, run.syncOptions),
      ...(options.prunePropagationPolicy ? { prunePropagation: ({ foreground: 'Foreground', background: 'Background', orphan: 'Orphan' } as const)[options.prunePropagationPolicy] } : {}),
    });
    if (step.run.phase === 'Running') {
      // A hook's progress is read by a GET; watching its kind (one informer per kind, started once) brings
      // the next pass as soon as the hook changes, instead of the recheck timer (about 1 s sooner per hook).
      await Promise.all(step.run.tasks.filter((t) => t.kind === 'hook' && t.status === 'Running').map((t) => planned.objects.get(t.id)?.target).map((o) =>
        o ? this.deps.watcher.live(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace).catch(() => undefined) : undefined));
      this.deps.requeue(a.app, WAITING_RECHECK_MS);
      return this.report(a, await this.observe(a, target), [], { ...step.run, message: step.waiting ?? step.run.message });
    }
    return this.finishRun(a, target, seen, step.run, { retry: true, resources: planned.resources });
  }

  /** Records a run that ended: a retry if the policy allows, else the inventory, the outcome, events and status. */
  private async finishRun(a: Assignment, target: Target, seen: Seen, run: OperationRun, how: { retry: boolean; resources?: KubeObject[] }): Promise<void> {
    if (how.retry && run.phase === 'Failed') {
      const retry = retryAfterFailure(runRetryStrategy(run, a.syncPolicy), run.attempt, run.message);
      if (retry.retry) {
        const waiting: OperationRun = { ...run, phase: 'Running', message: retry.message, retryAt: new Date(this.deps.clock.now() + retry.afterMs).toISOString() };
        delete waiting.finishedAt;
        await this.deps.state.saveRun(a.app, waiting);
        this.deps.requeue(a.app, retry.afterMs);
        return this.report(a, seen, [], waiting);
      }
      run = { ...run, message: retry.message };
    }
    if (how.resources && !run.dryRun) {
      const desiredKeys = new Set(how.resources.map((r) => refKey(refOf(r))));
      const pruned = new Set(run.tasks.filter((t) => t.kind === 'prune' && t.result === 'pruned').map((t) => t.key));
      const leftovers = seen.inventory.filter((r) => !desiredKeys.has(refKey(r)) && !pruned.has(refKey(r)));
      await this.deps.state.setInventory(a.app, mergeSurvivors(toInventory(how.resources), leftovers));
    }
    const finishedAt = run.finishedAt ?? this.iso();
    const fromHub = run.initiatedBy !== 'automated';
    await this.deps.state.finish(a.app, fromHub ? { id: run.id, app: a.app, phase: run.phase === 'Succeeded' ? 'Succeeded' : 'Failed', message: run.message, startedAt: run.startedAt, finishedAt } : undefined);
    this.lastOutcomes.set(a.app, { id: run.id, phase: run.phase === 'Succeeded' ? 'Succeeded' : 'Failed', message: run.message, startedAt: run.startedAt, finishedAt, ...(fromHub ? { result: changeSetOf(run) } : {}) });
    const failed = run.phase !== 'Succeeded';
    if (!run.dryRun) {
      if (!failed) this.lastSynced.set(a.app, run.bundle);
      if (failed && !fromHub) this.lastFailed.set(a.app, run.bundle);
      if (!failed) this.lastFailed.delete(a.app);
    }
    this.fights.afterRun(a.app, !failed);
    this.log.info({ app: a.app, operation: run.id, phase: run.phase, message: run.message }, 'sync finished');
    const now = this.iso();
    if (!run.dryRun) {
      this.deps.sink.reportEvent({ reason: failed ? 'SyncFailed' : run.reason === 'self-heal' ? 'DriftReverted' : 'SyncSucceeded', message: run.message, eventType: failed ? 'Warning' : 'Normal', at: now }, a.app);
      for (const task of run.tasks.filter((t) => t.kind === 'prune' && t.result === 'pruned')) this.deps.sink.reportEvent({ reason: 'ResourcePruned', message: `pruned ${task.key}`, object: task.key, at: now }, a.app);
    }
    return this.report(a, await this.observe(a, target), failed ? [{ type: 'SyncError', message: run.message }] : [], { ...run, finishedAt });
  }

  /** Reports the status (deduplicated), with the run's operation state or the last finished one's. */
  private async report(a: Assignment, seen: Seen | undefined, conditions: { type: string; message: string }[], run?: OperationRun): Promise<void> {
    const last = this.deps.state.lastFinished(a.app);
    const operationState: AppStatus['operationState'] | undefined = run
      ? { id: run.id, phase: run.phase === 'Terminating' ? 'Terminating' : run.phase, message: run.message, startedAt: run.startedAt, ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}), result: changeSetOf(run) }
      : this.lastOutcomes.get(a.app) ?? (last ? { id: last.id, phase: last.phase, message: last.message, startedAt: last.startedAt, finishedAt: last.finishedAt } : undefined);
    const orphans = await this.orphansOf(a);
    await this.reporter.report(a.app, (children) => buildStatus({
      compared: seen?.compared ?? [],
      requiresPruning: seen?.extraneous ?? [],
      children,
      revision: a.revision,
      ...(a.revisions ? { revisions: a.revisions } : {}),
      bundle: a.bundle,
      conditions: [...conditions, ...sharedResourceWarnings(seen?.compared ?? [], a.app), ...this.fights.conditions(a.app), ...(orphans?.condition ? [orphans.condition] : [])],
      ...(operationState ? { operationState } : {}),
      ...(orphans ? { orphanedResources: orphans.nodes } : {}),
      now: this.iso(),
    }), seen?.compared ?? []);
  }

  /** The orphaned resources of the app's namespace and their condition, when its project monitors them (loaded then). */
  private async orphansOf(a: Assignment) {
    if (!a.projectLimits?.orphanedResources) return undefined;
    this.orphanWatch ??= import('./orphan-scan.ts').then((m) => new m.OrphanWatch({ ...this.deps, log: this.log }));
    return (await this.orphanWatch).report(a, this.prepared.get(a.app)?.resources ?? []);
  }

  private async forget(app: string): Promise<void> {
    // The hub no longer assigns it (deleted without cascade, or moved): leave its resources as they are.
    if (this.deps.state.inventory(app).length) await this.deps.state.setInventory(app, undefined);
    if (this.deps.state.run(app)) await this.deps.state.saveRun(app, undefined);
    await this.deletion.forget(app);
    this.comparer.forget(app);
    this.prepared.delete(app);
    this.reporter.forget(app);
    this.fights.forget(app);
    this.lastSynced.delete(app);
    this.lastFailed.delete(app);
    this.lastOutcomes.delete(app);
  }

  private iso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}
