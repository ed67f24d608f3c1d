// Self-heal against a second writer, the I/O side of fight-detector.ts: before a self-heal run
// reverts drift it reads each drifted object afresh (the watch cache holds no managedFields) to
// learn which fields differ and which manager wrote them; once the run succeeded the reverts are
// recorded. The tracker then names a fight (the field and its manager) as a condition and bounds
// how often a fighting field is reverted; decide holds self-heal back until it may revert again.
import type { Kube } from './kube.ts';
import { FIELD_MANAGER, refKey, refOf, type KubeObject } from './objects.ts';
import { driftedFields, writersOf } from './drift-fields.ts';
import { FightTracker, type AppCondition, type RevertRecord } from './fight-detector.ts';
import type { Clock } from './ports.ts';
import type { Compared } from './status.ts';

/** Objects read afresh per revert at most (a bundle of 2,000 drifted objects costs no 2,000 GETs). */
const MAX_READS = 20;
/**
 * The revert bound: a fighting object is reverted at most once a second, not with a backoff that grows
 * to 30 s (which hides a fight as Argo CD's does, and makes a person who drifts the same field ten times
 * in a row wait up to 30 s for the tenth revert). A 200 ms writer is reverted at 0, 1 and 2 s, named
 * after about 2 s, and costs one revert a second while it goes on; a drift a second or more after the
 * last revert is reverted at once.
 */
const FIGHT_POLICY = { firstIntervalMs: 1000, maxIntervalMs: 1000 } as const;

/** The reverts of self-heal runs, and the fights they show. */
export class FightWatch {
  private readonly tracker = new FightTracker(FIGHT_POLICY);
  private readonly pending = new Map<string, RevertRecord[]>();
  private readonly kube: Pick<Kube, 'get'>;
  private readonly clock: Clock;

  constructor(kube: Pick<Kube, 'get'>, clock: Clock) {
    this.kube = kube;
    this.clock = clock;
  }

  /** Whether self-heal may revert the drifted objects now, and else in how many ms. */
  revertWindow(app: string, compared: readonly Compared[]): { allowed: boolean; waitMs: number } {
    const now = this.clock.now();
    let at = now;
    for (const c of compared) if (c.status === 'OutOfSync' && c.live) at = Math.max(at, this.tracker.nextRevertAllowedAt(app, refKey(refOf(c.target)), now));
    return { allowed: at <= now, waitMs: at - now };
  }

  /** Reads the drifted objects afresh and notes the fields and their writers, for afterRun. */
  async beforeRevert(app: string, compared: readonly Compared[]): Promise<void> {
    const records: RevertRecord[] = [];
    for (const c of compared.filter((x) => x.status === 'OutOfSync' && x.live).slice(0, MAX_READS)) {
      const fresh = await this.kube.get({ apiVersion: c.target.apiVersion, kind: c.target.kind, name: c.target.metadata.name, ...(c.target.metadata.namespace ? { namespace: c.target.metadata.namespace } : {}) }).catch(() => undefined) as KubeObject | undefined;
      if (!fresh) continue;
      const paths = driftedFields(c.target, fresh);
      if (!paths.length) continue;
      records.push({ app, key: refKey(refOf(c.target)), paths, writers: writersOf(fresh, paths, FIELD_MANAGER), at: this.clock.now() });
    }
    this.pending.set(app, records);
  }

  /** Records the reverts noted before a run, if it succeeded. */
  afterRun(app: string, succeeded: boolean): void {
    const records = this.pending.get(app);
    this.pending.delete(app);
    if (succeeded) for (const record of records ?? []) this.tracker.record(record);
  }

  /** The fights of an app, as conditions. */
  conditions(app: string): AppCondition[] {
    return this.tracker.conditions(app, this.clock.now());
  }

  forget(app: string): void {
    this.pending.delete(app);
    this.tracker.forget(app);
  }
}
