import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DesiredChild } from './app-of-apps-plan.ts';
import { describeWait, gateWaves, syncWaveOf, type ChildReadiness } from './app-of-apps-waves.ts';

const child = (name: string, wave?: string, kind: DesiredChild['kind'] = 'Application'): DesiredChild => ({
  kind, name, spec: {}, object: {},
  metadata: wave === undefined ? {} : { annotations: { 'argocd.argoproj.io/sync-wave': wave } },
});
const ready: ChildReadiness = { ready: true, degraded: false, state: 'Synced, Healthy' };
const progressing: ChildReadiness = { ready: false, degraded: false, state: 'Synced, Progressing' };
const degraded: ChildReadiness = { ready: false, degraded: true, state: 'Synced, Degraded' };

describe('syncWaveOf', () => {
  // annotation | wave, or a part of the error
  const rows: [string | undefined, number | RegExp][] = [
    [undefined, 0],
    ['', 0],
    ['5', 5],
    ['-2', -2],
    ['+3', 3],
    [' 7 ', 7],
    ['one', /"one", not an integer/],
    ['1.5', /not an integer/],
  ];
  for (const [annotation, expected] of rows) {
    it(`${JSON.stringify(annotation)} → ${expected}`, () => {
      const parsed = syncWaveOf(child('a', annotation));
      if (expected instanceof RegExp) assert.ok('error' in parsed && expected.test(parsed.error.message), JSON.stringify(parsed));
      else assert.deepEqual(parsed, { wave: expected });
    });
  }
});

describe('gateWaves', () => {
  const db = child('db', '-1');
  const api = child('api');
  const web = child('web', '1');
  const project = child('team', '-5', 'AppProject');
  // name | plan (create, update, unchanged) | readiness | applied now | prune | waiting (wave→next: children)
  const rows: [string, [DesiredChild[], DesiredChild[], DesiredChild[]], Record<string, ChildReadiness>, string[], boolean, string | undefined][] = [
    ['no waves: everything at once, prunes too', [[api, child('b')], [], []], {}, ['api', 'b'], true, undefined],
    ['first pass: only the lowest wave', [[db, api, web], [], []], {}, ['db'], false, '-1→0: db'],
    ['the lowest wave is progressing: the next waits', [[api, web], [], [db]], { db: progressing }, [], false, '-1→0: db'],
    ['the lowest wave is degraded: the next waits, and says so', [[api, web], [], [db]], { db: degraded }, [], false, '-1→0: db!'],
    ['a child with no status yet holds its wave', [[api], [], [db]], {}, [], false, '-1→0: db'],
    ['wave -1 ready: wave 0 is applied, wave 1 waits for it', [[api, web], [], [db]], { db: ready }, ['api'], false, '0→1: api'],
    ['the last wave is applied without waiting, and prunes run', [[web], [], [db, api]], { db: ready, api: ready }, ['web'], true, undefined],
    ['an update in a later wave waits as a create does', [[], [web], [db, api]], { db: ready, api: progressing }, [], false, '0→1: api'],
    ['nothing pending after a wave: no wait, prunes run', [[], [db], [api, web]], { api: progressing }, ['db'], true, undefined],
    ['an AppProject wave does not wait', [[project, api], [], []], {}, ['team', 'api'], true, undefined],
    ['a malformed wave is left out and blocks prunes', [[child('x', 'soon'), api], [], []], {}, ['api'], false, undefined],
  ];
  for (const [name, [create, update, unchanged], readiness, applied, prune, waiting] of rows) {
    it(name, () => {
      const gate = gateWaves({ create, update, unchanged }, readiness);
      assert.deepEqual(gate.apply.map((c) => c.name), applied);
      assert.equal(gate.prune, prune);
      const shown = gate.waiting && `${gate.waiting.wave}→${gate.waiting.next}: ${gate.waiting.children.map((c) => `${c.name}${c.degraded ? '!' : ''}`).join(',')}`;
      assert.equal(shown, waiting);
      assert.equal(gate.errors.length, name.includes('malformed') ? 1 : 0);
    });
  }

  it('describes a wait with the children and their state', () => {
    const gate = gateWaves({ create: [api, web], update: [], unchanged: [db] }, { db: progressing });
    assert.equal(describeWait(gate.waiting!), 'waiting for wave -1 before wave 0: "db" (Synced, Progressing) not Synced and Healthy yet');
  });
});
