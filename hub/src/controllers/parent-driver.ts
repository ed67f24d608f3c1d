// Carries app-of-apps parents through their sync waves: a pass that stopped at a wave (its
// children not Synced and Healthy yet) is run again when one of its children reports a status,
// and every 2 s while it still waits, so a child whose report did not change still lets the next
// wave start. Passes of one parent run one at a time; a parent owned by another parent passes the
// news up (a nested parent's health is its children's). Failures are logged, never thrown.
import type { Logger } from 'pino';
import { getApplication } from '../store/applications.ts';
import { reconcileChildren, type AppOfAppsDeps } from './app-of-apps.ts';

const RECHECK_MS = 2000;
const MAX_DEPTH = 4;

/** Runs parents' next passes; `refresh` renders the children a pass created or changed. */
export class ParentDriver {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly rechecks = new Map<string, NodeJS.Timeout>();
  private closed = false;
  private readonly deps: AppOfAppsDeps;
  private readonly refresh: (names: string[]) => void;
  private readonly log: Logger;

  constructor(deps: AppOfAppsDeps, refresh: (names: string[]) => void, log: Logger) {
    this.deps = deps;
    this.refresh = refresh;
    this.log = log;
  }

  /** Runs `parent`'s next pass (after the one in progress, if any). */
  continue(parent: string, depth = 0): void {
    if (this.closed || depth > MAX_DEPTH) return;
    const previous = this.queues.get(parent) ?? Promise.resolve();
    const next = previous.then(() => this.pass(parent, depth)).catch((error: unknown) => this.log.error({ err: error, app: parent }, 'carrying an app-of-apps parent to its next sync wave failed'));
    this.queues.set(parent, next);
    void next.finally(() => {
      if (this.queues.get(parent) === next) this.queues.delete(parent);
    });
  }

  /** Runs `parent`'s next pass in 2 s, unless one is already due. */
  recheck(parent: string): void {
    if (this.closed || this.rechecks.has(parent)) return;
    const timer = setTimeout(() => {
      this.rechecks.delete(parent);
      this.continue(parent);
    }, RECHECK_MS);
    timer.unref();
    this.rechecks.set(parent, timer);
  }

  /** Stops scheduling and waits for the passes in progress. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.rechecks.values()) clearTimeout(timer);
    this.rechecks.clear();
    await Promise.all(this.queues.values());
  }

  private async pass(parent: string, depth: number): Promise<void> {
    if (this.closed) return;
    const result = await reconcileChildren(this.deps, parent, { onlyIfApplying: true });
    if (result?.refresh.length) this.refresh(result.refresh);
    if (result?.waiting) this.recheck(parent);
    if (result?.operation && result.operation.phase !== 'Running') this.log.info({ app: parent, operation: result.operation.id, phase: result.operation.phase }, 'app-of-apps sync finished');
    const owner = (await getApplication(this.deps.pool, parent))?.owner;
    if (owner) this.continue(owner, depth + 1);
  }
}
