// A work queue of application names: each name is reconciled by one worker at a time, a name
// queued again while it runs is run once more afterwards (never twice at once), and at most
// `concurrency` applications reconcile in parallel.
/** Runs `work(name)` for queued names. */
export class AppQueue {
  private readonly queued = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private idleWaiters: (() => void)[] = [];
  private stopped = false;
  private readonly work: (name: string) => Promise<void>;
  private readonly concurrency: number;

  constructor(work: (name: string) => Promise<void>, concurrency = 4) {
    this.work = work;
    this.concurrency = concurrency;
  }

  /** Queues names (a name already queued is queued once). */
  add(...names: string[]): void {
    if (this.stopped) return;
    for (const name of names) {
      if (this.running.has(name)) this.again.add(name);
      else this.queued.add(name);
    }
    this.pump();
  }

  private pump(): void {
    for (const name of this.queued) {
      if (this.running.size >= this.concurrency) return;
      this.queued.delete(name);
      this.running.add(name);
      void this.work(name).finally(() => {
        this.running.delete(name);
        if (this.again.delete(name)) this.queued.add(name);
        this.pump();
        if (!this.running.size && !this.queued.size) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (!this.running.size && !this.queued.size) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking work; resolves when running work is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queued.clear();
    await this.idle();
  }
}
