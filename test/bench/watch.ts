// A watch on one collection of the Kubernetes API that remembers the newest version of each object
// and the moment it arrived, so a benchmark can ask "when did the cluster first show this?" without
// polling (polling would add its own interval to every figure).
import { performance } from 'node:perf_hooks';
import * as k8s from '@kubernetes/client-node';

interface Waiter {
  test: (objects: Map<string, any>) => boolean;
  resolve: (at: number) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** A running watch: objects by name, and waits on predicates over them. */
export class LiveWatch {
  readonly objects = new Map<string, any>();
  private readonly waiters = new Set<Waiter>();
  private abort: AbortController | undefined;
  private stopped = false;
  private readonly config: k8s.KubeConfig;
  private readonly path: string;
  private readonly query: Record<string, string>;

  private constructor(config: k8s.KubeConfig, path: string, query: Record<string, string>) {
    this.config = config;
    this.path = path;
    this.query = query;
  }

  /** Starts watching `path` (e.g. /api/v1/namespaces/x/configmaps) and resolves once the watch is open. */
  static async start(config: k8s.KubeConfig, path: string, query: Record<string, string> = {}): Promise<LiveWatch> {
    const w = new LiveWatch(config, path, query);
    await w.open();
    return w;
  }

  private async open(): Promise<void> {
    // No resourceVersion: the server first sends every existing object as ADDED, then changes.
    this.abort = await new k8s.Watch(this.config).watch(this.path, this.query, (type: string, obj: any) => {
      const at = performance.now();
      const name = obj?.metadata?.name as string | undefined;
      if (!name) return;
      if (type === 'DELETED') this.objects.delete(name);
      else if (type === 'ADDED' || type === 'MODIFIED') this.objects.set(name, obj);
      else return;
      this.check(at);
    }, () => {
      // The server closed the watch (timeout) or it failed: reopen unless stopped.
      if (!this.stopped) setTimeout(() => void this.open().catch(() => {}), 100);
    });
  }

  private check(at: number): void {
    for (const w of this.waiters) {
      if (w.test(this.objects)) {
        clearTimeout(w.timer);
        this.waiters.delete(w);
        w.resolve(at);
      }
    }
  }

  /** When `test` first held on the watched objects (performance.now() of the event), from now on; now if it holds already. */
  until(what: string, test: (objects: Map<string, any>) => boolean, timeoutMs: number): Promise<number> {
    if (test(this.objects)) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        test, resolve, reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error('watch stopped'));
    }
    this.waiters.clear();
  }
}
