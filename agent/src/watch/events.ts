// Kubernetes events about an application's objects, forwarded to the hub: one watch of the
// cluster's events, kept without a cache (a tail: only events from now on), started when the first
// application has objects; an event is forwarded when its involved object (by uid) belongs to an
// application, and only if it happened after the forwarder started watching.
import type { Logger } from 'pino';
import type { EventMessage } from '@flotilla/shared';
import type { Kube, KubeObject } from '../engine/kube.ts';
import type { Informer } from './informer.ts';

interface KubeEvent {
  metadata: { uid?: string; namespace?: string };
  involvedObject?: { uid?: string; kind?: string; name?: string; namespace?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
}

/** Forwards events of owned objects. */
export class EventForwarder {
  private tail: Promise<Informer> | undefined;
  private readonly owners = new Map<string, string>();
  private readonly owned = new Map<string, Set<string>>();
  private readonly seen = new Map<string, number>();
  private readonly since = Date.now();
  private readonly kube: Kube;
  private readonly log: Logger;
  private readonly send: (event: EventMessage['event'], app: string) => void;

  constructor(kube: Kube, log: Logger, send: (event: EventMessage['event'], app: string) => void) {
    this.kube = kube;
    this.log = log.child({ component: 'events' });
    this.send = send;
  }

  /** Records the object uids an application owns now (its objects and their children; none once it is deleted), and starts watching. */
  own(app: string, uids: string[]): void {
    const now = new Set(uids);
    for (const uid of this.owned.get(app) ?? []) if (!now.has(uid) && this.owners.get(uid) === app) this.owners.delete(uid);
    for (const uid of now) this.owners.set(uid, app);
    if (now.size) this.owned.set(app, now);
    else this.owned.delete(app);
    if (now.size) this.watch();
  }

  /** Watches the cluster's events (once; again after a failed start). */
  private watch(): void {
    if (this.tail) return;
    const started = (async () => {
      const informer = await this.kube.informer('v1', 'Event', { tail: true });
      const forward = (obj: KubeObject) => this.forward(obj as unknown as KubeEvent);
      informer.on('add', forward);
      informer.on('update', forward);
      informer.on('error', (error: unknown) => this.log.debug({ err: (error as Error)?.message }, 'event watch broke; resuming'));
      await informer.start();
      return informer;
    })();
    started.catch((error: unknown) => {
      this.log.warn({ err: (error as Error).message }, 'cannot watch events');
      this.tail = undefined;
    });
    this.tail = started;
  }

  private forward(event: KubeEvent): void {
    const app = event.involvedObject?.uid ? this.owners.get(event.involvedObject.uid) : undefined;
    if (!app) return;
    const at = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? new Date().toISOString();
    if (Date.parse(at) < this.since - 1000) return; // history from before we watched
    const key = event.metadata.uid ?? `${event.involvedObject?.uid}/${event.reason}`;
    const count = event.count ?? 1;
    if ((this.seen.get(key) ?? 0) >= count) return;
    this.seen.set(key, count);
    if (this.seen.size > 10_000) this.seen.delete(this.seen.keys().next().value!);
    const o = event.involvedObject!;
    this.send({
      reason: (event.reason ?? 'Unknown').slice(0, 256),
      message: (event.message ?? '').slice(0, 4096),
      ...(event.type ? { eventType: event.type } : {}),
      object: `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`,
      at,
    }, app);
  }

  /** Stops watching. */
  async stop(): Promise<void> {
    const informer = await this.tail?.catch(() => undefined);
    await informer?.stop();
  }
}
