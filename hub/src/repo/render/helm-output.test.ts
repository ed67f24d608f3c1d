// helm's standard output as manifests: documents after `# Source:` lines, errors naming that
// template by its repository path, YAML read as the directory renderer reads it, by the fast
// reader and by the yaml library alike.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseHelmOutput, sourceToRepoPath } from './helm-output.ts';

const fileOf = (s: string) => sourceToRepoPath(s, 'charts/web');
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

describe('parseHelmOutput', () => {
  // name | stdout | manifest names, or errors as "file: message" patterns
  const rows: [string, string, string[] | RegExp[]][] = [
    ['documents in output order', `---\n# Source: web/templates/a.yaml\n${cm('a')}---\n# Source: web/templates/b.yaml\n${cm('b')}`, ['a', 'b']],
    ['empty output and empty documents', `---\n# Source: web/templates/empty.yaml\n---\n# Source: web/templates/a.yaml\n${cm('a')}`, ['a']],
    ['a List is expanded', `---\n# Source: web/templates/l.yaml\napiVersion: v1\nkind: ConfigMapList\nitems:\n- ${cm('x').trimEnd().replaceAll('\n', '\n  ')}\n`, ['x']],
    ['no output at all', '', []],
    ['a non-object names its template and the line in its output',
      `---\n# Source: web/templates/a.yaml\n${cm('a')}---\n# Source: web/templates/settings.yaml\nlogLevel: debug\n`,
      [/^charts\/web\/templates\/settings\.yaml: line 1 of its rendered output: not a Kubernetes object: it lacks "apiVersion", "kind", "metadata"$/]],
    ['a subchart template maps under the chart', `---\n# Source: web/charts/common/templates/x.yaml\n- a\n`, [/^charts\/web\/charts\/common\/templates\/x\.yaml: .*expected a mapping, found a sequence/]],
    ['a YAML error names the template and the line below its header', `---\n# Source: web/templates/a.yaml\n${cm('a')}---\n# Source: web/templates/bad.yaml\napiVersion: v1\nkind: [\n`,
      [/^charts\/web\/templates\/bad\.yaml: line \d of its rendered output: YAML syntax error/]],
    ['a document without a header names the chart', cm('x').replace('name: x', 'namespace: y'), [/^charts\/web: .*it lacks "metadata\.name"$/]],
  ];
  for (const [name, stdout, want] of rows) {
    it(name, () => {
      const got = parseHelmOutput(stdout, fileOf, 'charts/web');
      assert.deepEqual(got, parseHelmOutput(stdout, fileOf, 'charts/web', { fast: false }), 'the fast reader and the yaml library alone answer alike');
      if (want.every((w) => typeof w === 'string')) {
        assert.ok(got.ok, JSON.stringify(!got.ok && got.errors));
        assert.deepEqual(got.manifests.map((m) => (m as { metadata: { name: string } }).metadata.name), want);
      } else {
        assert.ok(!got.ok, 'fails');
        assert.equal(got.errors.length, want.length, JSON.stringify(got.errors));
        got.errors.forEach((e, i) => assert.match(`${e.file}: ${e.message}`, want[i] as RegExp));
      }
    });
  }

  it('reads YAML 1.1 as Kubernetes does, timestamps kept as strings', () => {
    const got = parseHelmOutput(`---\n# Source: web/templates/a.yaml\n${cm('a')}data:\n  mode: 0644\n  flag: yes\n  when: 2026-12-01\n`, fileOf, 'charts/web');
    assert.ok(got.ok);
    assert.deepEqual((got.manifests[0] as { data: unknown }).data, { mode: 420, flag: true, when: '2026-12-01' });
  });

  it('refuses alias bombs', () => {
    const bomb = 'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n';
    const got = parseHelmOutput(`---\n# Source: web/templates/bomb.yaml\n${cm('a')}${bomb}`, fileOf, 'charts/web');
    assert.ok(!got.ok);
    assert.equal(got.errors[0]!.file, 'charts/web/templates/bomb.yaml');
  });

  // helm's output of charts (testdata/helm/output/*.yaml, README there): the fast reader reads
  // every document itself and gives what the yaml library gives.
  const outputs = new URL('./testdata/helm/output/', import.meta.url).pathname;
  for (const name of readdirSync(outputs).filter((f) => f.endsWith('.yaml'))) {
    it(`reads ${name} with the fast reader, as the yaml library does`, () => {
      const stdout = readFileSync(join(outputs, name), 'utf8');
      const counts = { fast: 0, full: 0 };
      const got = parseHelmOutput(stdout, fileOf, 'charts/web', { counts });
      assert.ok(got.ok, JSON.stringify(!got.ok && got.errors));
      assert.ok(got.manifests.length > 0);
      assert.deepEqual(got, parseHelmOutput(stdout, fileOf, 'charts/web', { fast: false }));
      assert.ok(counts.fast >= got.manifests.length && counts.full === 0, `read by the fast reader: ${JSON.stringify(counts)}`);
    });
  }

  it('leaves a document it cannot read to the yaml library, and only that one', () => {
    const stdout = `---\n# Source: web/templates/a.yaml\n${cm('a')}---\n# Source: web/templates/b.yaml\n${cm('b')}data:\n  first: &x 1\n  second: *x\n---\n# Source: web/templates/c.yaml\n${cm('c')}`;
    const counts = { fast: 0, full: 0 };
    const got = parseHelmOutput(stdout, fileOf, 'charts/web', { counts });
    assert.deepEqual(counts, { fast: 2, full: 1 });
    assert.deepEqual(got, parseHelmOutput(stdout, fileOf, 'charts/web', { fast: false }));
    assert.ok(got.ok);
    assert.deepEqual((got.manifests[1] as { data: unknown }).data, { first: 1, second: 1 });
  });

  it('sourceToRepoPath swaps the chart name for its path', () => {
    assert.equal(sourceToRepoPath('web/templates/a.yaml', 'charts/web'), 'charts/web/templates/a.yaml');
    assert.equal(sourceToRepoPath('web/templates/a.yaml', ''), 'templates/a.yaml');
  });
});
