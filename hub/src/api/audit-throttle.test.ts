// AuditThrottle: one entry per key per window, a per-actor bound, a bounded memory.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuditThrottle, type ThrottleVerdict } from './audit-throttle.ts';

describe('AuditThrottle', () => {
  const cases: { name: string; acts: [actor: string, key: string, at: number, expected: ThrottleVerdict][] }[] = [
    { name: 'the same key within the window is coalesced, after it recorded again', acts: [['a', 't1', 0, 'record'], ['a', 't1', 59_999, 'coalesced'], ['a', 't1', 60_000, 'record']] },
    { name: 'different keys are recorded apart', acts: [['a', 't1', 0, 'record'], ['a', 't2', 1, 'record'], ['b', 't3', 2, 'record']] },
    { name: 'an actor past its bound is suppressed, others are not, and its bound frees after the window', acts: [['a', 'k1', 0, 'record'], ['a', 'k2', 1, 'record'], ['a', 'k3', 2, 'record'], ['a', 'k4', 3, 'suppressed'], ['b', 'k5', 4, 'record'], ['a', 'k4', 60_000, 'record']] },
    { name: 'a full memory suppresses new keys until the window frees some', acts: [['a', 'k1', 0, 'record'], ['b', 'k2', 0, 'record'], ['c', 'k3', 0, 'record'], ['d', 'k4', 0, 'record'], ['e', 'k5', 1, 'suppressed'], ['e', 'k5', 60_000, 'record']] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const throttle = new AuditThrottle({ windowMs: 60_000, perActor: 3, maxKeys: 4 });
      assert.deepEqual(c.acts.map(([actor, key, at]) => throttle.admit(actor, key, at)), c.acts.map(([, , , expected]) => expected));
      assert.ok(throttle.size <= 4);
    });
  }
});
