// Kubernetes events about an application's objects, forwarded to the hub: one watch of the
// cluster's events, kept without a cache (a tail: only events from now on), started with the agent;
// `event-router.ts` decides which application each event belongs to.
import type { Logger } from 'pino';
import type { EventMessage } from '@flotilla/shared';
import type { Kube, KubeObject } from '../engine/kube.ts';
import type { Informer } from './informer.ts';
import { EventRouter, type KubeEvent, type Routed } from './event-router.ts';

/** Forwards events of owned objects. */
export class EventForwarder {
  private tail: Promise<Informer> | undefined;
  private readonly router = new EventRouter();
  private readonly kube: Kube;
  private readonly log: Logger;
  private readonly send: (event: EventMessage['event'], app: string) => void;

  constructor(kube: Kube, log: Logger, send: (event: EventMessage['event'], app: string) => void) {
    this.kube = kube;
    this.log = log.child({ component: 'events' });
    this.send = send;
  }

  /** Records the object uids an application owns now (its objects and their children; none once it is deleted). */
  own(app: string, uids: string[]): void {
    for (const r of this.router.own(app, uids)) this.deliver(r);
    if (uids.length) this.start();
  }

  /** Watches the cluster's events (once; again after a failed start). */
  start(): void {
    if (this.tail) return;
    const started = (async () => {
      const informer = await this.kube.informer('v1', 'Event', { tail: true });
      const forward = (obj: KubeObject) => this.deliver(this.router.route(obj as unknown as KubeEvent));
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

  private deliver(routed: Routed | undefined): void {
    if (routed) this.send(routed.event, routed.app);
  }

  /** Stops watching. */
  async stop(): Promise<void> {
    const informer = await this.tail?.catch(() => undefined);
    await informer?.stop();
  }
}
