// Tables: resource-tree nodes → the shown tree (as an outline of "Kind name" lines), keys, and the keyboard order.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTree, expandableKeys, parseResourceKey, resourceKey, visibleKeys, type ResourceNode, type TreeNode } from './tree.ts';

const outline = (node: TreeNode, depth = 0): string[] => [`${'  '.repeat(depth)}${node.kind} ${node.name}`, ...node.children.flatMap((c) => outline(c, depth + 1))];
const ref = (kind: string, name: string, group = 'apps', namespace = 'web') => ({ group, kind, namespace, name });
const dep = { ...ref('Deployment', 'web'), version: 'v1', status: 'Synced', health: { status: 'Healthy' } };
const rs = { ...ref('ReplicaSet', 'web-5d8'), parentRefs: [ref('Deployment', 'web')] };
const pod = (n: string) => ({ ...ref('Pod', `web-5d8-${n}`, ''), parentRefs: [ref('ReplicaSet', 'web-5d8')] });
const svc = { ...ref('Service', 'web', '') };
const ns = { group: '', kind: 'Namespace', name: 'web' };

describe('buildTree', () => {
  // nodes in (any order), outline out
  const rows: [string, ResourceNode[], string[]][] = [
    ['no resources yet', [], ['Application web']],
    ['Deployment → ReplicaSet → Pod, siblings by kind then name', [pod('b'), svc, rs, pod('a'), dep], [
      'Application web', '  Deployment web', '    ReplicaSet web-5d8', '      Pod web-5d8-a', '      Pod web-5d8-b', '  Service web']],
    ['a parent not reported: the child hangs off the Application', [pod('a'), svc], ['Application web', '  Pod web-5d8-a', '  Service web']],
    ['a cluster-scoped parent of a namespaced child', [ns, { ...ref('ConfigMap', 'cm', ''), parentRefs: [{ group: '', kind: 'Namespace', name: 'web' }] }], ['Application web', '  Namespace web', '    ConfigMap cm']],
    ['a duplicate report is shown once', [svc, svc], ['Application web', '  Service web']],
    ['a parentRefs cycle is broken at the first node reported, nothing is lost', [
      { ...ref('A', 'x'), parentRefs: [ref('B', 'y')] }, { ...ref('B', 'y'), parentRefs: [ref('A', 'x')] }],
    ['Application web', '  A x', '    B y']],
    ['a node that names itself as parent', [{ ...ref('A', 'x'), parentRefs: [ref('A', 'x')] }], ['Application web', '  A x']],
  ];
  for (const [name, nodes, expected] of rows) it(name, () => assert.deepEqual(outline(buildTree({ name: 'web' }, nodes)), expected));

  it('carries sync and health onto the nodes, and the app status onto the root', () => {
    const tree = buildTree({ name: 'web', sync: 'OutOfSync', health: 'Progressing' }, [dep]);
    assert.equal(tree.sync, 'OutOfSync');
    assert.equal(tree.health, 'Progressing');
    assert.equal(tree.children[0]!.sync, 'Synced');
    assert.equal(tree.children[0]!.health, 'Healthy');
  });
});

describe('resource keys', () => {
  const rows: [Parameters<typeof resourceKey>[0], string][] = [
    [ref('Deployment', 'web'), 'apps/Deployment/web/web'],
    [{ group: '', kind: 'Namespace', name: 'web' }, '/Namespace//web'],
  ];
  for (const [r, key] of rows) {
    it(key, () => {
      assert.equal(resourceKey(r), key);
      assert.deepEqual(parseResourceKey(key), { ...r, namespace: r.namespace ?? '' });
    });
  }
  for (const bad of ['', 'a/b/c', 'apps//ns/name', 'apps/Kind/ns/', 'a/b/c/d/e']) it(`refuses ${JSON.stringify(bad)}`, () => assert.equal(parseResourceKey(bad), undefined));
});

describe('visibleKeys', () => {
  const tree = buildTree({ name: 'web' }, [dep, rs, pod('a'), svc]);
  it('walks every expanded node in order', () => {
    assert.deepEqual(visibleKeys(tree, new Set(expandableKeys(tree))), [
      'argoproj.io/Application//web', 'apps/Deployment/web/web', 'apps/ReplicaSet/web/web-5d8', '/Pod/web/web-5d8-a', '/Service/web/web']);
  });
  it('skips the children of a collapsed node', () => {
    assert.deepEqual(visibleKeys(tree, new Set(['argoproj.io/Application//web'])), ['argoproj.io/Application//web', 'apps/Deployment/web/web', '/Service/web/web']);
  });
});
