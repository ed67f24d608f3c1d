// A chart's dependencies and what building them needs; which registries get plain http.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dependencyNeeds, isLoopbackHost, ociHost, readDependencies, type ChartDependency } from './helm-chart.ts';

const dep = (name: string, repository: string, version = '1.0.0'): ChartDependency => ({ name, version, repository });

describe('readDependencies', () => {
  it('reads Chart.yaml, else requirements.yaml (apiVersion v1)', () => {
    assert.deepEqual(readDependencies('name: a\ndependencies:\n  - name: db\n    version: ^1\n    repository: https://c.example.com\n'), { ok: true, dependencies: [dep('db', 'https://c.example.com', '^1')] });
    assert.deepEqual(readDependencies('name: a\n', 'dependencies:\n  - name: db\n'), { ok: true, dependencies: [dep('db', '', '')] });
    assert.deepEqual(readDependencies('name: a\n'), { ok: true, dependencies: [] });
  });
  it('says what is wrong with a Chart.yaml', () => {
    assert.match((readDependencies('name: [\n') as { message: string }).message, /^Chart\.yaml does not parse/);
    assert.match((readDependencies('dependencies: 3\n') as { message: string }).message, /"dependencies" is not a list/);
  });
});

describe('dependencyNeeds', () => {
  // name | dependencies | charts/ entries | missing names, http, oci, files (or the error)
  const rows: [string, ChartDependency[], string[], [string[], string[], string[], string[]] | RegExp][] = [
    ['all vendored (folder or archive)', [dep('a', 'https://x'), dep('b', 'https://x')], ['a', 'b-1.0.0.tgz'], [[], [], [], []]],
    ['missing ones, repositories once each', [dep('a', 'https://x'), dep('b', 'https://x'), dep('c', 'oci://r.example.com/charts')], ['a'], [['b', 'c'], ['https://x'], ['oci://r.example.com/charts'], []]],
    ['file:// dependencies are listed whether vendored or not', [dep('lib', 'file://../lib')], ['lib'], [[], [], [], ['../lib']]],
    ['an alias repository is refused', [dep('a', '@stable')], [], /alias "@stable".*write the repository's URL/],
    ['an alias: repository is refused', [dep('a', 'alias:stable')], [], /alias "alias:stable"/],
    ['a vendored alias dependency needs no repository', [dep('a', '@stable')], ['a-1.0.0.tgz'], [[], [], [], []]],
  ];
  for (const [name, deps, entries, want] of rows) {
    it(name, () => {
      const got = dependencyNeeds(deps, entries);
      if (want instanceof RegExp) {
        assert.ok(!got.ok);
        assert.match(got.message, want);
        return;
      }
      assert.ok(got.ok);
      assert.deepEqual([got.needs.missing.map((d) => d.name), got.needs.http, got.needs.oci, got.needs.files], want);
    });
  }
});

describe('isLoopbackHost and ociHost', () => {
  // host | loopback
  const rows: [string, boolean][] = [
    ['127.0.0.1:5000', true], ['127.1.2.3', true], ['localhost:5000', true], ['[::1]:5000', true],
    ['registry.example.com', false], ['10.0.0.1:5000', false], ['127.0.0.1.nip.io', false], ['localhost.example.com', false],
  ];
  for (const [host, want] of rows) it(`${host}: ${want}`, () => assert.equal(isLoopbackHost(host), want));
  it('ociHost takes the host and port', () => assert.equal(ociHost('oci://127.0.0.1:5000/charts/web'), '127.0.0.1:5000'));
});
