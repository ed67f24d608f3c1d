// Table tests for canonical JSON and the render and bundle keys built on it (a bundle key hashes the manifests alone).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { bundleKey, canonicalJson, renderKey } from './content-key.ts';

describe('canonicalJson', () => {
  // [case, value, canonical JSON]
  const rows: [string, unknown, string][] = [
    ['keys sorted, no whitespace', { b: 1, a: { d: [1, 2], c: 'x' } }, '{"a":{"c":"x","d":[1,2]},"b":1}'],
    ['integer-like keys sort as strings', { 10: 'a', 2: 'b', 1: 'c' }, '{"1":"c","10":"a","2":"b"}'],
    ['an integer-like key sorts after "-" (JavaScript lists it first)', { '-': 1, 1: 2 }, '{"-":1,"1":2}'],
    ['integer-like keys deep inside', { z: [{ b: { 9: 'x', 10: 'y', a: 1 } }], a: 0 }, '{"a":0,"z":[{"b":{"10":"y","9":"x","a":1}}]}'],
    ['a key past the array-index range is a plain key', { 4294967295: 1, a: 2, 0: 3 }, '{"0":3,"4294967295":1,"a":2}'],
    ['already sorted keys are kept', { a: 1, b: { c: 2 } }, '{"a":1,"b":{"c":2}}'],
    ['keys by UTF-16 code unit', { b: 1, B: 2, é: 3, _: 4 }, '{"B":2,"_":4,"b":1,"é":3}'],
    ['array order kept', [3, 1, 2], '[3,1,2]'],
    ['undefined members dropped', { a: undefined, b: null }, '{"b":null}'],
    ['undefined in arrays is null', [undefined, () => 1], '[null,null]'],
    ['non-finite numbers are null', [NaN, Infinity, -0], '[null,null,0]'],
    ['strings escaped as JSON', { s: 'a"b\\c\n\u2028' }, '{"s":"a\\"b\\\\c\\n\u2028"}'],
    ['toJSON honoured', { at: new Date(0) }, '{"at":"1970-01-01T00:00:00.000Z"}'],
    ['top-level undefined is null', undefined, 'null'],
    ['shared, non-cyclic references are fine', (() => { const x = { k: 1 }; return { a: x, b: x }; })(), '{"a":{"k":1},"b":{"k":1}}'],
  ];
  for (const [name, value, expected] of rows) {
    it(name, () => assert.equal(canonicalJson(value), expected));
  }

  it('rejects cycles and bigints', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    assert.throws(() => canonicalJson(cyclic), TypeError);
    assert.throws(() => canonicalJson({ n: 1n }), TypeError);
  });
});

describe('renderKey and bundleKey', () => {
  const base = { repoURL: 'https://github.com/org/repo.git', commit: 'a'.repeat(40), path: 'apps/web', params: { recurse: true, include: '*.yaml' } };
  const manifests = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }];
  const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

  // [case, key a, key b, equal]
  const rows: [string, string, string, boolean][] = [
    ['renderKey is sha256 of the canonical input, repoURL normalized', renderKey(base),
      sha('{"commit":"' + 'a'.repeat(40) + '","params":{"include":"*.yaml","recurse":true},"path":"apps/web","repoURL":"github.com/org/repo"}'), true],
    ['renderKey: same repo spelled over SSH', renderKey(base), renderKey({ ...base, repoURL: 'git@github.com:org/repo.git' }), true],
    ['renderKey: param key order does not matter', renderKey(base), renderKey({ ...base, params: { include: '*.yaml', recurse: true } }), true],
    ['renderKey: another commit', renderKey(base), renderKey({ ...base, commit: 'b'.repeat(40) }), false],
    ['renderKey: another path', renderKey(base), renderKey({ ...base, path: 'apps/api' }), false],
    ['renderKey: another param', renderKey(base), renderKey({ ...base, params: { recurse: false, include: '*.yaml' } }), false],
    ['bundleKey is sha256 of the canonical manifests alone', bundleKey(manifests),
      sha('[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}]'), true],
    ['bundleKey differs from renderKey', bundleKey(manifests), renderKey(base), false],
    ['bundleKey: manifest key order does not matter', bundleKey(manifests),
      bundleKey([{ metadata: { name: 'x' }, kind: 'ConfigMap', apiVersion: 'v1' }]), true],
    ['bundleKey: manifest order matters', bundleKey([...manifests, { kind: 'B' }]), bundleKey([{ kind: 'B' }, ...manifests]), false],
    ['bundleKey: another manifest value', bundleKey(manifests), bundleKey([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'y' } }]), false],
    ['bundleKey: no manifests is a key too', bundleKey([]), sha('[]'), true],
  ];
  for (const [name, a, b, equal] of rows) {
    it(name, () => {
      assert.match(a, /^sha256:[0-9a-f]{64}$/);
      if (equal) assert.equal(a, b);
      else assert.notEqual(a, b);
    });
  }
});
