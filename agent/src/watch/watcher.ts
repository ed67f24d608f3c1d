// Drift detection: one informer per kind the applications own (list + watch, filtered by the
// tracking label), a cache of live objects the engine reads instead of GETs, and a callback naming
// the application whose object changed, so it is compared (and, with selfHeal, reverted) at once.
// The caches hold objects without our managedFields entry and the last-applied annotation (`slim-object.ts`).
import type { Logger } from 'pino';
import type { Kube, KubeObject } from '../engine/kube.ts';
import type { Informer } from './informer.ts';
import { TRACKING_ANNOTATION, TRACKING_LABEL, parseTrackingId } from '../engine/objects.ts';
import { slimObject } from './slim-object.ts';

type KindInformer = Informer;

/** The application an object's tracking annotation names, if any. */
export function trackedApp(obj: { metadata?: { annotations?: Record<string, string> } }): string | undefined {
  const id = obj.metadata?.annotations?.[TRACKING_ANNOTATION];
  return id ? parseTrackingId(id)?.app : undefined;
}

/** Informers by kind, started on demand. */
export class Watcher {
  private readonly informers = new Map<string, Promise<KindInformer>>();
  private readonly kube: Kube;
  private readonly log: Logger;
  private readonly onChange: (app: string, kind: string) => void;

  constructor(kube: Kube, log: Logger, onChange: (app: string, kind: string) => void) {
    this.kube = kube;
    this.log = log.child({ component: 'watch' });
    this.onChange = onChange;
  }

  private informer(apiVersion: string, kind: string): Promise<KindInformer> {
    const key = `${apiVersion}/${kind}`;
    let pending = this.informers.get(key);
    if (!pending) {
      pending = (async () => {
        const informer = await this.kube.informer(apiVersion, kind, { labelSelector: TRACKING_LABEL, transform: (obj) => slimObject(obj, this.kube.fieldManager) });
        const notify = (obj: KubeObject) => {
          const app = trackedApp(obj);
          if (app) this.onChange(app, kind);
        };
        informer.on('add', notify);
        informer.on('update', notify);
        informer.on('delete', notify);
        informer.on('error', (error: unknown) => this.log.warn({ kind, err: (error as Error)?.message }, 'watch interrupted; resuming'));
        await informer.start();
        return informer;
      })();
      this.informers.set(key, pending);
      pending.catch(() => this.informers.delete(key));
    }
    return pending;
  }

  /** The cached live object, slimmed (the informer is started, and its list awaited, on first use), or undefined when absent. */
  async live(apiVersion: string, kind: string, name: string, namespace?: string): Promise<KubeObject | undefined> {
    const informer = await this.informer(apiVersion, kind);
    return informer.get(name, namespace);
  }

  /** Stops every informer. */
  async stop(): Promise<void> {
    for (const pending of this.informers.values()) {
      const informer = await pending.catch(() => undefined);
      await informer?.stop();
    }
  }
}
