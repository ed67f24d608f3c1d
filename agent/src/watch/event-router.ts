// Which application a Kubernetes event belongs to, without I/O: an event is routed when its
// involved object (by uid) belongs to an application, once per (event, count), and only if it
// happened after the router was made (no history). An event about an object not known yet waits
// a little (30 s, at most 500 such events): objects a sync just created have events (scheduling,
// scaling) before the reconciler reports their uids.
import type { EventMessage } from '@flotilla/shared';

/** The fields of a core/v1 Event the router reads. */
export interface KubeEvent {
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

/** An event for the hub, and the application it belongs to. */
export interface Routed {
  app: string;
  event: EventMessage['event'];
}

export const UNCLAIMED_MS = 30_000;
export const MAX_UNCLAIMED = 500;
const MAX_SEEN = 10_000;

/** Routes events to the applications owning their objects. */
export class EventRouter {
  private readonly owners = new Map<string, string>();
  private readonly owned = new Map<string, Set<string>>();
  private readonly seen = new Map<string, number>();
  private unclaimed: { event: KubeEvent; until: number }[] = [];
  private readonly since: number;
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
    this.since = now();
  }

  /** Records the object uids an application owns now (none once it is deleted); returns the waiting events that are now its. */
  own(app: string, uids: string[]): Routed[] {
    const current = new Set(uids);
    for (const uid of this.owned.get(app) ?? []) if (!current.has(uid) && this.owners.get(uid) === app) this.owners.delete(uid);
    for (const uid of current) this.owners.set(uid, app);
    if (current.size) this.owned.set(app, current);
    else this.owned.delete(app);
    const waiting = this.unclaimed;
    this.unclaimed = [];
    const routed: Routed[] = [];
    for (const { event, until } of waiting) {
      if (until <= this.now()) continue;
      const r = this.route(event, until);
      if (r) routed.push(r);
    }
    return routed;
  }

  /** The application an event is for, or undefined (not ours, seen already, from before, or waiting for its object). */
  route(event: KubeEvent, until = this.now() + UNCLAIMED_MS): Routed | undefined {
    const o = event.involvedObject;
    if (!o?.uid) return undefined;
    const at = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? new Date(this.now()).toISOString();
    if (Date.parse(at) < this.since - 1000) return undefined; // history from before we watched
    const app = this.owners.get(o.uid);
    if (!app) {
      this.unclaimed.push({ event, until });
      if (this.unclaimed.length > MAX_UNCLAIMED) this.unclaimed.shift();
      return undefined;
    }
    const key = event.metadata.uid ?? `${o.uid}/${event.reason}`;
    const count = event.count ?? 1;
    if ((this.seen.get(key) ?? 0) >= count) return undefined;
    this.seen.set(key, count);
    if (this.seen.size > MAX_SEEN) this.seen.delete(this.seen.keys().next().value!);
    return {
      app,
      event: {
        reason: (event.reason ?? 'Unknown').slice(0, 256),
        message: (event.message ?? '').slice(0, 4096),
        ...(event.type ? { eventType: event.type } : {}),
        object: `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`,
        at,
      },
    };
  }
}
