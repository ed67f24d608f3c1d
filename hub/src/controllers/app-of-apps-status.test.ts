// Table tests of a hub application's status: rows of (case, plan, children's health) → the
// parent's sync and health and its resources (kind/name status health); and of its conditions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildPlan, DesiredChild } from './app-of-apps-plan.ts';
import { childConditions, hubApplicationStatus, worstHealth, type HealthStatus } from './app-of-apps-status.ts';

const child = (kind: DesiredChild['kind'], name: string): DesiredChild => ({ kind, name, metadata: {}, spec: {}, object: {} });
const plan = (p: Partial<ChildPlan>): ChildPlan => ({ create: [], update: [], unchanged: [], prune: [], requiresPruning: [], errors: [], ...p });

// case | plan | children's health | sync | health | resources
const rows: [string, ChildPlan, Record<string, HealthStatus>, string, HealthStatus, string[]][] = [
  ['every child as rendered and Healthy: Synced, Healthy', plan({ unchanged: [child('Application', 'a'), child('Application', 'b')] }), { a: 'Healthy', b: 'Healthy' }, 'Synced', 'Healthy', ['Application/a Synced Healthy', 'Application/b Synced Healthy']],
  ['a child not created yet: OutOfSync, Missing', plan({ unchanged: [child('Application', 'a')], create: [child('Application', 'b')] }), { a: 'Healthy' }, 'OutOfSync', 'Missing', ['Application/a Synced Healthy', 'Application/b OutOfSync Missing']],
  ['a changed child: OutOfSync, its own health', plan({ update: [child('Application', 'a')] }), { a: 'Progressing' }, 'OutOfSync', 'Progressing', ['Application/a OutOfSync Progressing']],
  ['Degraded is worse than Missing', plan({ unchanged: [child('Application', 'a')], create: [child('Application', 'b')] }), { a: 'Degraded' }, 'OutOfSync', 'Degraded', ['Application/a Synced Degraded', 'Application/b OutOfSync Missing']],
  ['Unknown is the worst (a child with no status yet)', plan({ unchanged: [child('Application', 'a'), child('Application', 'b')] }), { a: 'Degraded' }, 'Synced', 'Unknown', ['Application/a Synced Degraded', 'Application/b Synced Unknown']],
  ['Suspended is better than Progressing', plan({ unchanged: [child('Application', 'a'), child('Application', 'b')] }), { a: 'Suspended', b: 'Progressing' }, 'Synced', 'Progressing', ['Application/a Synced Suspended', 'Application/b Synced Progressing']],
  ['projects have no health and come first', plan({ unchanged: [child('Application', 'a'), child('AppProject', 'team')] }), { a: 'Healthy' }, 'Synced', 'Healthy', ['AppProject/team Synced -', 'Application/a Synced Healthy']],
  ['a child left for pruning: OutOfSync', plan({ requiresPruning: [{ kind: 'Application', name: 'old' }] }), { old: 'Healthy' }, 'OutOfSync', 'Healthy', ['Application/old OutOfSync Healthy']],
  ['an error (a name clash) alone: OutOfSync', plan({ errors: [{ type: 'SharedResourceWarning', kind: 'Application', name: 'x', message: 'clash' }] }), {}, 'OutOfSync', 'Healthy', []],
  ['no children at all: Synced, Healthy', plan({}), {}, 'Synced', 'Healthy', []],
];

describe('hub application status', () => {
  for (const [name, p, health, sync, rolled, resources] of rows) {
    it(name, () => {
      const childHealth = Object.fromEntries(Object.entries(health).map(([k, v]) => [k, { status: v }]));
      const status = hubApplicationStatus({ plan: p, childHealth, revision: 'abc', bundle: 'sha256:1' });
      assert.equal(status.sync.status, sync);
      assert.equal(status.health.status, rolled);
      assert.deepEqual(status.resources.map((r) => `${r.kind}/${r.name} ${r.status} ${r.health?.status ?? '-'}`), resources);
      assert.equal(status.sync.bundle, 'sha256:1');
    });
  }

  it('names the worst child in the health message', () => {
    assert.deepEqual(worstHealth([{ kind: 'Application', name: 'a', health: { status: 'Degraded', message: 'Deployment web failed' } }]), { status: 'Degraded', message: 'Application "a" is Degraded: Deployment web failed' });
  });

  it('child errors replace the previous ones and keep the time of an unchanged one', () => {
    const then = '2026-01-01T00:00:00.000Z';
    const now = new Date('2026-02-01T00:00:00.000Z');
    const current = [
      { type: 'ComparisonError', message: 'render failed', lastTransitionTime: then },
      { type: 'SyncError', message: 'old problem', lastTransitionTime: then },
      { type: 'SharedResourceWarning', message: 'clash', lastTransitionTime: then },
    ];
    const next = childConditions(current, [{ type: 'SharedResourceWarning', message: 'clash' }, { type: 'SyncError', message: 'new problem' }, { type: 'SyncError', message: 'new problem' }], now);
    assert.deepEqual(next, [
      { type: 'ComparisonError', message: 'render failed', lastTransitionTime: then },
      { type: 'SharedResourceWarning', message: 'clash', lastTransitionTime: then },
      { type: 'SyncError', message: 'new problem', lastTransitionTime: now.toISOString() },
    ]);
  });
});
