// `app resources` rows and table: managed resources (not their children), then orphaned ones.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderList } from '../output.ts';
import { resourceColumns, resourceRows } from './app-resources.ts';

describe('app resources', () => {
  const tree = {
    nodes: [
      { group: 'apps', kind: 'Deployment', namespace: 'team-a', name: 'web' },
      { group: 'apps', kind: 'ReplicaSet', namespace: 'team-a', name: 'web-1', parentRefs: [{ group: 'apps', kind: 'Deployment', namespace: 'team-a', name: 'web' }] },
    ],
    orphanedNodes: [{ group: '', kind: 'ConfigMap', namespace: 'team-a', name: 'stray' }],
  };
  it('lists the managed resources, then the orphaned ones', () => {
    const table = renderList(resourceRows(tree, false), resourceColumns, 'table').split('\n');
    assert.match(table[0]!, /^GROUP\s+KIND\s+NAMESPACE\s+NAME\s+ORPHANED$/);
    assert.match(table[1]!, /^apps\s+Deployment\s+team-a\s+web\s+No$/);
    assert.match(table[2]!, /^\s+ConfigMap\s+team-a\s+stray\s+Yes$/);
    assert.equal(table.filter(Boolean).length, 3, 'the ReplicaSet below the Deployment is not listed');
  });
  it('--orphaned lists only the orphaned ones', () => {
    assert.deepEqual(resourceRows(tree, true).map((r) => r.name), ['stray']);
  });
  it('a tree from an older hub without orphanedNodes', () => {
    assert.deepEqual(resourceRows({ nodes: tree.nodes }, true), []);
  });
});
