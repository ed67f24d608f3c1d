// Orphaned resources monitoring, the I/O half (orphans.ts decides). Loaded on the first assignment
// whose project sets `orphanedResources`, so an agent without one pays nothing. Each destination
// namespace such an application asked about is scanned when first asked and then every
// SCAN_INTERVAL_MS: one metadata-only list (PartialObjectMetadataList) per namespaced kind worth
// scanning, a few at a time; a kind the agent may not list is left out. A reconcile reads the last
// scan and never waits for a new one; a scan that finds a different set of objects requeues the
// applications monitoring that namespace. A namespace nobody asked about for IDLE_MS is dropped.
import type { Logger } from 'pino';
import type { Assignment, ResourceStatus } from '@flotilla/shared';
import { groupKindRefusal } from '@flotilla/shared';
import type { Kube } from './kube.ts';
import type { Clock, DesiredSource, EngineState } from './ports.ts';
import { parseTrackingId, refKey, refOf, TRACKING_ANNOTATION, TRACKING_LABEL, trackingLabelValue, type KubeObject } from './objects.ts';
import { findOrphans, scanKinds, type ScanKind, type ScannedObject } from './orphans.ts';

const SCAN_INTERVAL_MS = 30_000;
const IDLE_MS = 10 * 60_000;
/** Kinds are discovered again after this long (CRDs come and go). */
const KINDS_TTL_MS = 5 * 60_000;
const CONCURRENCY = 4;
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
  signature?: string;
}

/** Scans destination namespaces and answers each application's orphaned resources. */
export class OrphanWatch {
  private readonly scans = new Map<string, Scan>();
  private kinds?: { at: number; list: ScanKind[] };
  private readonly deps: OrphanWatchDeps;
  private readonly timer: NodeJS.Timeout;

  constructor(deps: OrphanWatchDeps) {
    this.deps = deps;
    this.timer = setInterval(() => this.tick(), SCAN_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * The application's orphaned resources from the last scan of its namespace (undefined before
   * the first scan ends); `desired`: the application's own desired objects, which are never orphans.
   */
  orphansOf(a: Assignment, desired: readonly KubeObject[]): ResourceStatus[] | undefined {
    const settings = a.projectLimits?.orphanedResources;
    if (!settings) return undefined;
    const objects = this.objects(a.namespace);
    if (!objects) return undefined;
    const apps = this.deps.desired.apps();
    const managed = new Set<string>(desired.map((o) => refKey(refOf(o))));
    for (const app of apps) for (const ref of this.deps.state.inventory(app)) if (ref.namespace === a.namespace) managed.add(refKey(ref));
    const limits = a.projectLimits!;
    return findOrphans({
      namespace: a.namespace,
      objects,
      managed,
      apps: new Set(apps),
      appLabels: new Set(apps.map(trackingLabelValue)),
      ignore: settings.ignore ?? [],
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

  private tick(): void {
    const now = this.deps.clock.now();
    for (const [namespace, scan] of this.scans) {
      if (now - scan.askedAt >= IDLE_MS) this.scans.delete(namespace);
      else if (!scan.running) void this.scan(namespace, scan);
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
      const signature = found.map((o) => `${o.uid}:${o.owners.join(',')}:${o.trackedBy ?? ''}:${o.trackingLabel ?? ''}`).sort().join('|');
      const changed = signature !== scan.signature;
      scan.objects = found;
      scan.signature = signature;
      if (changed) this.requeueNamespace(namespace);
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
    const base = kind.apiVersion.includes('/') ? `/apis/${kind.apiVersion}` : `/api/${kind.apiVersion}`;
    try {
      const list = await this.deps.kube.listAll(`${base}/namespaces/${encodeURIComponent(namespace)}/${kind.resource}`, '', `list ${kind.kind} for orphaned resources`, METADATA_ONLY);
      return list.items.map((item) => {
        const meta = item.metadata as KubeObject['metadata'] & { uid?: string; ownerReferences?: { uid: string }[] };
        const tracked = meta.annotations?.[TRACKING_ANNOTATION];
        const label = meta.labels?.[TRACKING_LABEL];
        const trackedBy = tracked ? parseTrackingId(tracked)?.app : undefined;
        return {
          apiVersion: kind.apiVersion, kind: kind.kind, name: meta.name, uid: meta.uid ?? `${kind.kind}/${meta.name}`,
          owners: (meta.ownerReferences ?? []).map((o) => o.uid),
          ...(trackedBy ? { trackedBy } : {}),
          ...(label ? { trackingLabel: label } : {}),
        };
      });
    } catch (error) {
      // Forbidden, gone or not listable after all: that kind is left out of this scan.
      this.deps.log.debug({ namespace, kind: kind.kind, err: error }, 'orphaned resources: kind not listed');
      return [];
    }
  }

  private requeueNamespace(namespace: string): void {
    for (const app of this.deps.desired.apps()) {
      const a = this.deps.desired.assignment(app);
      if (a?.namespace === namespace && a.projectLimits?.orphanedResources) this.deps.requeue(app, 0);
    }
  }
}
