// Table tests for reading jsonnet's answers: output as manifests, error text located at file:line:col.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { locateJsonnetError, parseJsonnetOutput } from './jsonnet-output.ts';

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });

describe('parseJsonnetOutput', () => {
  // case | output | names, or error pattern
  const rows: [string, unknown, string[] | RegExp][] = [
    ['an object', cm('a'), ['a']],
    ['an array, nulls skipped', [cm('a'), null, cm('b')], ['a', 'b']],
    ['a List', { apiVersion: 'v1', kind: 'List', items: [cm('a'), cm('b')] }, ['a', 'b']],
    ['null', null, []],
    ['a number', 3, /the jsonnet output is not a Kubernetes object: expected an object, found 3/],
    ['nested arrays', [[cm('a')]], /element 1 of the jsonnet output is not a Kubernetes object: expected an object, found an array/],
    ['no name', [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }], /lacks a string "metadata.name"/],
  ];
  for (const [what, output, expected] of rows) {
    it(what, () => {
      const result = parseJsonnetOutput(JSON.stringify(output), 'a/x.jsonnet');
      if (Array.isArray(expected)) {
        assert.ok(result.ok);
        assert.deepEqual(result.manifests.map((m) => (m as { metadata: { name: string } }).metadata.name), expected);
      } else {
        assert.ok(!result.ok);
        assert.equal(result.errors[0]!.file, 'a/x.jsonnet');
        assert.match(result.errors[0]!.message, expected);
      }
    });
  }
});

describe('locateJsonnetError', () => {
  // stderr | [file, line, column]
  const rows: [string, [string, number | undefined, number | undefined]][] = [
    ['a/x.jsonnet:4:3-11 Expected a comma before next field', ['a/x.jsonnet', 4, 3]],
    ['STATIC ERROR: a/x.jsonnet:(2:1)-(3:4): bad', ['a/x.jsonnet', 2, 1]],
    ['RUNTIME ERROR: boom\n\t<std>:1:2-3\tfunction\n\tlib/h.libsonnet:7:5-9\tfunction <anonymous>\n\ta/x.jsonnet:2:1-4\tobject', ['lib/h.libsonnet', 7, 5]],
    ['RUNTIME ERROR: Missing argument: name\n\tDuring manifestation', ['a/x.jsonnet', undefined, undefined]],
  ];
  for (const [stderr, [file, line, column]] of rows) {
    it(stderr.split('\n')[0]!, () => {
      const error = locateJsonnetError(stderr, 'a/x.jsonnet');
      assert.deepEqual([error.file, error.line, error.column], [file, line, column]);
      assert.ok(error.message.startsWith('evaluating a/x.jsonnet: '));
    });
  }
});
