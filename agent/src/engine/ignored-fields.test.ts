// Table-driven tests for RespectIgnoreDifferences=true: the object applied keeps the live values
// of the fields ignoreDifferences select.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from './objects.ts';
import type { IgnoreRule } from './diff.ts';
import { keepIgnoredFields } from './ignored-fields.ts';

const obj = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' }, spec, ...extra });
const liveMeta = { name: 'd', namespace: 'ns', uid: 'u', resourceVersion: '9', managedFields: [] };

describe('keepIgnoredFields', () => {
  // case | target spec | live (undefined: absent) | rules | expected spec
  const rows: [string, Record<string, unknown>, KubeObject | undefined, IgnoreRule[], Record<string, unknown>][] = [
    ['a JSON pointer keeps the live value', { replicas: 3, paused: false }, { ...obj({ replicas: 5, paused: true }), metadata: liveMeta, status: { ready: 1 } },
      [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }], { replicas: 5, paused: false }],
    ['an ignored field the live object lacks is left out', { replicas: 3, paused: false }, obj({ paused: true }),
      [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }], { paused: false }],
    ['a jq path', { template: { image: 'a:1', env: 'x' } }, obj({ template: { image: 'a:2', env: 'y' } }),
      [{ group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.template.image'] }], { template: { image: 'a:2', env: 'x' } }],
    ['a rule for another kind changes nothing', { replicas: 3 }, obj({ replicas: 5 }), [{ kind: 'StatefulSet', jsonPointers: ['/spec/replicas'] }], { replicas: 3 }],
    ['no live copy: the target as it is', { replicas: 3 }, undefined, [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }], { replicas: 3 }],
  ];
  for (const [name, spec, live, rules, expected] of rows) {
    it(name, () => {
      const result = keepIgnoredFields(obj(spec), live, rules);
      assert.deepEqual(result['spec'], expected);
      assert.equal(result['status'], undefined, 'no status is applied');
      assert.deepEqual(result.metadata, { name: 'd', namespace: 'ns' });
    });
  }
});
