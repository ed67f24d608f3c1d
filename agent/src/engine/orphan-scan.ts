// Orphaned resources monitoring, the I/O half (orphans.ts decides). Loaded on the first assignment
// whose project sets `orphanedResources`, so an agent without one pays nothing. Each destination
// namespace such an application asked about is scanned when first asked and then every
// SCAN_INTERVAL_MS, one namespace at a time: one metadata-only list (PartialObjectMetadataList) per
// namespaced kind worth scanning, a few at once. A kind the agent may not list (403, 404, 405) is
// left out; any other failure fails the scan, and the last good one stands (a flaky API server
// never makes orphans vanish and come back). A reconcile reads the last scan and never waits for a
// new one; after a scan, only the applications whose orphans changed are requeued. A namespace
// nobody asked about for IDLE_MS is dropped. Applications without a namespace have no orphans.
import type { Logger } from 'pino';
import type { Assignment, ResourceStatus } from '@flotilla/shared';
import { groupKindRefusal } from '@flotilla/shared';
import { apiPath, type Kube } from './kube.ts';
import type { Clock, DesiredSource, EngineState } from './ports.ts';
import { KubeError } from './kube-errors.ts';
import { parseApiVersion, parseTrackingId, refKey, refOf, TRACKING_ANNOTATION, TRACKING_LABEL, trackingLabelValue, type KubeObject } from './objects.ts';
import { findOrphans, orphanCondition, scanKinds, type ScanKind, type ScannedObject } from './orphans.ts';

const SCAN_INTERVAL_MS = 30_000;
const IDLE_MS = 10 * 60_000;
/** Kinds are discovered again after this long (CRDs come and go). */
const KINDS_TTL_MS = 5 * 60_000;
const CONCURRENCY = 4;
/** Orphaned resources reported per application at most (the condition counts them all). */
const MAX_ORPHANS = 500;
const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/** What the watch needs from the agent. */
export interface OrphanWatchDeps {
  kube: Kube;
  clock: Clock;
  log: Logger;
  desired: DesiredSource;
  state: EngineState;
  requeue(app: string, afterMs: number): void;
}

interface Scan {
  at: number;
  askedAt: number;
  running: boolean;
  objects?: ScannedObject[];
}

/** What an application was last answered: its own desired objects (never orphans) and its orphans' signature. */
interface Answered {
  desired: ReadonlySet<string>;
  signature: string;
}

/** Scans destination namespaces and answers each application's orphaned resources. */
export class OrphanWatch {
  private readonly scans = new Map<string, Scan>();
  private readonly answered = new Map<string, Answered>();
  private kinds?: { at: number; list: ScanKind[] };
  private readonly deps: OrphanWatchDeps;
  private readonly timer: NodeJS.Timeout;
  private ticking = false;

  constructor(deps: OrphanWatchDeps) {
    this.deps = deps;
    this.timer = setInterval(() => void this.tick(), SCAN_INTERVAL_MS);
    this.timer.unref();
  }

  /** What the application's status carries: its orphans (at most MAX_ORPHANS) and, with `warn`, the condition counting them all. */
  report(a: Assignment, desired: readonly KubeObject[]): { nodes: ResourceStatus[]; condition?: { type: string; message: string } } | undefined {
    const found = this.orphansOf(a, desired);
    if (!found) return undefined;
    const condition = orphanCondition(found, a.projectLimits?.orphanedResources?.warn);
    return { nodes: found.slice(0, MAX_ORPHANS), ...(condition ? { condition } : {}) };
  }

  /**
   * The application's orphaned resources from the last scan of its namespace (undefined before
   * the first scan ends); `desired`: the application's own desired objects, which are never orphans.
   */
  orphansOf(a: Assignment, desired: readonly KubeObject[]): ResourceStatus[] | undefined {
    if (!a.projectLimits?.orphanedResources || a.namespace === '') return undefined;
    const objects = this.objects(a.namespace);
    if (!objects) return undefined;
    const own = new Set(desired.map((o) => refKey(refOf(o))));
    const found = this.find(a, objects, own);
    this.answered.set(a.app, { desired: own, signature: signatureOf(found) });
    return found;
  }

  private find(a: Assignment, objects: readonly ScannedObject[], own: ReadonlySet<string>): ResourceStatus[] {
    const apps = this.deps.desired.apps();
    const managed = new Set<string>(own);
    for (const app of apps) for (const ref of this.deps.state.inventory(app)) if (ref.namespace === a.namespace) managed.add(refKey(ref));
    const limits = a.projectLimits!;
    return findOrphans({
      namespace: a.namespace,
      objects,
      managed,
      apps: new Set(apps),
      appLabels: new Set(apps.map(trackingLabelValue)),
      ignore: limits.orphanedResources?.ignore ?? [],
      permitted: (group, kind, name) => groupKindRefusal(limits, group, kind, true, name) === undefined,
    });
  }

  private objects(namespace: string): readonly ScannedObject[] | undefined {
    const now = this.deps.clock.now();
    let scan = this.scans.get(namespace);
    if (!scan) {
      scan = { at: 0, askedAt: now, running: false };
      this.scans.set(namespace, scan);
    }
    scan.askedAt = now;
    if (!scan.running && now - scan.at >= SCAN_INTERVAL_MS) void this.scan(namespace, scan);
    return scan.objects;
  }

  /** Scans the namespaces due, one after another (a burst of lists never starves the syncs). */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const [namespace, scan] of [...this.scans]) {
        const now = this.deps.clock.now();
        if (now - scan.askedAt >= IDLE_MS) this.scans.delete(namespace);
        else if (!scan.running && now - scan.at >= SCAN_INTERVAL_MS - 1000) await this.scan(namespace, scan);
      }
      for (const app of this.answered.keys()) if (!this.deps.desired.assignment(app)?.projectLimits?.orphanedResources) this.answered.delete(app);
    } finally {
      this.ticking = false;
    }
  }

  private async scan(namespace: string, scan: Scan): Promise<void> {
    scan.running = true;
    try {
      const kinds = await this.scanKinds();
      const found: ScannedObject[] = [];
      let next = 0;
      const worker = async () => {
        while (next < kinds.length) found.push(...await this.list(kinds[next++]!, namespace));
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      scan.objects = found.sort((x, y) => x.uid.localeCompare(y.uid));
      this.requeueChanged(namespace, scan.objects);
    } catch (error) {
      this.deps.log.warn({ namespace, err: error }, 'orphaned resources: scan failed; trying again later');
    } finally {
      scan.running = false;
      scan.at = this.deps.clock.now();
    }
  }

  private async scanKinds(): Promise<ScanKind[]> {
    const now = this.deps.clock.now();
    if (!this.kinds || now - this.kinds.at >= KINDS_TTL_MS) this.kinds = { at: now, list: scanKinds(await this.deps.kube.servedGroupVersions()) };
    return this.kinds.list;
  }

  private async list(kind: ScanKind, namespace: string): Promise<ScannedObject[]> {
    const { group } = parseApiVersion(kind.apiVersion);
    try {
      const list = await this.deps.kube.listAll(`${apiPath(kind.apiVersion)}/namespaces/${encodeURIComponent(namespace)}/${kind.resource}`, '', `list ${kind.kind} for orphaned resources`, METADATA_ONLY);
      return list.items.map((item) => {
        const meta = item.metadata as KubeObject['metadata'] & { uid?: string; ownerReferences?: { uid: string }[] };
        const tracked = meta.annotations?.[TRACKING_ANNOTATION];
        const label = meta.labels?.[TRACKING_LABEL];
        // A tracking id counts only when it names this very object (a copied manifest carries another's; Argo CD's isTrackedBy).
        const id = tracked ? parseTrackingId(tracked) : undefined;
        const trackedBy = id && id.group === group && id.kind === kind.kind && id.namespace === namespace && id.name === meta.name ? id.app : undefined;
        return {
          apiVersion: kind.apiVersion, kind: kind.kind, name: meta.name, uid: meta.uid ?? `${kind.kind}/${meta.name}`,
          owners: (meta.ownerReferences ?? []).map((o) => o.uid),
          ...(trackedBy ? { trackedBy } : {}),
          ...(label ? { trackingLabel: label } : {}),
        };
      });
    } catch (error) {
      // Forbidden, gone or not listable after all: that kind is left out. Anything else fails the scan.
      if (!(error instanceof KubeError) || ![403, 404, 405].includes(error.status)) throw error;
      this.deps.log.debug({ namespace, kind: kind.kind, err: error }, 'orphaned resources: kind not listed');
      return [];
    }
  }

  /** Requeues the applications monitoring the namespace whose orphans the new scan changes. */
  private requeueChanged(namespace: string, objects: readonly ScannedObject[]): void {
    for (const app of this.deps.desired.apps()) {
      const a = this.deps.desired.assignment(app);
      if (a?.namespace !== namespace || !a.projectLimits?.orphanedResources) continue;
      const last = this.answered.get(app);
      if (!last || signatureOf(this.find(a, objects, last.desired)) !== last.signature) this.deps.requeue(app, 0);
    }
  }
}

function signatureOf(orphans: readonly ResourceStatus[]): string {
  return orphans.map((o) => `${o.group}/${o.kind}/${o.name}<${o.parentRefs?.[0]?.name ?? ''}`).join('|');
}
