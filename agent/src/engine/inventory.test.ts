// Table-driven tests for the inventory: building one from objects (sorted, deduplicated), stale refs between two
// inventories, and keeping refs whose prune failed (Flux's prune survivors).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { refKey, type KubeObject, type ObjectRef } from './objects.ts';
import { diffInventory, mergeSurvivors, toInventory } from './inventory.ts';

/** A ref from "group/version/kind/namespace/name" ('' parts allowed). */
function ref(spec: string): ObjectRef {
  const [group = '', version = '', kind = '', namespace = '', name = ''] = spec.split('/');
  return { group, version, kind, name, ...(namespace ? { namespace } : {}) };
}

/** An object for a ref spec. */
function obj(spec: string): KubeObject {
  const r = ref(spec);
  return { apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind, metadata: { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) } };
}

/** Refs back as "group/version/kind/namespace/name" strings. */
function specs(refs: ObjectRef[]): string[] {
  return refs.map((r) => `${r.group}/${r.version}/${r.kind}/${r.namespace ?? ''}/${r.name}`);
}

describe('toInventory', () => {
  // case | object ref specs | expected inventory specs (sorted: group, kind, namespace, name)
  const rows: [string, string[], string[]][] = [
    ['empty', [], []],
    ['sorted by group, kind, namespace, name', ['apps/v1/Deployment/shop/web', '/v1/ConfigMap/shop/b', '/v1/ConfigMap/dev/z', '/v1/Namespace//shop', '/v1/ConfigMap/shop/a'],
      ['/v1/ConfigMap/dev/z', '/v1/ConfigMap/shop/a', '/v1/ConfigMap/shop/b', '/v1/Namespace//shop', 'apps/v1/Deployment/shop/web']],
    ['cluster-scoped sort before namespaced of the same kind', ['example.com/v1/Widget/ns/a', 'example.com/v1/Widget//b'], ['example.com/v1/Widget//b', 'example.com/v1/Widget/ns/a']],
    ['duplicates (also across versions) kept once, first version wins', ['apps/v1/Deployment/shop/web', 'apps/v1beta2/Deployment/shop/web'], ['apps/v1/Deployment/shop/web']],
  ];
  for (const [name, input, expected] of rows) {
    it(name, () => assert.deepEqual(specs(toInventory(input.map(obj))), expected));
  }
});

describe('diffInventory', () => {
  // case | old inventory specs | next inventory specs | expected stale specs
  const rows: [string, string[], string[], string[]][] = [
    ['nothing applied before', [], ['/v1/ConfigMap/shop/a'], []],
    ['removed object is stale', ['/v1/ConfigMap/shop/a', '/v1/ConfigMap/shop/b'], ['/v1/ConfigMap/shop/a'], ['/v1/ConfigMap/shop/b']],
    ['a version change is not staleness', ['apps/v1beta2/Deployment/shop/web'], ['apps/v1/Deployment/shop/web'], []],
    ['moved namespace: old one is stale', ['/v1/ConfigMap/dev/a'], ['/v1/ConfigMap/shop/a'], ['/v1/ConfigMap/dev/a']],
    ['stale refs come back sorted with their old version', ['apps/v1/Deployment/shop/web', '/v1/Service/shop/web', '/v1/ConfigMap/shop/a'], [],
      ['/v1/ConfigMap/shop/a', '/v1/Service/shop/web', 'apps/v1/Deployment/shop/web']],
  ];
  for (const [name, old, next, expected] of rows) {
    it(name, () => assert.deepEqual(specs(diffInventory(old.map(ref), next.map(ref))), expected));
  }
});

describe('mergeSurvivors', () => {
  // case | next inventory specs | failed prune specs | expected inventory specs
  const rows: [string, string[], string[], string[]][] = [
    ['no failures', ['/v1/ConfigMap/shop/a'], [], ['/v1/ConfigMap/shop/a']],
    ['failed prune stays for a retry', ['/v1/ConfigMap/shop/a'], ['/v1/Secret/shop/s'], ['/v1/ConfigMap/shop/a', '/v1/Secret/shop/s']],
    ['already present: kept once, next version wins', ['apps/v1/Deployment/shop/web'], ['apps/v1beta2/Deployment/shop/web'], ['apps/v1/Deployment/shop/web']],
    ['everything failed', [], ['/v1/ConfigMap/shop/b', '/v1/ConfigMap/shop/a'], ['/v1/ConfigMap/shop/a', '/v1/ConfigMap/shop/b']],
  ];
  for (const [name, next, failed, expected] of rows) {
    it(name, () => {
      const merged = mergeSurvivors(next.map(ref), failed.map(ref));
      assert.deepEqual(specs(merged), expected);
      assert.equal(new Set(merged.map(refKey)).size, merged.length);
    });
  }
});
