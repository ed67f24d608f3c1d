// Kubernetes events about an application's objects, forwarded to the hub: one informer per
// namespace the applications deploy to; an event is forwarded when its involved object (by uid)
// belongs to an application, and only if it happened after the forwarder started watching.
import type { Logger } from 'pino';
import type { EventMessage } from '@flotilla/shared';
import type { Kube, KubeObject } from '../engine/kube.ts';

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
  private readonly informers = new Map<string, Promise<unknown>>();
  private readonly owners = new Map<string, string>();
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

  /** Records which application owns these object uids (the app's objects and their children). */
  own(app: string, uids: string[]): void {
    for (const uid of uids) this.owners.set(uid, app);
  }

  /** Watches events in a namespace (once). */
  watch(namespace: string): void {
    if (this.informers.has(namespace)) return;
    const started = (async () => {
      const informer = await this.kube.informer('v1', 'Event', undefined, namespace);
      const forward = (obj: KubeObject) => this.forward(obj as unknown as KubeEvent);
      informer.on('add', forward);
      informer.on('update', forward);
      await informer.start();
      return informer;
    })();
    started.catch((error: unknown) => {
      this.log.warn({ namespace, err: (error as Error).message }, 'cannot watch events');
      this.informers.delete(namespace);
    });
    this.informers.set(namespace, started);
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

  /** Stops every informer. */
  async stop(): Promise<void> {
    for (const pending of this.informers.values()) {
      const informer = (await pending.catch(() => undefined)) as { stop(): Promise<void> } | undefined;
      await informer?.stop();
    }
  }
}
