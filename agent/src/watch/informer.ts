// A list-and-watch cache of one kind (in all namespaces or one, optionally by label): list, then
// watch from the list's resourceVersion; a 410 Gone or a broken stream relists (reporting what
// vanished meanwhile as deleted). Handlers hear add, update and delete. A tail (`tail: true`)
// keeps no cache and hears only what changes from now on: its list asks for one item, for the
// resourceVersion to watch from (for streams such as Events, where only new ones matter).
import type { Kube, KubeObject } from '../engine/kube.ts';

type Handler = (obj: KubeObject) => void;

/** The cache and event source of one kind. */
export class Informer {
  private readonly cache = new Map<string, KubeObject>();
  private readonly handlers = { add: [] as Handler[], update: [] as Handler[], delete: [] as Handler[], error: [] as ((e: unknown) => void)[] };
  private resourceVersion = '';
  private stopped = false;
  private abort: (() => void) | undefined;
  private readonly kube: Kube;
  private readonly path: string;
  private readonly query: string;
  private readonly apiVersion: string;
  private readonly kind: string;
  private readonly tail: boolean;

  constructor(kube: Kube, path: string, apiVersion: string, kind: string, options: { labelSelector?: string; tail?: boolean } = {}) {
    this.kube = kube;
    this.path = path;
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.query = options.labelSelector ? `labelSelector=${encodeURIComponent(options.labelSelector)}` : '';
    this.tail = options.tail ?? false;
  }

  /** Subscribes to changes. */
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
    const query = [this.query, this.tail ? 'limit=1' : ''].filter(Boolean).join('&');
    const list = await this.kube.raw<{ metadata: { resourceVersion: string }; items: KubeObject[] }>('GET', `${this.path}${query ? `?${query}` : ''}`, undefined, { what: `list ${this.kind}` });
    this.resourceVersion = list.metadata.resourceVersion;
    if (this.tail) return;
    const seen = new Set<string>();
    for (const item of list.items) {
      const obj = { ...item, apiVersion: this.apiVersion, kind: this.kind };
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

  private async watchLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        const gone = await this.watchOnce();
        if (gone) await this.relist();
      } catch (error) {
        if (this.stopped) return;
        for (const h of this.handlers.error) h(error);
        await new Promise((r) => setTimeout(r, 1000));
        await this.relist().catch(() => {});
      }
    }
  }

  /** One watch request; resolves true when the resourceVersion is too old (410: relist). */
  private watchOnce(): Promise<boolean> {
    const params = `watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(this.resourceVersion)}&timeoutSeconds=300${this.query ? `&${this.query}` : ''}`;
    return new Promise((resolve, reject) => {
      let gone = false;
      const { abort, done } = this.kube.stream(`${this.path}?${params}`, (line) => {
        const event = JSON.parse(line) as { type: string; object: KubeObject & { code?: number } };
        if (event.type === 'ERROR') {
          if (event.object.code === 410) gone = true;
          return;
        }
        const obj = { ...event.object, apiVersion: this.apiVersion, kind: this.kind };
        if (obj.metadata?.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
        if (event.type === 'BOOKMARK') return;
        if (this.tail) {
          this.emit(event.type === 'DELETED' ? 'delete' : event.type === 'ADDED' ? 'add' : 'update', obj);
          return;
        }
        const key = this.key(obj);
        if (event.type === 'DELETED') {
          this.cache.delete(key);
          this.emit('delete', obj);
        } else {
          const existed = this.cache.has(key);
          this.cache.set(key, obj);
          this.emit(existed ? 'update' : 'add', obj);
        }
      });
      this.abort = abort;
      done.then(() => resolve(gone), reject);
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
  }
}
