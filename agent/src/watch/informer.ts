// A list-and-watch cache of one kind (in all namespaces or one, optionally by label): list (page by
// page), then watch from the list's resourceVersion, with bookmarks and a server-side timeout.
// Handlers hear add, update and delete; a relist reports what vanished meanwhile as deleted. A
// tail (`tail: true`) keeps no cache and hears only what changes from now on: its list asks for
// one item, for the resourceVersion to watch from (for streams such as Events).
//
// A watch can die without a word: a half-open connection (a NAT or load balancer forgot it) sends
// nothing and never ends, and the periodic resync reads this same cache, so drift would go unseen
// for good. So each watch has an idle limit longer than its server-side timeout: a healthy stream
// always says something within it (an event, a bookmark about once a minute, or its end at the
// timeout). When the limit passes in silence, the informer drops the connection and every idle one
// (the same path likely dropped them too) and relists. What happens after any watch ends (watch
// again, relist, wait how long) is decided by `watch-step.ts`; ERROR events are read by
// `watch-event.ts`: 410 Gone relists, any other is reported and watched again after a backoff.
// A `transform` (client-go's SetTransform) shapes each object before it is cached and passed on;
// the agent's drift watches use it to keep only what they read (`slim-object.ts`).
import type { Kube, KubeObject } from '../engine/kube.ts';
import { parseWatchEvent } from './watch-event.ts';
import { backoffDelay, nextWatchStep, type Backoff, type WatchOutcome } from './watch-step.ts';

type Handler = (obj: KubeObject) => void;

/** How an informer watches: the server-side timeout, the idle limit, and the backoff after failures. */
export interface WatchTiming {
  /** The watch request's timeoutSeconds: the server ends the stream then, and it is watched again. */
  timeoutSeconds: number;
  /** No line (event or bookmark) for this long: the connection is presumed dead and the kind relisted. */
  idleMs: number;
  backoff: Backoff;
}

/** The agent's watch timing: bookmarks come about every minute and the stream ends after 60 s, so 90 s of silence means it is dead. */
export const DEFAULT_WATCH_TIMING: WatchTiming = { timeoutSeconds: 60, idleMs: 90_000, backoff: { baseMs: 1000, maxMs: 30_000 } };

/** How to build an informer. */
export interface InformerOptions {
  labelSelector?: string;
  tail?: boolean;
  timing?: Partial<WatchTiming>;
  /** Applied to every listed or watched object before it is cached and handed to the handlers. */
  transform?: (obj: KubeObject) => KubeObject;
}

/** The cache and event source of one kind. */
export class Informer {
  private readonly cache = new Map<string, KubeObject>();
  private readonly handlers = { add: [] as Handler[], update: [] as Handler[], delete: [] as Handler[], error: [] as ((e: unknown) => void)[] };
  private resourceVersion = '';
  private stopped = false;
  private abort: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private readonly kube: Kube;
  private readonly path: string;
  private readonly query: string;
  private readonly apiVersion: string;
  private readonly kind: string;
  private readonly tail: boolean;
  private readonly timing: WatchTiming;
  private readonly transform: (obj: KubeObject) => KubeObject;

  constructor(kube: Kube, path: string, apiVersion: string, kind: string, options: InformerOptions = {}) {
    this.kube = kube;
    this.path = path;
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.query = options.labelSelector ? `labelSelector=${encodeURIComponent(options.labelSelector)}` : '';
    this.tail = options.tail ?? false;
    this.timing = { ...DEFAULT_WATCH_TIMING, ...options.timing };
    this.transform = options.transform ?? ((obj) => obj);
  }

  /** Subscribes to changes; `error` hears what went wrong with the watch (it carries on by itself). */
  on(event: 'add' | 'update' | 'delete', handler: Handler): void;
  on(event: 'error', handler: (e: unknown) => void): void;
  on(event: 'add' | 'update' | 'delete' | 'error', handler: Handler | ((e: unknown) => void)): void {
    (this.handlers[event] as unknown[]).push(handler);
  }

  /** Lists (the cache is complete when this resolves), then keeps watching until stop(). */
  async start(): Promise<void> {
    await this.relist();
    void this.watchLoop();
  }

  private key(obj: KubeObject): string {
    return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
  }

  private async relist(): Promise<void> {
    if (this.tail) {
      const query = [this.query, 'limit=1'].filter(Boolean).join('&');
      const list = await this.kube.raw<{ metadata: { resourceVersion: string } }>('GET', `${this.path}?${query}`, undefined, { what: `list ${this.kind}` });
      this.resourceVersion = list.metadata.resourceVersion;
      return;
    }
    const list = await this.kube.listAll(this.path, this.query, `list ${this.kind}`);
    this.resourceVersion = list.resourceVersion;
    const seen = new Set<string>();
    for (const item of list.items) {
      const obj = this.transform({ ...item, apiVersion: this.apiVersion, kind: this.kind });
      const key = this.key(obj);
      seen.add(key);
      const before = this.cache.get(key);
      this.cache.set(key, obj);
      if (!before) this.emit('add', obj);
      else if (before.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit('update', obj);
    }
    for (const [key, obj] of this.cache) {
      if (!seen.has(key)) {
        this.cache.delete(key);
        this.emit('delete', obj);
      }
    }
  }

  /** Watches until stop(): after each watch, the step `nextWatchStep` decides (watch again or relist, and when). */
  private async watchLoop(): Promise<void> {
    let failures = 0;
    let relist = false;
    while (!this.stopped) {
      if (relist) {
        try {
          await this.relist();
          relist = false;
        } catch (error) {
          failures++;
          this.report(error);
          await this.sleep(backoffDelay(failures, this.timing.backoff));
          continue;
        }
      }
      const outcome = await this.watchOnce();
      if (this.stopped) return;
      const step = nextWatchStep(outcome, failures, this.timing.backoff);
      if (step.report) this.report(describeOutcome(outcome, this.kind, this.timing.idleMs));
      if (outcome.kind === 'silent') this.kube.dropIdleConnections();
      failures = step.failures;
      relist = step.relist;
      await this.sleep(step.delayMs);
    }
  }

  /** One watch request, settled with how it ended (it never rejects). */
  private watchOnce(): Promise<WatchOutcome> {
    const params = `watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(this.resourceVersion)}&timeoutSeconds=${this.timing.timeoutSeconds}${this.query ? `&${this.query}` : ''}`;
    return new Promise((resolve) => {
      let ended: WatchOutcome | undefined; // set when this side ends the stream (silence, an ERROR event)
      let progressed = false;
      const stop = (outcome: WatchOutcome) => {
        ended ??= outcome;
        abort();
      };
      const idle = setTimeout(() => stop({ kind: 'silent', progressed }), this.timing.idleMs);
      const { abort, done } = this.kube.stream(`${this.path}?${params}`, (line) => {
        idle.refresh();
        if (ended) return;
        const event = parseWatchEvent(line);
        switch (event.type) {
          case 'GONE':
            return stop({ kind: 'gone', progressed });
          case 'ERROR':
            return stop({ kind: 'error', progressed, status: event.status });
          case 'MALFORMED':
            return stop({ kind: 'failed', progressed, error: new Error(`watch ${this.kind}: not a watch event: ${event.line}`) });
          case 'BOOKMARK':
            if (event.resourceVersion) this.resourceVersion = event.resourceVersion;
            return;
          default:
            progressed = true;
            this.apply(event.type, this.transform({ ...event.object, apiVersion: this.apiVersion, kind: this.kind } as KubeObject));
        }
      });
      this.abort = abort;
      const settle = (outcome: WatchOutcome) => {
        clearTimeout(idle);
        resolve(ended ?? outcome);
      };
      done.then(
        () => settle({ kind: 'ended', progressed }),
        (error: unknown) => settle((error as { status?: number }).status === 410 ? { kind: 'gone', progressed } : { kind: 'failed', progressed, error }),
      );
    });
  }

  /** Applies one change to the cache (a tail only passes it on). */
  private apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void {
    if (obj.metadata.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
    if (this.tail) {
      this.emit(type === 'DELETED' ? 'delete' : type === 'ADDED' ? 'add' : 'update', obj);
      return;
    }
    const key = this.key(obj);
    if (type === 'DELETED') {
      this.cache.delete(key);
      this.emit('delete', obj);
    } else {
      const existed = this.cache.has(key);
      this.cache.set(key, obj);
      this.emit(existed ? 'update' : 'add', obj);
    }
  }

  private report(error: unknown): void {
    for (const h of this.handlers.error) h(error);
  }

  /** Waits, unless stop() comes first. */
  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private emit(event: 'add' | 'update' | 'delete', obj: KubeObject): void {
    for (const h of this.handlers[event]) h(obj);
  }

  /** The cached object, if any. */
  get(name: string, namespace?: string): KubeObject | undefined {
    return this.cache.get(`${namespace ?? ''}/${name}`);
  }

  /** Every cached object. */
  list(): KubeObject[] {
    return [...this.cache.values()];
  }

  /** Stops watching. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.();
    this.wake?.();
  }
}

/** An operator's sentence for a watch that ended badly. */
function describeOutcome(outcome: WatchOutcome, kind: string, idleMs: number): Error {
  switch (outcome.kind) {
    case 'silent':
      return new Error(`watch ${kind}: no event or bookmark for ${Math.round(idleMs / 1000)} s; the connection is presumed dead, relisting`);
    case 'error':
      return new Error(`watch ${kind}: ERROR event ${outcome.status.code ?? ''} ${outcome.status.reason ?? ''}: ${outcome.status.message ?? 'no message'}`.replace(/ +/g, ' '));
    case 'failed':
      return outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
    default:
      return new Error(`watch ${kind} ${outcome.kind}`);
  }
}
