// Table-driven tests for Validate=false under server-side apply: reading the fields an apply
// error names as not declared in the schema, and dropping them from the object.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from './objects.ts';
import { parseFieldPath, unknownFieldPaths, withoutFields, type PathStep } from './unknown-fields.ts';

describe('parseFieldPath', () => {
  // case | path text | expected steps (undefined: unreadable)
  const rows: [string, string, PathStep[] | undefined][] = [
    ['a top-level field', '.spec', [{ field: 'spec' }]],
    ['nested', '.spec.template.foo', [{ field: 'spec' }, { field: 'template' }, { field: 'foo' }]],
    ['a list item by key', '.spec.containers[name="app"].bogus', [{ field: 'spec' }, { field: 'containers' }, { keys: { name: 'app' } }, { field: 'bogus' }]],
    ['a list item by two keys', '.ports[containerPort=80,protocol="TCP"].x', [{ field: 'ports' }, { keys: { containerPort: 80, protocol: 'TCP' } }, { field: 'x' }]],
    ['an index', '.items[2].x', [{ field: 'items' }, { index: 2 }, { field: 'x' }]],
    ['a set value is not read', '.finalizers[="x"]', undefined],
  ];
  for (const [name, text, expected] of rows) it(name, () => assert.deepEqual(parseFieldPath(text), expected));
});

describe('unknownFieldPaths and withoutFields', () => {
  const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' }, spec: { x: 1 }, list: [{ name: 'a', bogus: 1 }, { name: 'b' }] };
  // case | error message | expected object after dropping (undefined: the error stands)
  const rows: [string, string, Record<string, unknown> | undefined][] = [
    ['one field', 'apply ConfigMap/c: failed to create typed patch object (default/c; /v1, Kind=ConfigMap): .spec: field not declared in schema',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' }, list: [{ name: 'a', bogus: 1 }, { name: 'b' }] }],
    ['two fields, one in a keyed list item', 'errors:\n  .spec: field not declared in schema\n  .list[name="a"].bogus: field not declared in schema',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' }, list: [{ name: 'a' }, { name: 'b' }] }],
    ['another error', 'apply ConfigMap/c: is invalid', undefined],
    ['a field that is not there', '.nothere: field not declared in schema', undefined],
  ];
  for (const [name, message, expected] of rows) {
    it(name, () => {
      const paths = unknownFieldPaths(message);
      const dropped = paths ? withoutFields(obj, paths) : undefined;
      assert.deepEqual(dropped, expected);
    });
  }
});
