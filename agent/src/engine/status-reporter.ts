// Sending an application's status: the resource tree below its workloads (listed at most every
// few seconds per app), the uids its events are routed by, and the status itself, sent only when
// it changed (a digest of the last one is kept per app, not the status).
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppStatus } from '@flotilla/shared';
import type { Kube } from './kube.ts';
import type { KubeObject } from './objects.ts';
import type { StatusSink } from './ports.ts';
import type { Compared } from './status.ts';
import { childrenOf, type ChildNode } from './tree.ts';

const CHILDREN_TTL_MS = 3000;

/** Builds, deduplicates and sends statuses. */
export class StatusReporter {
  private readonly children = new Map<string, { at: number; uids: string; nodes: ChildNode[] }>();
  private readonly lastReported = new Map<string, string>();
  private readonly kube: Kube;
  private readonly sink: StatusSink;
  private readonly events: { own(app: string, uids: string[]): void } | undefined;
  private readonly log: Logger;

  constructor(kube: Kube, sink: StatusSink, events: { own(app: string, uids: string[]): void } | undefined, log: Logger) {
    this.kube = kube;
    this.sink = sink;
    this.events = events;
    this.log = log;
  }

  /** Sends the status `build` makes from the app's resource tree, unless it is the one sent last. */
  async report(app: string, build: (children: ChildNode[]) => AppStatus, compared: readonly Compared[]): Promise<void> {
    try {
      const lives = compared.map((c) => c.live).filter((l): l is KubeObject => l !== undefined);
      const children = await this.childrenCached(app, lives);
      this.events?.own(app, [...lives.map((o) => o.metadata['uid'] as string | undefined), ...children.map((c) => c.uid)].filter((uid): uid is string => !!uid));
      const status = build(children);
      const { reconciledAt: _at, ...comparable } = status;
      const fingerprint = createHash('sha256').update(JSON.stringify(comparable)).digest('base64');
      if (this.lastReported.get(app) === fingerprint) return;
      this.lastReported.set(app, fingerprint);
      this.sink.reportStatus(app, status);
    } catch (error) {
      this.log.warn({ app, err: error }, 'building the status failed');
    }
  }

  /** The nodes below the app's workloads in the tree last built for it (live reads are allowed for these, link/resource-request.ts). */
  tree(app: string): readonly ChildNode[] | undefined {
    return this.children.get(app)?.nodes;
  }

  forget(app: string): void {
    this.children.delete(app);
    this.lastReported.delete(app);
  }

  /** The resource tree below the app's workloads, listed at most every few seconds per app. */
  private async childrenCached(app: string, lives: KubeObject[]): Promise<ChildNode[]> {
    const uids = lives.map((l) => `${l.metadata['uid']}@${l.metadata.resourceVersion}`).join(',');
    const memo = this.children.get(app);
    if (memo && memo.uids === uids && Date.now() - memo.at < CHILDREN_TTL_MS) return memo.nodes;
    const nodes = await childrenOf(this.kube, lives).catch(() => memo?.nodes ?? []);
    this.children.set(app, { at: Date.now(), uids, nodes });
    return nodes;
  }
}
