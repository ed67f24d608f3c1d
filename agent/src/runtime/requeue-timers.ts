// "Look at this application again in N ms", one timer per application: a request for a later time
// than the one already pending is dropped (the earlier pass asks again if it still needs to), one
// for an earlier time replaces it. Without this, every pass of a waiting run (a hook, a held sync,
// a retry) would start its own timer, and each outside trigger (a watch event, the resync) one
// more loop that never ends.

/** Pending requeues, at most one per application. */
export class RequeueTimers {
  readonly #pending = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #fire: (app: string) => void;
  readonly #now: () => number;

  constructor(fire: (app: string) => void, now: () => number = Date.now) {
    this.#fire = fire;
    this.#now = now;
  }

  /** Fires `app` after `afterMs`, unless it is already due no later than that. */
  requeue(app: string, afterMs: number): void {
    const at = this.#now() + Math.max(0, afterMs);
    const pending = this.#pending.get(app);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#pending.delete(app);
      this.#fire(app);
    }, Math.max(0, afterMs));
    this.#pending.set(app, { at, timer });
  }

  /** How many applications have a requeue pending. */
  get size(): number {
    return this.#pending.size;
  }

  /** Cancels every pending requeue. */
  clear(): void {
    for (const { timer } of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
  }
}
