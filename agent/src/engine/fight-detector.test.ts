// Table-driven tests for the fight detector: revert sequences with times (a single drift, a few edits, a fight,
// a fight that stops), the rate bound and its reset, the SelfHealConflictWarning condition's wording, memory caps,
// and a simulated second writer patching spec.replicas every 200 ms for ten minutes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldWriter } from './drift-fields.ts';
import { DEFAULT_FIGHT_POLICY, FightTracker, SELF_HEAL_CONFLICT_WARNING, type RevertRecord } from './fight-detector.ts';

const T0 = Date.parse('2026-01-11T10:00:00Z');
const APP = 'shop';
const KEY = 'apps/Deployment/shop/web';
const HPA: FieldWriter = { path: 'spec.replicas', manager: 'horizontal-pod-autoscaler', operation: 'Update', time: '2026-01-11T10:00:00Z', subresource: 'scale' };
const IMAGE = 'spec.template.spec.containers[name=web].image';

/** A revert of these paths at T0 + ms. */
function revert(ms: number, paths: string[] = ['spec.replicas'], key = KEY, writers: FieldWriter[] = [HPA]): RevertRecord {
  return { app: APP, key, paths, writers, at: T0 + ms };
}

describe('FightTracker: revert sequences', () => {
  // case | reverts (ms after T0) | probes: [ms, fighting objects, next revert allowed (ms after T0) for KEY]
  const rows: [string, RevertRecord[], [number, number, number][]][] = [
    ['no revert: nothing to report, revert at once', [], [[0, 0, 0]]],
    ['a single drift: no condition; a second revert within the window waits 1 s', [revert(0)], [[0, 0, 1_000], [500, 0, 1_000], [1_000, 0, 1_000], [59_999, 0, 59_999]]],
    ['the window after a single revert, it is forgotten: revert at once', [revert(0)], [[60_000, 0, 60_000]]],
    ['two edits within the window: no condition (threshold 3), bound 2 s', [revert(0), revert(5_000)], [[5_000, 0, 7_000]]],
    ['three reverts within the window: a fight', [revert(0), revert(1_000), revert(3_000)], [[3_000, 1, 7_000], [62_999, 1, 62_999]]],
    ['three reverts spread wider than the window: a streak but no fight', [revert(0), revert(40_000), revert(80_000)], [[80_000, 0, 84_000]]],
    ['the fight stops: cleared the window after the last revert, backoff reset', [revert(0), revert(1_000), revert(3_000), revert(7_000)],
      [[66_999, 1, 66_999], [67_000, 0, 67_000]]],
    ['the bound doubles up to the 30 s cap', [0, 1, 3, 7, 15, 31, 61, 91].map((s) => revert(s * 1_000)), [[91_000, 1, 121_000]]],
    ['another field of the same object is its own streak', [revert(0), revert(1_000), revert(3_000, [IMAGE])], [[3_000, 0, 4_000]]],
    ['another object does not count', [revert(0), revert(1_000), revert(3_000, ['spec.replicas'], 'apps/Deployment/shop/api')], [[3_000, 0, 3_000]]],
    ['a revert of two fields counts for each', [revert(0, ['spec.replicas', IMAGE]), revert(1_000, ['spec.replicas', IMAGE]), revert(3_000, ['spec.replicas', IMAGE])],
      [[3_000, 1, 7_000]]],
  ];
  for (const [name, reverts, probes] of rows) {
    it(name, () => {
      const tracker = new FightTracker();
      for (const r of reverts) tracker.record(r);
      for (const [ms, fighting, allowed] of probes) {
        assert.equal(tracker.conditions(APP, T0 + ms).length, fighting, `conditions at ${ms} ms`);
        assert.equal(tracker.nextRevertAllowedAt(APP, KEY, T0 + ms) - T0, allowed, `next revert at ${ms} ms`);
      }
    });
  }

  it('the bound can be limited to the fields drifted now', () => {
    const tracker = new FightTracker();
    for (const ms of [0, 1_000, 3_000]) tracker.record(revert(ms));
    tracker.record(revert(3_500, [IMAGE]));
    assert.equal(tracker.nextRevertAllowedAt(APP, KEY, T0 + 3_600) - T0, 7_000);
    assert.equal(tracker.nextRevertAllowedAt(APP, KEY, T0 + 3_600, [IMAGE]) - T0, 4_500);
    assert.equal(tracker.nextRevertAllowedAt(APP, KEY, T0 + 3_600, ['spec.paused']) - T0, 3_600);
  });
});

describe('FightTracker: the condition', () => {
  it('names the object, the field, the manager and the bound, and says how to end it', () => {
    const tracker = new FightTracker();
    for (const ms of [0, 1_000, 3_000]) tracker.record(revert(ms));
    assert.deepEqual(tracker.conditions(APP, T0 + 3_000), [{
      type: SELF_HEAL_CONFLICT_WARNING,
      message: 'self-heal keeps reverting apps/Deployment/shop/web: spec.replicas is also written by manager "horizontal-pod-autoscaler" (Update, scale subresource); '
        + 'reverted 3 times since 2026-01-11T10:00:00.000Z, now at most once every 4s. To end the fight, remove the field from Git, stop the other writer, '
        + 'or let it own the field with ignoreDifferences managedFieldsManagers: [horizontal-pod-autoscaler] and RespectIgnoreDifferences=true.',
    }]);
    assert.equal(SELF_HEAL_CONFLICT_WARNING, 'SelfHealConflictWarning');
  });
  it('one condition per object, listing its fields; a field with no known writer says so', () => {
    const tracker = new FightTracker();
    const kubectl: FieldWriter = { path: IMAGE, manager: 'kubectl-client-side-apply', operation: 'Update' };
    for (const ms of [0, 1_000, 3_000]) {
      tracker.record(revert(ms, ['spec.replicas', IMAGE], KEY, [HPA, kubectl]));
      tracker.record(revert(ms, ['data.mode'], 'v1/ConfigMap/shop/settings', []));
    }
    const conditions = tracker.conditions(APP, T0 + 3_000);
    assert.equal(conditions.length, 2);
    assert.match(conditions[0]!.message, /^self-heal keeps reverting apps\/Deployment\/shop\/web: spec\.replicas .*"horizontal-pod-autoscaler".*; spec\.template\.spec\.containers\[name=web\]\.image is also written by manager "kubectl-client-side-apply" \(Update\)/);
    assert.match(conditions[0]!.message, /managedFieldsManagers: \[horizontal-pod-autoscaler, kubectl-client-side-apply\]/);
    assert.match(conditions[1]!.message, /^self-heal keeps reverting v1\/ConfigMap\/shop\/settings: data\.mode is also written by a writer no managedFields entry names; .* remove the field from Git or stop the other writer\.$/);
    assert.deepEqual(tracker.fights(APP, T0 + 3_000).map((f) => [f.key, f.path, f.reverts, f.intervalMs]), [
      ['apps/Deployment/shop/web', 'spec.replicas', 3, 4_000],
      ['apps/Deployment/shop/web', IMAGE, 3, 4_000],
      ['v1/ConfigMap/shop/settings', 'data.mode', 3, 4_000],
    ]);
  });
  it('keeps the latest known writers when a revert names none', () => {
    const tracker = new FightTracker();
    tracker.record(revert(0));
    tracker.record(revert(1_000, ['spec.replicas'], KEY, []));
    tracker.record(revert(3_000, ['spec.replicas'], KEY, []));
    assert.deepEqual(tracker.fights(APP, T0 + 3_000)[0]!.writers, [HPA]);
  });
  it('lists at most five fields of an object', () => {
    const tracker = new FightTracker();
    const paths = Array.from({ length: 8 }, (_, i) => `data.k${i}`);
    for (const ms of [0, 1_000, 3_000]) tracker.record(revert(ms, paths, KEY, []));
    assert.match(tracker.conditions(APP, T0 + 3_000)[0]!.message, /data\.k4 .*\(and 3 more fields\)\./);
  });
});

describe('FightTracker: a second writer patching every 200 ms', () => {
  /** Runs a writer that patches every periodMs until stopMs and an agent that reverts as soon as allowed, in 10 ms steps. */
  function simulate(tracker: FightTracker, periodMs: number, stopMs: number, endMs: number) {
    const reverts: number[] = [];
    const fighting: boolean[] = [];
    let drifted = false;
    for (let ms = 0; ms <= endMs; ms += 10) {
      if (ms < stopMs && ms % periodMs === 0) drifted = true;
      if (drifted && tracker.nextRevertAllowedAt(APP, KEY, T0 + ms, ['spec.replicas']) <= T0 + ms) {
        tracker.record(revert(ms));
        reverts.push(ms);
        drifted = false;
      }
      fighting[ms / 10] = tracker.conditions(APP, T0 + ms).length > 0;
    }
    return { reverts, fighting: (ms: number) => fighting[ms / 10] };
  }

  it('shows the condition within 5 s and bounds the reverts: 24 in 10 minutes instead of 3,000', () => {
    const tracker = new FightTracker();
    const { reverts, fighting } = simulate(tracker, 200, 600_000, 700_000);
    const expected = [0, 1, 3, 7, 15, ...Array.from({ length: 19 }, (_, i) => 31 + 30 * i), 601].map((s) => s * 1_000);
    assert.deepEqual(reverts, expected);
    assert.equal(fighting(2_990), false);
    assert.equal(fighting(3_000), true, 'condition after the third revert, at 3 s');
    for (let ms = 3_000; ms < 661_000; ms += 10) assert.equal(fighting(ms), true, `no flapping while the fight goes on (${ms} ms)`);
    assert.equal(fighting(661_000), false, 'cleared a window after the last revert');
    assert.deepEqual(tracker.size(), { apps: 0, objects: 0, fields: 0 }, 'quiet entries dropped by the calls that touch the app');
  });
  it('a drift after the fight has ended is reverted at once and raises nothing', () => {
    const tracker = new FightTracker();
    simulate(tracker, 200, 10_000, 100_000);
    assert.equal(tracker.nextRevertAllowedAt(APP, KEY, T0 + 100_000), T0 + 100_000);
    tracker.record(revert(100_000));
    assert.deepEqual(tracker.conditions(APP, T0 + 100_000), []);
  });
});

describe('FightTracker: bounds and policy', () => {
  it('caps objects per app and fields per object, dropping the least recently reverted', () => {
    const tracker = new FightTracker({ maxObjectsPerApp: 3, maxPathsPerObject: 2 });
    for (let i = 0; i < 100; i++) tracker.record(revert(i, [`data.k${i}`, `data.j${i}`, `data.l${i}`], `v1/ConfigMap/shop/c${i}`, []));
    assert.deepEqual(tracker.size(), { apps: 1, objects: 3, fields: 6 });
    assert.equal(tracker.nextRevertAllowedAt(APP, 'v1/ConfigMap/shop/c99', T0 + 99) - T0, 1_099);
    assert.equal(tracker.nextRevertAllowedAt(APP, 'v1/ConfigMap/shop/c0', T0 + 99) - T0, 99, 'dropped');
  });
  it('caps writers per field', () => {
    const tracker = new FightTracker({ maxWritersPerPath: 2 });
    const writers = ['a', 'b', 'c'].map((manager) => ({ ...HPA, manager }));
    for (const ms of [0, 1_000, 3_000]) tracker.record(revert(ms, ['spec.replicas'], KEY, writers));
    assert.deepEqual(tracker.fights(APP, T0 + 3_000)[0]!.writers.map((w) => w.manager), ['a', 'b']);
  });
  it('prune drops quiet apps nobody asked about', () => {
    const tracker = new FightTracker();
    tracker.record(revert(0));
    tracker.record({ ...revert(0), app: 'other' });
    tracker.prune(T0 + 59_999);
    assert.deepEqual(tracker.size(), { apps: 2, objects: 2, fields: 2 });
    tracker.prune(T0 + 60_000);
    assert.deepEqual(tracker.size(), { apps: 0, objects: 0, fields: 0 });
  });
  it('forgets an app', () => {
    const tracker = new FightTracker();
    tracker.record(revert(0));
    tracker.forget(APP);
    assert.deepEqual(tracker.size(), { apps: 0, objects: 0, fields: 0 });
  });
  it('refuses a policy under which a fight could look over between two reverts', () => {
    assert.throws(() => new FightTracker({ maxIntervalMs: 60_000 }), RangeError);
    assert.throws(() => new FightTracker({ threshold: 1 }), RangeError);
    assert.throws(() => new FightTracker({ firstIntervalMs: 0 }), RangeError);
    assert.throws(() => new FightTracker({ maxObjectsPerApp: 0 }), RangeError);
    assert.deepEqual(new FightTracker({ threshold: 5 }).policy, { ...DEFAULT_FIGHT_POLICY, threshold: 5 });
  });
  it('a clock that steps back does not break the streak or the bound', () => {
    const tracker = new FightTracker();
    tracker.record(revert(5_000));
    tracker.record(revert(4_000));
    assert.equal(tracker.nextRevertAllowedAt(APP, KEY, T0 + 4_000) - T0, 7_000);
  });
});
