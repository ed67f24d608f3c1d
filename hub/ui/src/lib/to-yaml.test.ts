// Table: JSON value → YAML text; and every output parses back to the same value (the yaml package, a dev dependency).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { toYaml } from './to-yaml.ts';

describe('toYaml', () => {
  const rows: [string, unknown, string][] = [
    ['a scalar', 'web', 'web\n'],
    ['a small manifest', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', labels: { app: 'web' } }, data: { a: '1' } },
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels:\n    app: web\ndata:\n  a: "1"\n'],
    ['lists at the key indent, maps in them', { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] } },
      'spec:\n  containers:\n  - name: c\n    ports:\n    - containerPort: 80\n'],
    ['empty collections and null', { a: {}, b: [], c: null }, 'a: {}\nb: []\nc: null\n'],
    ['strings that would read as other types are quoted', { a: 'true', b: '8080', c: 'null', d: '', e: 'a: b', f: '-x', g: '1.5', h: 'yes' },
      'a: "true"\nb: "8080"\nc: "null"\nd: ""\ne: "a: b"\nf: "-x"\ng: "1.5"\nh: "yes"\n'],
    ['numbers and booleans are plain', { replicas: 3, ok: false, ratio: 0.5 }, 'replicas: 3\nok: false\nratio: 0.5\n'],
    ['multi-line strings are literal blocks', { script: 'echo a\necho b\n', note: 'one\ntwo' }, 'script: |\n  echo a\n  echo b\nnote: |-\n  one\n  two\n'],
    ['keys that need quotes', { 'app.kubernetes.io/name': 'x', 'a b': 1, '': 2 }, 'app.kubernetes.io/name: x\na b: 1\n"": 2\n'],
    ['a list of lists', [[1, 2], []], '- - 1\n  - 2\n- []\n'],
  ];
  for (const [name, value, expected] of rows) {
    it(name, () => {
      assert.equal(toYaml(value), expected);
      assert.deepEqual(parse(toYaml(value)), value);
    });
  }
  it('round-trips awkward strings', () => {
    for (const s of [' lead', 'trail ', 'tab\there', '# hash', 'x #y', 'a\n\nb\n\n', '  indented\nblock', '"q"', "it's", 'ünï', '*alias', '&anchor', '!tag', '@at', '%p', '{a}', '[b]', '0x1F', '1e3', '~', 'key:']) {
      assert.deepEqual(parse(toYaml({ s })), { s }, JSON.stringify(s));
    }
  });
});
