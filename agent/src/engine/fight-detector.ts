// Self-heal against a second writer (issue 15 point 7): remembers recent reverts per app, object and field, says
// when a field is being fought over, and bounds how often self-heal may revert it.
//
// The algorithm, per (app, object key, field path):
// - A revert extends the field's streak when it comes within `windowMs` of the field's previous revert; otherwise it
//   starts a new streak. A field quiet for `windowMs` is forgotten: its fight is over and its backoff resets.
// - The field is fighting once `threshold` reverts fall within `windowMs`. It stays fighting until it is quiet for
//   `windowMs` (the backoff cap is below the window, so an ongoing fight never looks quiet between two reverts).
// - Rate bound: the first revert of a streak goes at once (self-heal as today); after the n-th revert of a streak the
//   next may go `firstIntervalMs * 2^(n-1)` later, capped at `maxIntervalMs`. An object's next revert waits for the
//   latest bound among its drifted fields, since a revert re-applies the whole object.
// - `conditions(app, now)` gives one SelfHealConflictWarning per fighting object, naming its fields and their writers.
// Memory is bounded: `threshold` timestamps and a few writers per field, `maxPathsPerObject` fields per object,
// `maxObjectsPerApp` objects per app (least recently reverted dropped first), and quiet entries dropped on every call
// that touches the app (call prune(now) for the rest, forget(app) when an app goes away).
// Times are epoch milliseconds passed in by the caller; nothing here reads a clock.
import type { FieldWriter } from './drift-fields.ts';

/**
 * Condition type for a fight. Argo CD's condition types end in `Error` or `Warning` and its tools classify them by
 * that suffix (ApplicationCondition.IsError); a fight is not a failure of the sync, like SharedResourceWarning.
 */
export const SELF_HEAL_CONFLICT_WARNING = 'SelfHealConflictWarning';

/** One self-heal revert: the app, the object's refKey, the drifted field paths it reverted, their writers, and when. */
export type RevertRecord = { app: string; key: string; paths: readonly string[]; writers: readonly FieldWriter[]; at: number };

/** Thresholds: fight after `threshold` reverts in `windowMs`; backoff from `firstIntervalMs` doubling to `maxIntervalMs`; memory caps. */
export type FightPolicy = {
  threshold: number;
  windowMs: number;
  firstIntervalMs: number;
  maxIntervalMs: number;
  maxObjectsPerApp: number;
  maxPathsPerObject: number;
  maxWritersPerPath: number;
};

/** One field being fought over: where, who else writes it, how many reverts in this streak, since when, the current bound. */
export type Fight = { app: string; key: string; path: string; writers: FieldWriter[]; reverts: number; since: number; lastAt: number; intervalMs: number };

/** An application condition, as the status protocol carries it. */
export type AppCondition = { type: string; message: string };

/** Defaults: 3 reverts in 60 s make a fight; backoff 1 s → 2 s → … → 30 s (a 200 ms loop is flagged after about 3 s). */
export const DEFAULT_FIGHT_POLICY: Readonly<FightPolicy> = {
  threshold: 3, windowMs: 60_000, firstIntervalMs: 1_000, maxIntervalMs: 30_000, maxObjectsPerApp: 50, maxPathsPerObject: 20, maxWritersPerPath: 4,
};

const MAX_FIELDS_IN_MESSAGE = 5;

type FieldState = { recent: number[]; streak: number; since: number; lastAt: number; fightingSince?: number; writers: FieldWriter[] };
type ObjectState = Map<string, FieldState>;

/** Tracks reverts and answers which fields are fought over and when an object may next be reverted. */
export class FightTracker {
  readonly policy: Readonly<FightPolicy>;
  private readonly apps = new Map<string, Map<string, ObjectState>>();

  /** A tracker with these thresholds (defaults for the rest); refuses a policy whose backoff cap is not below its window. */
  constructor(policy: Partial<FightPolicy> = {}) {
    this.policy = { ...DEFAULT_FIGHT_POLICY, ...policy };
    const p = this.policy;
    if (!(p.threshold >= 2 && p.firstIntervalMs > 0 && p.maxIntervalMs >= p.firstIntervalMs && p.maxIntervalMs < p.windowMs)) {
      throw new RangeError('fight policy: need threshold >= 2 and 0 < firstIntervalMs <= maxIntervalMs < windowMs');
    }
    if (!(p.maxObjectsPerApp >= 1 && p.maxPathsPerObject >= 1 && p.maxWritersPerPath >= 1)) throw new RangeError('fight policy: caps must be at least 1');
  }

  /** Records a revert of some fields of one object. */
  record(revert: RevertRecord): void {
    const { windowMs, threshold, maxWritersPerPath } = this.policy;
    this.pruneApp(revert.app, revert.at);
    let objects = this.apps.get(revert.app);
    if (!objects) this.apps.set(revert.app, objects = new Map());
    let fields = objects.get(revert.key);
    if (!fields) objects.set(revert.key, fields = new Map());
    for (const path of new Set(revert.paths)) {
      let state = fields.get(path);
      if (!state || revert.at - state.lastAt >= windowMs) state = { recent: [], streak: 0, since: revert.at, lastAt: revert.at, writers: [] };
      fields.delete(path); // re-inserted last: a Map keeps insertion order, so the first entry is the least recent
      fields.set(path, state);
      state.streak++;
      state.lastAt = Math.max(state.lastAt, revert.at);
      state.recent = [...state.recent, revert.at].slice(-threshold);
      const first = state.recent[0] ?? revert.at;
      if (state.fightingSince === undefined && state.recent.length >= threshold && revert.at - first < windowMs) state.fightingSince = revert.at;
      const writers = revert.writers.filter((w) => w.path === path);
      if (writers.length > 0) state.writers = writers.slice(0, maxWritersPerPath);
    }
    objects.delete(revert.key);
    objects.set(revert.key, fields);
    dropOldest(fields, this.policy.maxPathsPerObject);
    dropOldest(objects, this.policy.maxObjectsPerApp);
  }

  /** When the object may next be reverted (epoch ms): at most now means at once. `paths` limits it to the fields drifted now. */
  nextRevertAllowedAt(app: string, key: string, now: number, paths?: readonly string[]): number {
    this.pruneApp(app, now);
    const fields = this.apps.get(app)?.get(key);
    let allowed = now;
    for (const [path, state] of fields ?? []) {
      if (paths && !paths.includes(path)) continue;
      allowed = Math.max(allowed, state.lastAt + this.interval(state));
    }
    return allowed;
  }

  /** The fields of the app being fought over now, by object key then path. */
  fights(app: string, now: number): Fight[] {
    this.pruneApp(app, now);
    const fights: Fight[] = [];
    for (const [key, fields] of this.apps.get(app) ?? []) {
      for (const [path, state] of fields) {
        if (state.fightingSince === undefined) continue;
        fights.push({ app, key, path, writers: [...state.writers], reverts: state.streak, since: state.since, lastAt: state.lastAt, intervalMs: this.interval(state) });
      }
    }
    return fights.sort((a, b) => a.key.localeCompare(b.key) || a.path.localeCompare(b.path));
  }

  /** One SelfHealConflictWarning per object with fought-over fields, naming the object, each field and its writers. */
  conditions(app: string, now: number): AppCondition[] {
    const byObject = new Map<string, Fight[]>();
    for (const fight of this.fights(app, now)) byObject.set(fight.key, [...byObject.get(fight.key) ?? [], fight]);
    return [...byObject].map(([key, fights]) => ({ type: SELF_HEAL_CONFLICT_WARNING, message: conflictMessage(key, fights) }));
  }

  /** Drops everything quiet for the window, in every app. */
  prune(now: number): void {
    for (const app of [...this.apps.keys()]) this.pruneApp(app, now);
  }

  /** Forgets an app (deleted or no longer assigned). */
  forget(app: string): void {
    this.apps.delete(app);
  }

  /** What is held: apps, objects and fields (for tests and metrics). */
  size(): { apps: number; objects: number; fields: number } {
    let objects = 0;
    let fields = 0;
    for (const app of this.apps.values()) {
      objects += app.size;
      for (const object of app.values()) fields += object.size;
    }
    return { apps: this.apps.size, objects, fields };
  }

  /** The wait after the field's latest revert before the next: firstIntervalMs doubled per revert of the streak after the first, capped. */
  private interval(state: FieldState): number {
    const { firstIntervalMs, maxIntervalMs } = this.policy;
    return Math.min(maxIntervalMs, firstIntervalMs * 2 ** Math.min(state.streak - 1, 30));
  }

  /** Drops the app's fields quiet for the window, then empty objects, then the app if empty. */
  private pruneApp(app: string, now: number): void {
    const objects = this.apps.get(app);
    if (!objects) return;
    for (const [key, fields] of objects) {
      for (const [path, state] of fields) if (now - state.lastAt >= this.policy.windowMs) fields.delete(path);
      if (fields.size === 0) objects.delete(key);
    }
    if (objects.size === 0) this.apps.delete(app);
  }
}

/** Drops a map's first (least recently touched) entries until it holds at most max. */
function dropOldest<V>(map: Map<string, V>, max: number): void {
  for (const key of map.keys()) {
    if (map.size <= max) return;
    map.delete(key);
  }
}

/** An epoch-ms time as ISO 8601 (one out of Date's range as written, rather than throwing). */
function isoTime(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

/** How a writer reads in a message: `"horizontal-pod-autoscaler" (Update, scale subresource)`. */
function describeWriter(writer: FieldWriter): string {
  return `"${writer.manager}" (${writer.operation}${writer.subresource ? `, ${writer.subresource} subresource` : ''})`;
}

/** The condition message for one object: its fields, who writes them, how often we reverted, the bound, and what to do. */
function conflictMessage(key: string, fights: readonly Fight[]): string {
  const shown = fights.slice(0, MAX_FIELDS_IN_MESSAGE).map((fight) => {
    const by = fight.writers.length > 0 ? `manager ${fight.writers.map(describeWriter).join(' and ')}` : 'a writer no managedFields entry names';
    return `${fight.path} is also written by ${by}; reverted ${fight.reverts} times since ${isoTime(fight.since)}, now at most once every ${fight.intervalMs / 1000}s`;
  });
  const more = fights.length > MAX_FIELDS_IN_MESSAGE ? ` (and ${fights.length - MAX_FIELDS_IN_MESSAGE} more fields)` : '';
  const managers = [...new Set(fights.flatMap((f) => f.writers.map((w) => w.manager)))];
  const hint = managers.length > 0
    ? `remove the field from Git, stop the other writer, or let it own the field with ignoreDifferences managedFieldsManagers: [${managers.join(', ')}] and RespectIgnoreDifferences=true`
    : 'remove the field from Git or stop the other writer';
  return `self-heal keeps reverting ${key}: ${shown.join('; ')}${more}. To end the fight, ${hint}.`;
}
