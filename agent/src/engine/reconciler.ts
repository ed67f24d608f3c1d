// Reconciling one application: the loop the agent runs on every assignment change, watch event and
// resync. In prose:
//   1. Take the stored assignment (the hub may be away) and its bundle (cache, else hub; verified).
//      No bundle, a failed fetch or bad manifests: report the condition and stop — never prune.
//   2. Prepare the desired objects (namespace, tracking label and annotation), discover their kinds,
//      make sure an informer watches each kind, and read live state from the informer caches.
//   3. Compare each object: a server-side dry-run apply of the desired object against live, cached
//      by (desired content, live resourceVersion) so unchanged objects cost nothing.
//   4. Decide: a pending operation runs once; automated sync runs for a new target, or for any
//      drift with selfHeal; without selfHeal drift is only reported OutOfSync.
//   5. Execute the plan wave by wave (apply what differs, then prune what left Git), record the
//      inventory durably, and report status and events to the hub.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { contentKey, type AppStatus, type Assignment } from '@flotilla/shared';
import type { StateStore } from '../link/state.ts';
import type { BundleCache } from '../link/bundles.ts';
import type { HubLink } from '../link/hub-link.ts';
import type { Watcher } from '../watch/watcher.ts';
import type { Kube } from './kube.ts';
import { prepareDesired, refKey, refOf, type KubeObject, type ObjectRef } from './objects.ts';
import { diffResource, ignoresExtraneous, type IgnoreRule } from './diff.ts';
import { planSync } from './plan.ts';
import { mergeSurvivors, toInventory } from './inventory.ts';
import { parseSyncOptions } from './sync-options.ts';
import { executePlan } from './executor.ts';
import { deleteApplicationResources } from './deletion.ts';
import { buildStatus, type Compared } from './status.ts';
import { childrenOf, type ChildNode } from './tree.ts';
import { maskSecretValues } from './mask-secrets.ts';

/** What a reconcile needs. */
export interface ReconcilerDeps {
  kube: Kube;
  watcher: Watcher;
  bundles: BundleCache;
  store: StateStore;
  link: Pick<HubLink, 'reportStatus' | 'reportEvent'>;
  log: Logger;
  /** Told which object uids belong to an app, for its events. */
  events?: { own(app: string, uids: string[]): void };
  /** Ask for another reconcile of an app later (deletion in progress, retry after an error). */
  requeue(app: string, afterMs: number): void;
}

interface CompareCacheEntry {
  desired: string;
  liveVersion: string | undefined;
  status: 'Synced' | 'OutOfSync';
  message?: string;
}

const COMPARE_CONCURRENCY = 16;
const CHILDREN_TTL_MS = 3000;

/** Content hashes of prepared objects (they are immutable once prepared). */
const hashes = new WeakMap<KubeObject, string>();
function hashOf(obj: KubeObject): string {
  let h = hashes.get(obj);
  if (!h) hashes.set(obj, (h = contentKey(obj)));
  return h;
}

/** Prepared desired objects of one bundle for one destination namespace. */
interface PreparedBundle {
  bundle: string;
  namespace: string;
  objects: KubeObject[];
  errors: { ref?: string; message: string }[];
}

/** Reconciles applications one call at a time (the queue guarantees one call per app at once). */
export class Reconciler {
  private readonly compareCache = new Map<string, Map<string, CompareCacheEntry>>();
  private readonly lastSynced = new Map<string, string>();
  private readonly lastReported = new Map<string, string>();
  private readonly prepared = new Map<string, PreparedBundle>();
  private readonly children = new Map<string, { at: number; uids: string; nodes: ChildNode[] }>();
  private readonly deps: ReconcilerDeps;
  private readonly log: Logger;

  constructor(deps: ReconcilerDeps) {
    this.deps = deps;
    this.log = deps.log.child({ component: 'engine' });
  }

  /** One pass over one application. */
  async reconcile(app: string): Promise<void> {
    const assignment = this.deps.store.current.assignments[app];
    if (!assignment) return this.forget(app);
    try {
      if (assignment.deletion) return await this.delete(assignment);
      await this.sync(assignment);
    } catch (error) {
      this.log.error({ app, err: error }, 'reconcile failed; retrying');
      await this.report(app, assignment, { compared: [], conditions: [{ type: 'ComparisonError', message: (error as Error).message }] });
      this.deps.requeue(app, 5000);
    }
  }

  private async forget(app: string): Promise<void> {
    // The hub no longer assigns it (deleted without cascade, or moved): leave its resources as they are.
    if (this.deps.store.current.inventories[app]) await this.deps.store.update((s) => delete s.inventories[app]);
    this.compareCache.delete(app);
    this.prepared.delete(app);
    this.children.delete(app);
    this.lastSynced.delete(app);
    this.lastReported.delete(app);
  }

  private async sync(a: Assignment): Promise<void> {
    const state = this.deps.store.current;
    const finished = state.finishedOperations.find((o) => o.id === a.operation?.id);
    if (!a.bundle) {
      await this.report(a.app, a, { compared: [], conditions: [{ type: 'ComparisonError', message: 'waiting for the hub to render the source' }] }, finished);
      return;
    }
    let manifests: object[];
    try {
      manifests = (await this.deps.bundles.get(a.bundle)).manifests;
    } catch (error) {
      await this.report(a.app, a, { compared: [], conditions: [{ type: 'ComparisonError', message: `cannot load the desired state: ${(error as Error).message}` }] }, finished);
      this.deps.requeue(a.app, 5000);
      return;
    }

    // 2. Prepare (once per bundle and namespace: bundles are immutable), discover, read live.
    const prepared = await this.prepare(a.app, a.bundle, a.namespace, manifests);
    if (prepared.errors.length) {
      await this.report(a.app, a, { compared: [], conditions: prepared.errors.map((e) => ({ type: 'ComparisonError', message: `${e.ref ? `${e.ref}: ` : ''}${e.message}` })) }, finished);
      return;
    }
    const desired = prepared.objects;
    const stored = (state.inventories[a.app] ?? []) as ObjectRef[];
    const live = await this.readLive(desired, stored);
    // Objects of the inventory that are gone (deleted by someone, or their kind no longer served) leave it.
    const inventory = stored.filter((r) => !(live.has(refKey(r)) && live.get(refKey(r)) === undefined));

    // 3. Compare.
    const ignore = (a.ignoreDifferences ?? []) as IgnoreRule[];
    const compared = await this.compare(a.app, desired, live, ignore);

    // 4. Decide.
    const syncOptions = parseSyncOptions((a.syncPolicy as { syncOptions?: string[] } | undefined)?.syncOptions).options;
    const automated = automation(a);
    const operation = a.operation && !finished ? a.operation : undefined;
    const prune = operation ? (operation.prune ?? false) || (automated?.prune ?? false) : (automated?.prune ?? false);
    const preview = planSync({ desired, live, inventory, prune: false, app: a.app });
    // Extraneous objects count as drift unless they opt out (compare-options: IgnoreExtraneous).
    const extraneous = preview.requiresPruning.filter((r) => {
      const l = live.get(refKey(r));
      return !(l && ignoresExtraneous(l));
    });
    const drifted = compared.some((c) => c.status === 'OutOfSync') || extraneous.length > 0;
    const newTarget = this.lastSynced.get(a.app) !== a.bundle;
    const shouldSync = operation !== undefined || (automated !== undefined && drifted && (newTarget || automated.selfHeal));

    this.log.debug({ app: a.app, drifted, newTarget, operation: operation?.id, automated, finished: finished?.id }, 'compared');
    if (!shouldSync) {
      if (!drifted) this.lastSynced.set(a.app, a.bundle);
      await this.report(a.app, a, { compared, requiresPruning: extraneous, conditions: [] }, finished);
      return;
    }

    // 5. Execute.
    this.log.info({ app: a.app, revision: a.revision, operation: operation?.id, reason: operation ? 'operation' : newTarget ? 'new target' : 'self-heal' }, 'syncing');
    const opId = operation?.id ?? `auto-${Date.now()}`;
    const startedAt = new Date().toISOString();
    if (operation) await this.deps.store.update((s) => (s.startedOperations[operation.id] = { app: a.app, startedAt }));
    const plan = planSync({ desired, live, inventory, prune, app: a.app, createNamespace: syncOptions.createNamespace ? a.namespace : undefined });
    if (operation?.dryRun) {
      await this.finishOperation(a, { id: opId, phase: 'Succeeded', message: `dry run: ${plan.tasks.length} task(s) planned`, startedAt });
      await this.report(a.app, a, { compared, requiresPruning: extraneous, conditions: [] });
      return;
    }
    // Record what we are about to create before creating it: an agent killed mid-sync still knows,
    // after a restart, every object it may have made (so nothing it made can be orphaned).
    await this.deps.store.update((s) => (s.inventories[a.app] = mergeSurvivors(toInventory(desired), inventory)));
    const synced = new Set(compared.filter((c) => c.status === 'Synced').map((c) => refKey(refOf(c.target))));
    const result = await executePlan(this.deps.kube, plan, { skip: synced, inventory, log: this.log });
    const cache = this.cacheOf(a.app);
    const byKey = new Map(desired.map((d) => [refKey(refOf(d)), d]));
    for (const applied of result.applied) {
      const target = byKey.get(refKey(refOf(applied)));
      if (target) cache.set(refKey(refOf(applied)), { desired: hashOf(target), liveVersion: applied.metadata.resourceVersion as string | undefined, status: 'Synced' });
    }
    await this.deps.store.update((s) => (s.inventories[a.app] = result.inventory));
    const failed = result.failures.length > 0 || plan.errors.length > 0;
    const message = failed
      ? [...plan.errors.map((e) => `${e.ref}: ${e.message}`), ...result.failures.map((f) => f.message)].slice(0, 5).join('; ')
      : `successfully synced (${result.applied.length} applied, ${result.pruned.length} pruned, ${result.unchanged} unchanged)`;
    if (!failed) this.lastSynced.set(a.app, a.bundle);
    this.log.info({ app: a.app, failed, message }, 'sync finished');
    this.deps.link.reportEvent({ reason: failed ? 'SyncFailed' : newTarget ? 'SyncSucceeded' : 'DriftReverted', message, eventType: failed ? 'Warning' : 'Normal', at: new Date().toISOString() }, a.app);
    for (const ref of result.pruned) this.deps.link.reportEvent({ reason: 'ResourcePruned', message: `pruned ${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`, object: refKey(ref), at: new Date().toISOString() }, a.app);
    const opState = operation ? await this.finishOperation(a, { id: opId, phase: failed ? 'Failed' : 'Succeeded', message, startedAt }) : undefined;
    const after = await this.readLive(desired, result.inventory);
    // The informers may not have seen our writes yet: what the API answered to the apply is current.
    for (const applied of result.applied) {
      const key = refKey(refOf(applied));
      if (after.get(key)?.metadata.resourceVersion !== applied.metadata.resourceVersion) after.set(key, applied);
    }
    const recompared = await this.compare(a.app, desired, after, ignore);
    const remaining = planSync({ desired, live: after, inventory: result.inventory, prune: false, app: a.app });
    await this.report(a.app, a, { compared: recompared, requiresPruning: remaining.requiresPruning, conditions: failed ? [{ type: 'SyncError', message }] : [], operationState: opState });
    if (failed) this.deps.requeue(a.app, 5000);
  }

  /** The resource tree below the app's workloads, listed at most every few seconds per app. */
  private async childrenCached(app: string, lives: KubeObject[]): Promise<ChildNode[]> {
    const uids = lives.map((l) => `${l.metadata['uid']}@${l.metadata.resourceVersion}`).join(',');
    const memo = this.children.get(app);
    if (memo && memo.uids === uids && Date.now() - memo.at < CHILDREN_TTL_MS) return memo.nodes;
    const nodes = await childrenOf(this.deps.kube, lives).catch(() => memo?.nodes ?? []);
    this.children.set(app, { at: Date.now(), uids, nodes });
    return nodes;
  }

  private async prepare(app: string, bundle: string, namespace: string, manifests: object[]): Promise<PreparedBundle> {
    const memo = this.prepared.get(app);
    if (memo && memo.bundle === bundle && memo.namespace === namespace) return memo;
    const scopes = new Map<string, boolean>();
    let complete = true;
    for (const m of manifests as KubeObject[]) {
      const group = m.apiVersion?.includes('/') ? m.apiVersion.split('/')[0]! : '';
      if (scopes.has(`${group}/${m.kind}`)) continue;
      const info = await this.deps.kube.resource(m.apiVersion, m.kind).catch(() => undefined);
      if (info) scopes.set(`${group}/${m.kind}`, info.namespaced);
      else complete = false; // e.g. a CRD of the same bundle not installed yet: prepare again next time
    }
    const result = prepareDesired(manifests, app, namespace, (group, kind) => scopes.get(`${group}/${kind}`));
    const prepared: PreparedBundle = { bundle, namespace, objects: result.objects, errors: result.errors };
    if (complete) this.prepared.set(app, prepared);
    return prepared;
  }

  private async finishOperation(a: Assignment, op: { id: string; phase: 'Succeeded' | 'Failed'; message: string; startedAt: string }): Promise<AppStatus['operationState']> {
    const finishedAt = new Date().toISOString();
    if (a.operation?.id === op.id) {
      // Recorded durably before the hub hears of it: a replayed operation is answered, not rerun.
      await this.deps.store.update((s) => {
        delete s.startedOperations[op.id];
        s.finishedOperations.push({ id: op.id, app: a.app, phase: op.phase, message: op.message, startedAt: op.startedAt, finishedAt });
      });
    }
    return { id: op.id, phase: op.phase, message: op.message, startedAt: op.startedAt, finishedAt };
  }

  private async readLive(desired: KubeObject[], inventory: ObjectRef[]): Promise<Map<string, KubeObject | undefined>> {
    const live = new Map<string, KubeObject | undefined>();
    const refs: { apiVersion: string; kind: string; name: string; namespace?: string; key: string }[] = [
      ...desired.map((d) => ({ apiVersion: d.apiVersion, kind: d.kind, name: d.metadata.name, namespace: d.metadata.namespace, key: refKey(refOf(d)) })),
      ...inventory.map((r) => ({ apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind, name: r.name, namespace: r.namespace, key: refKey(r) })),
    ];
    for (const ref of refs) {
      if (live.has(ref.key)) continue;
      const served = await this.deps.kube.resource(ref.apiVersion, ref.kind).catch(() => undefined);
      if (!served) {
        live.set(ref.key, undefined);
        continue;
      }
      live.set(ref.key, await this.deps.watcher.live(ref.apiVersion, ref.kind, ref.name, served.namespaced ? ref.namespace : undefined));
    }
    return live;
  }

  private cacheOf(app: string): Map<string, CompareCacheEntry> {
    let cache = this.compareCache.get(app);
    if (!cache) this.compareCache.set(app, (cache = new Map()));
    return cache;
  }

  private async compare(app: string, desired: KubeObject[], live: Map<string, KubeObject | undefined>, ignore: IgnoreRule[]): Promise<Compared[]> {
    const cache = this.cacheOf(app);
    const results: Compared[] = new Array(desired.length);
    let next = 0;
    const worker = async () => {
      while (next < desired.length) {
        const i = next++;
        const target = desired[i]!;
        const key = refKey(refOf(target));
        const current = live.get(key);
        const desiredHash = hashOf(target);
        const liveVersion = current?.metadata.resourceVersion as string | undefined;
        const cached = cache.get(key);
        if (cached && cached.desired === desiredHash && cached.liveVersion === liveVersion && current) {
          results[i] = { target, live: current, status: cached.status, message: cached.message };
          continue;
        }
        if (!current) {
          results[i] = { target, live: undefined, status: 'OutOfSync', message: `${target.kind}/${target.metadata.name} does not exist: it will be created` };
          continue;
        }
        try {
          const dryRun = await this.deps.kube.apply(target, { dryRun: true });
          const diff = diffResource(dryRun as KubeObject, current, ignore);
          results[i] = { target, live: current, status: diff.status, message: diff.status === 'OutOfSync' ? diff.diff : undefined };
        } catch (error) {
          // A dry-run error may quote the object (issue 13): mask the Secret's values before it is reported.
          results[i] = { target, live: current, status: 'OutOfSync', message: maskSecretValues((error as Error).message, [target, current]) };
        }
        cache.set(key, { desired: desiredHash, liveVersion, status: results[i]!.status, message: results[i]!.message });
      }
    };
    await Promise.all(Array.from({ length: Math.min(COMPARE_CONCURRENCY, desired.length) }, worker));
    return results;
  }

  private async delete(a: Assignment): Promise<void> {
    const inventory = (this.deps.store.current.inventories[a.app] ?? []) as ObjectRef[];
    const remaining = await deleteApplicationResources(this.deps.kube, a.app, inventory, a.deletion?.propagationPolicy === 'background' ? 'Background' : 'Foreground');
    if (remaining.length) {
      await this.report(a.app, a, { compared: [], conditions: [{ type: 'DeletionInProgress', message: `waiting for ${remaining.length} resource(s) to be deleted` }] });
      this.deps.requeue(a.app, 1000);
      return;
    }
    await this.deps.store.update((s) => delete s.inventories[a.app]);
    this.deps.link.reportEvent({ reason: 'ResourcesDeleted', message: `deleted ${inventory.length} resource(s) of ${a.app}`, at: new Date().toISOString() }, a.app);
    this.deps.events?.own(a.app, []);
    this.deps.link.reportStatus(a.app, { sync: { status: 'Unknown' }, health: { status: 'Missing' }, resources: [], reconciledAt: new Date().toISOString(), deleted: true });
  }

  private async report(app: string, a: Assignment, parts: { compared: Compared[]; requiresPruning?: ObjectRef[]; conditions: { type: string; message: string }[]; operationState?: AppStatus['operationState'] }, finished?: { id: string; phase: 'Succeeded' | 'Failed' | 'Error'; message: string; startedAt: string; finishedAt: string }): Promise<void> {
    await (async () => {
      const lives = parts.compared.map((c) => c.live).filter((l): l is KubeObject => l !== undefined);
      const children = await this.childrenCached(app, lives);
      this.deps.events?.own(app, [...lives.map((o) => o.metadata['uid'] as string | undefined), ...children.map((c) => c.uid)].filter((uid): uid is string => !!uid));
      // The last operation's outcome stays in the status (as in Argo CD) after the hub has settled it.
      const last = finished ?? this.deps.store.current.finishedOperations.findLast((o) => o.app === app);
      const operationState = parts.operationState ?? (last ? { id: last.id, phase: last.phase, message: last.message, startedAt: last.startedAt, finishedAt: last.finishedAt } : undefined);
      const status = buildStatus({ compared: parts.compared, requiresPruning: parts.requiresPruning ?? [], children, revision: a.revision, ...(a.revisions ? { revisions: a.revisions } : {}), bundle: a.bundle, conditions: parts.conditions, operationState, now: new Date().toISOString() });
      const { reconciledAt: _at, ...comparable } = status;
      // A digest, not the JSON: one status per app is kept, and its resources list can be long.
      const fingerprint = createHash('sha256').update(JSON.stringify(comparable)).digest('base64');
      if (this.lastReported.get(app) === fingerprint) return;
      this.lastReported.set(app, fingerprint);
      this.deps.link.reportStatus(app, status);
    })().catch((error: unknown) => this.log.warn({ app, err: error }, 'building the status failed'));
  }
}

/** The automated sync policy, if enabled (Argo CD: `automated: {}` enables; `enabled: false` disables). */
export function automation(a: Assignment): { prune: boolean; selfHeal: boolean } | undefined {
  const automated = (a.syncPolicy as { automated?: { prune?: boolean; selfHeal?: boolean; enabled?: boolean } | null } | undefined)?.automated;
  if (!automated || automated.enabled === false) return undefined;
  return { prune: automated.prune ?? false, selfHeal: automated.selfHeal ?? false };
}

