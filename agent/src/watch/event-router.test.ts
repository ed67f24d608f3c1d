// Routing Kubernetes events to applications: ownership by uid, once per count, no history, and
// events that wait for their object's uid to be reported.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventRouter, MAX_UNCLAIMED, UNCLAIMED_MS, type KubeEvent } from './event-router.ts';

const T0 = Date.parse('2026-11-25T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function event(uid: string, over: Partial<KubeEvent> = {}): KubeEvent {
  return {
    metadata: { uid: `ev-${uid}-${over.reason ?? 'ScalingReplicaSet'}`, namespace: 'web' },
    involvedObject: { uid, kind: 'Deployment', name: uid, namespace: 'web' },
    reason: 'ScalingReplicaSet',
    message: 'Scaled up replica set from 0 to 1',
    type: 'Normal',
    count: 1,
    lastTimestamp: iso(T0 + 1000),
    ...over,
  };
}

function router() {
  const clock = { now: T0 };
  return { clock, r: new EventRouter(() => clock.now) };
}

describe('EventRouter', () => {
  it('routes events of owned objects, with the hub\'s fields', () => {
    const { r } = router();
    r.own('guestbook', ['d1']);
    assert.deepEqual(r.route(event('d1')), {
      app: 'guestbook',
      event: { reason: 'ScalingReplicaSet', message: 'Scaled up replica set from 0 to 1', eventType: 'Normal', object: 'Deployment/web/d1', at: iso(T0 + 1000) },
    });
  });

  const ignored: { name: string; event: KubeEvent }[] = [
    { name: 'no involved object uid', event: { ...event('d1'), involvedObject: { kind: 'Node', name: 'n1' } } },
    { name: 'history from before the router started', event: event('d1', { lastTimestamp: iso(T0 - 60_000) }) },
  ];
  for (const c of ignored) {
    it(`ignores an event with ${c.name}`, () => {
      const { r } = router();
      r.own('guestbook', ['d1']);
      assert.equal(r.route(c.event), undefined);
      assert.deepEqual(r.own('guestbook', ['d1']), [], 'and does not keep it waiting');
    });
  }

  it('routes an event once per count: a repeat with a higher count is new', () => {
    const { r } = router();
    r.own('a', ['d1']);
    assert.ok(r.route(event('d1')));
    assert.equal(r.route(event('d1')), undefined);
    assert.ok(r.route(event('d1', { count: 2 })));
    assert.equal(r.route(event('d1', { count: 2 })), undefined);
  });

  it('keeps an event about an unknown object until its owner is reported, for a while', () => {
    const { clock, r } = router();
    assert.equal(r.route(event('new')), undefined);
    assert.equal(r.route(event('late')), undefined);
    clock.now += 1000;
    assert.deepEqual(r.own('a', ['new']).map((x) => [x.app, x.event.object]), [['a', 'Deployment/web/new']]);
    assert.deepEqual(r.own('a', ['new']), [], 'delivered once');
    clock.now += UNCLAIMED_MS;
    assert.deepEqual(r.own('b', ['late']), [], 'too late: dropped');
  });

  it('keeps at most MAX_UNCLAIMED waiting events, the newest', () => {
    const { r } = router();
    for (let i = 0; i <= MAX_UNCLAIMED; i++) r.route(event(`o${i}`));
    assert.deepEqual(r.own('a', ['o0']), [], 'the oldest was dropped');
    assert.equal(r.own('a', [`o${MAX_UNCLAIMED}`]).length, 1);
  });

  it('follows ownership: uids an application no longer reports are no longer its', () => {
    const { r } = router();
    r.own('a', ['d1', 'd2']);
    r.own('a', ['d2']);
    assert.equal(r.route(event('d1')), undefined);
    assert.equal(r.route(event('d2'))?.app, 'a');
    r.own('b', ['d2']); // adopted by another application
    r.own('a', []); // a deleted: does not take d2 from b
    assert.equal(r.route(event('d2', { count: 5 }))?.app, 'b');
  });
});
