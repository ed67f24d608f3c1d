// refreshGroups and parentsInBatch: applications grouped by repository, parents before their
// children in a group, and which parent each child waits for (none in a cycle or outside the batch).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parentsInBatch, refreshGroups } from './refresh-order.ts';

type App = { name: string; owner: string | null; repo: string };
const app = (name: string, repo: string, owner: string | null = null): App => ({ name, owner, repo });

describe('refreshGroups', () => {
  const cases: [string, App[], string[][]][] = [
    ['one repository keeps the batch order', [app('a', 'r'), app('b', 'r'), app('c', 'r')], [['a', 'b', 'c']]],
    ['two repositories, in first-seen order', [app('a', 'r1'), app('b', 'r2'), app('c', 'r1')], [['a', 'c'], ['b']]],
    ['a child listed before its parent comes after it', [app('child', 'r', 'root'), app('x', 'r'), app('root', 'r')], [['x', 'root', 'child']]],
    ['three levels', [app('leaf', 'r', 'mid'), app('mid', 'r', 'root'), app('root', 'r')], [['root', 'mid', 'leaf']]],
    ['a parent outside the batch: no waiting, batch order', [app('child', 'r', 'gone'), app('x', 'r')], [['child', 'x']]],
    ['a parent in another repository: the child is not moved', [app('child', 'r1', 'root'), app('root', 'r2')], [['child'], ['root']]],
    ['owners in a cycle: batch order', [app('a', 'r', 'b'), app('b', 'r', 'a'), app('c', 'r')], [['a', 'b', 'c']]],
  ];
  for (const [name, apps, groups] of cases) {
    it(name, () => assert.deepEqual(refreshGroups(apps, (a) => a.repo).map((g) => g.map((a) => a.name)), groups));
  }
});

describe('parentsInBatch', () => {
  const cases: [string, App[], Record<string, string>][] = [
    ['no owners', [app('a', 'r'), app('b', 'r')], {}],
    ['a parent and its child', [app('root', 'r'), app('child', 'r', 'root')], { child: 'root' }],
    ['the parent is not in the batch', [app('child', 'r', 'root')], {}],
    ['across repositories', [app('root', 'r1'), app('child', 'r2', 'root')], { child: 'root' }],
    ['an application owning itself', [app('a', 'r', 'a')], {}],
    ['a cycle, and a child of the cycle', [app('a', 'r', 'b'), app('b', 'r', 'a'), app('c', 'r', 'a')], {}],
    ['a chain', [app('root', 'r'), app('mid', 'r', 'root'), app('leaf', 'r', 'mid')], { mid: 'root', leaf: 'mid' }],
  ];
  for (const [name, apps, parents] of cases) {
    it(name, () => assert.deepEqual(Object.fromEntries(parentsInBatch(apps)), parents));
  }
});
