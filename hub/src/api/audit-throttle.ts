// Bounds the audit entries that a client can cause on every request (a token's use, an RBAC
// denial): one entry per key per window (the same token, the same denied act), at most `perActor`
// distinct keys per actor per window, and at most `maxKeys` keys remembered. Per replica, in
// memory; the store coalesces across replicas (recordAuditCoalesced). Pure: time is passed in.

/** What to do with an act: write it, or not (seen in this window already; the actor's or the memory's bound reached). */
export type ThrottleVerdict = 'record' | 'coalesced' | 'suppressed';

/** The bounds. */
export interface AuditThrottleOptions {
  windowMs: number;
  /** Distinct keys one actor may have recorded per window. */
  perActor: number;
  /** Keys remembered at most (beyond: suppressed until the window frees some). */
  maxKeys: number;
}

/** A per-key, per-actor bound on repeated audit entries. */
export class AuditThrottle {
  private readonly seen = new Map<string, number>();
  private readonly actors = new Map<string, { since: number; count: number }>();
  private readonly options: AuditThrottleOptions;

  constructor(options: AuditThrottleOptions) {
    this.options = options;
  }

  /** Whether the act `key` of `actor` at `now` (ms) is to be recorded. */
  admit(actor: string, key: string, now: number): ThrottleVerdict {
    const { windowMs, perActor, maxKeys } = this.options;
    const last = this.seen.get(key);
    if (last !== undefined && now - last < windowMs) return 'coalesced';
    let quota = this.actors.get(actor);
    if (!quota || now - quota.since >= windowMs) quota = { since: now, count: 0 };
    if (quota.count >= perActor) return 'suppressed';
    if (last === undefined && this.seen.size >= maxKeys) {
      this.sweep(now);
      if (this.seen.size >= maxKeys) return 'suppressed';
    }
    this.seen.set(key, now);
    quota.count += 1;
    this.actors.set(actor, quota);
    return 'record';
  }

  /** Keys remembered now (for tests and bounds). */
  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    for (const [key, at] of this.seen) if (now - at >= this.options.windowMs) this.seen.delete(key);
    for (const [actor, quota] of this.actors) if (now - quota.since >= this.options.windowMs) this.actors.delete(actor);
  }
}
