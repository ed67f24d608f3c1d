// buildStatus, the sync block: columns are case, the revision fields given, and status.sync expected.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildStatus, type StatusInput } from './status.ts';

const input: StatusInput = { compared: [], requiresPruning: [], children: [], revision: null, bundle: null, conditions: [], now: '2026-12-01T00:00:00Z' };

describe('buildStatus sync', () => {
  const cases: [string, Partial<StatusInput>, object][] = [
    ['nothing rendered yet', {}, { status: 'Synced' }],
    ['one source: its commit', { revision: 'c1', bundle: 'sha256:b' }, { status: 'Synced', revision: 'c1', bundle: 'sha256:b' }],
    ['multi-source: each source\'s revision, in order', { revision: 'c1', revisions: ['c1', 'v2'], bundle: 'sha256:b' }, { status: 'Synced', revision: 'c1', revisions: ['c1', 'v2'], bundle: 'sha256:b' }],
  ];
  for (const [name, given, sync] of cases) {
    it(name, () => assert.deepEqual(buildStatus({ ...input, ...given }).sync, sync));
  }
});

describe('buildStatus tree', () => {
  it('reports children without the uid the tree keeps for event routing', () => {
    const pod = { group: '', version: 'v1', kind: 'Pod', name: 'web-1', namespace: 'ns', health: { status: 'Healthy' as const }, parentRefs: [{ group: 'apps', kind: 'ReplicaSet', name: 'web', namespace: 'ns' }] };
    assert.deepEqual(buildStatus({ ...input, children: [{ ...pod, uid: 'u-1' }] }).resources, [pod]);
  });
});
