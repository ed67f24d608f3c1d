// Single flight: callers asking for the same work at the same time share one run of it. A run is
// known by one or more keys (an application's sources at their commits, and its content key when
// the inputs of its last render are known), and a caller whose keys meet any running flight's
// joins that flight instead of starting its own. Keys are forgotten as soon as the run settles,
// failures included: what a run produced is its caller's to store.

/** Runs work at most once at a time per key. */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  /** Joins the flight running under any of `keys`, or starts fn under all of them; `joined` says which. */
  run(keys: readonly string[], fn: () => Promise<T>): { promise: Promise<T>; joined: boolean } {
    for (const key of keys) {
      const pending = this.running.get(key);
      if (pending) return { promise: pending, joined: true };
    }
    const promise: Promise<T> = (async () => fn())().finally(() => {
      for (const key of keys) if (this.running.get(key) === promise) this.running.delete(key);
    });
    for (const key of keys) this.running.set(key, promise);
    return { promise, joined: false };
  }

  /** How many keys have a flight running (for tests). */
  get size(): number {
    return this.running.size;
  }
}
