// Requeue timers with node:test's mock clock: one pending timer per application, the earliest wins.
import { describe, it, mock, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { RequeueTimers } from './requeue-timers.ts';

describe('RequeueTimers', () => {
  afterEach(() => mock.timers.reset());
  const setup = () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    const fired: string[] = [];
    return { fired, timers: new RequeueTimers((app) => fired.push(app)) };
  };

  it('a later request while one is pending is dropped: a held run asked again on every pass keeps one loop', () => {
    const { fired, timers } = setup();
    timers.requeue('web', 5000);
    mock.timers.tick(1000);
    timers.requeue('web', 5000); // a watch event's pass, 1 s later
    timers.requeue('web', 180_000); // the resync's
    assert.equal(timers.size, 1);
    mock.timers.tick(3999);
    assert.deepEqual(fired, []);
    mock.timers.tick(1);
    assert.deepEqual(fired, ['web'], 'due at 5 s, as first asked');
    mock.timers.tick(200_000);
    assert.deepEqual(fired, ['web'], 'and only once');
  });

  it('an earlier request replaces the pending one', () => {
    const { fired, timers } = setup();
    timers.requeue('web', 5000);
    timers.requeue('web', 100);
    mock.timers.tick(100);
    assert.deepEqual(fired, ['web']);
    mock.timers.tick(10_000);
    assert.deepEqual(fired, ['web'], 'the replaced timer does not fire');
  });

  it('applications are independent, and a fired requeue can be asked for again', () => {
    const { fired, timers } = setup();
    timers.requeue('web', 2000);
    timers.requeue('api', 1000);
    mock.timers.tick(1000);
    assert.deepEqual(fired, ['api']);
    mock.timers.tick(1000);
    assert.deepEqual(fired, ['api', 'web']);
    timers.requeue('web', 2000);
    mock.timers.tick(2000);
    assert.deepEqual(fired, ['api', 'web', 'web']);
  });

  it('clear cancels everything pending', () => {
    const { fired, timers } = setup();
    timers.requeue('web', 1000);
    timers.clear();
    mock.timers.tick(5000);
    assert.deepEqual(fired, []);
    assert.equal(timers.size, 0);
  });
});
