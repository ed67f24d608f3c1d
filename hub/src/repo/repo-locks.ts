// One readers-writer lock per bare Git cache: isomorphic-git must not read a cache while a fetch
// writes packs and refs into it, nor run two fetches into one. Reads (a checkout, the files under
// a path, object ids) run side by side; a fetch runs alone. Waiters go in arrival order, so a
// fetch waiting for reads to end is not overtaken by reads that came after it.

type Waiter = { write: boolean; go: () => void };

/** Guards the repository caches, one lock per gitdir. */
export class RepoLocks {
  private readonly locks = new Map<string, { readers: number; writing: boolean; queue: Waiter[] }>();

  /** Runs fn reading the cache, beside other reads (no fetch into it meanwhile). */
  reading<T>(gitdir: string, fn: () => Promise<T>): Promise<T> {
    return this.run(gitdir, false, fn);
  }

  /** Runs fn with the cache to itself (a fetch). */
  writing<T>(gitdir: string, fn: () => Promise<T>): Promise<T> {
    return this.run(gitdir, true, fn);
  }

  /** How many caches have work running or waiting (for tests). */
  get busy(): number {
    return this.locks.size;
  }

  private async run<T>(gitdir: string, write: boolean, fn: () => Promise<T>): Promise<T> {
    let lock = this.locks.get(gitdir);
    if (!lock) this.locks.set(gitdir, (lock = { readers: 0, writing: false, queue: [] }));
    const state = lock;
    await new Promise<void>((go) => {
      state.queue.push({ write, go });
      this.drain(state);
    });
    try {
      return await fn();
    } finally {
      if (write) state.writing = false;
      else state.readers--;
      this.drain(state);
      if (!state.writing && state.readers === 0 && state.queue.length === 0 && this.locks.get(gitdir) === state) this.locks.delete(gitdir);
    }
  }

  /** Lets the waiters at the head of the queue go: one writer alone, or every reader up to the next writer. */
  private drain(state: { readers: number; writing: boolean; queue: Waiter[] }): void {
    while (state.queue.length && !state.writing) {
      const head = state.queue[0]!;
      if (head.write) {
        if (state.readers > 0) return;
        state.writing = true;
      } else {
        state.readers++;
      }
      state.queue.shift();
      head.go();
    }
  }
}
