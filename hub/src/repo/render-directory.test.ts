// Table tests for the directory source type: file selection (recurse, include, exclude, extensions, skip marker),
// parsing (multi-document YAML, JSON objects and arrays, Lists), checks and their file:line errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { normalizeSourcePath, renderDirectory, type DirectoryOptions, type RepoFile } from './render-directory.ts';

const REPO_DIR = new URL('./testdata/directory-repo/', import.meta.url);
const repo: RepoFile[] = readdirSync(REPO_DIR, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile())
  .map((e) => {
    const abs = `${e.parentPath}/${e.name}`;
    return { path: abs.slice(REPO_DIR.pathname.length), content: readFileSync(abs, 'utf8') };
  });

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const file = (path: string, content: string): RepoFile => ({ path, content });

/** `kind/name` (or `kind/generateName`) of each manifest, in order. */
type Ids = { ids: string[] };
/** Each expected error: [file, line, column (undefined: not checked), message pattern]. */
type Errors = { errors: [string, number | undefined, number | undefined, RegExp][] };

const GUESTBOOK_TOP = ['ConfigMap/guestbook-config', 'Deployment/guestbook-ui', 'Service/guestbook-ui'];
const GUESTBOOK_ALL = [
  'ConfigMap/guestbook-config', 'Deployment/guestbook-ui', 'ServiceAccount/guestbook', 'Role/guestbook-reader-',
  'NetworkPolicy/guestbook-ingress', 'Service/guestbook-ui',
];

// [case, files, sourcePath, options, expected]
const rows: [string, RepoFile[], string, DirectoryOptions, Ids | Errors][] = [
  ['top level only by default; values.yaml, skip marker, jsonnet and README ignored', repo, 'apps/guestbook', {}, { ids: GUESTBOOK_TOP }],
  ['recurse walks subdirectories in filepath.Walk order', repo, 'apps/guestbook', { recurse: true }, { ids: GUESTBOOK_ALL }],
  ['trailing slash and ./ in the path', repo, './apps/guestbook/', {}, { ids: GUESTBOOK_TOP }],
  ['include *.yaml crosses directories', repo, 'apps/guestbook', { recurse: true, include: '*.yaml' },
    { ids: ['Deployment/guestbook-ui', 'ServiceAccount/guestbook', 'Role/guestbook-reader-', 'Service/guestbook-ui'] }],
  ['include with braces', repo, 'apps/guestbook', { recurse: true, include: '{*.yml,*.json}' },
    { ids: ['ConfigMap/guestbook-config', 'NetworkPolicy/guestbook-ingress'] }],
  ['include a directory', repo, 'apps/guestbook', { recurse: true, include: 'extra/*' },
    { ids: ['ServiceAccount/guestbook', 'Role/guestbook-reader-', 'NetworkPolicy/guestbook-ingress'] }],
  ['exclude a file and a directory', repo, 'apps/guestbook', { recurse: true, exclude: '{config.json,extra/*}' },
    { ids: ['Deployment/guestbook-ui', 'Service/guestbook-ui'] }],
  ['exclude wins over include', repo, 'apps/guestbook', { recurse: true, include: '*.yaml', exclude: 'extra/*' },
    { ids: ['Deployment/guestbook-ui', 'Service/guestbook-ui'] }],
  ['patterns match the path below the source path, not the repo path', repo, 'apps/guestbook', { include: 'apps/*' }, { ids: [] }],
  ['[!...] negates a class', repo, 'apps/guestbook', { include: '[!d]*' }, { ids: ['ConfigMap/guestbook-config', 'Service/guestbook-ui'] }],
  ['errors collect over all files', repo, 'apps/broken', {}, { errors: [
    ['apps/broken/a-syntax.yaml', 7, undefined, /YAML syntax error: Flow sequence .* must .* end with a \]/],
    ['apps/broken/b-multi.yaml', 6, undefined, /document 2 is not a Kubernetes object: it lacks a string "metadata.name"/],
    ['apps/broken/b-multi.yaml', 19, undefined, /item 2 of the ConfigMapList in document 3 .* lacks a string "apiVersion"/],
    ['apps/broken/c-bad.json', 5, 3, /JSON syntax error/],
    ['apps/broken/d-array.json', 3, undefined, /element 2 of the JSON array is not a Kubernetes object: expected a mapping, found string/],
  ] }],
  ['the source path does not exist', repo, 'apps/nope', {},
    { errors: [['apps/nope', undefined, undefined, /^path "apps\/nope" does not exist in the repository at this revision$/]] }],
  ['the source path is a file', repo, 'apps/guestbook/service.yaml', {}, { errors: [['apps/guestbook/service.yaml', undefined, undefined, /is a file/]] }],
  ['the source path leaves the repository', repo, 'apps/../../etc', {}, { errors: [['apps/../../etc', undefined, undefined, /outside the repository/]] }],
  ['a prefix of a directory name is not the directory', repo, 'apps/guest', {}, { errors: [['apps/guest', undefined, undefined, /does not exist/]] }],
  ['an existing path with no manifests renders nothing', [file('docs/README.md', '# hi')], 'docs', {}, { ids: [] }],
  ['root as ""', [file('a.yaml', cm('a')), file('sub/b.yaml', cm('b'))], '', {}, { ids: ['ConfigMap/a'] }],
  ['root as "."', [file('a.yaml', cm('a')), file('sub/b.yaml', cm('b'))], '.', { recurse: true }, { ids: ['ConfigMap/a', 'ConfigMap/b'] }],
  ['a/ sorts before a.yaml, as filepath.Walk does', [file('a.yaml', cm('file')), file('a/x.yaml', cm('dir'))], '', { recurse: true },
    { ids: ['ConfigMap/dir', 'ConfigMap/file'] }],
  ['extensions are case-sensitive', [file('a.YAML', cm('upper')), file('b.yml', cm('yml'))], '', {}, { ids: ['ConfigMap/yml'] }],
  ['empty and comment-only documents are skipped', [file('a.yaml', `---\n---\n# nothing\n---\n${cm('x')}---\n`)], '', {}, { ids: ['ConfigMap/x'] }],
  ['empty files are skipped', [file('a.yaml', ''), file('b.json', '\n')], '', {}, { ids: [] }],
  ['a List with items: null renders nothing', [file('a.yaml', 'apiVersion: v1\nkind: ConfigMapList\nitems: null\n')], '', {}, { ids: [] }],
  ['an items field alone does not make a List', [file('a.yaml', 'apiVersion: example.com/v1\nkind: Bag\nmetadata:\n  name: bag\nitems: [1]\n')], '', {},
    { ids: ['Bag/bag'] }],
  ['a JSON array of objects', [file('a.json', '[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n1"}},\n{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n2"}}]')],
    '', {}, { ids: ['Namespace/n1', 'Namespace/n2'] }],
  ['a file with a byte-order mark', [file('a.json', '\uFEFF{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bom"}}')], '', {},
    { ids: ['Namespace/bom'] }],
  ['unrelated YAML with a syntax error is ignored', [file('ci.yaml', 'steps: [a, b\n'), file('m.yaml', cm('m'))], '', {}, { ids: ['ConfigMap/m'] }],
  ['unrelated JSON (no kind) is ignored', [file('package.json', '{"name":"x","version":"1.0.0"}')], '', {}, { ids: [] }],
  ['unrelated YAML: no "kind:" anywhere in the text', [file('a.yaml', 'apiVersion: v1\nmetadata:\n  name: x\n')], '', {}, { ids: [] }],
  ['manifest-looking YAML without a top-level kind is an error',
    [file('a.yaml', 'apiVersion: v1\nmetadata:\n  name: x\n  labels:\n    kind: web\n')], '', {},
    { errors: [['a.yaml', 1, undefined, /the document is not a Kubernetes object: it lacks a string "kind"$/]] }],
  ['a scalar document in a manifest file is an error', [file('a.yaml', `${cm('a')}---\njust text\n`)], '', {},
    { errors: [['a.yaml', 6, undefined, /document 2 is not a Kubernetes object: expected a mapping, found string "just text"/]] }],
  ['duplicate keys are an error', [file('a.yaml', `${cm('a')}  name: b\n`)], '', {},
    { errors: [['a.yaml', 5, 3, /Map keys must be unique/]] }],
  ['syntax error column', [file('a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n bad: indent\n')], '', {},
    { errors: [['a.yaml', 5, 1, /YAML syntax error: All mapping items must start at the same column/]] }],
  ['a manifest left out for its size is an error naming the limit', [file('app/big.yaml', ''), file('app/ok.yaml', cm('ok'))].map((f) => (f.path === 'app/big.yaml' ? { ...f, tooLarge: { size: 9 * 1024 * 1024, limit: 8 * 1024 * 1024 } } : f)), 'app', {},
    { errors: [['app/big.yaml', undefined, undefined, /the file \(9 MiB\) exceeds the hub's limit of 8 MiB \(setting repoMaxFileBytes\)/]] }],
  ['a file left out for its size that is not selected is no error', [{ ...file('app/big.bin', ''), tooLarge: { size: 100, limit: 10 } }, file('app/ok.yaml', cm('ok'))], 'app', {}, { ids: ['ConfigMap/ok'] }],
];

describe('renderDirectory', () => {
  for (const [name, files, sourcePath, options, expected] of rows) {
    it(name, () => {
      const result = renderDirectory(files, sourcePath, options);
      if ('ids' in expected) {
        assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
        if (!result.ok) return;
        assert.deepEqual(result.manifests.map(id), expected.ids);
      } else {
        assert.ok(!result.ok, 'expected errors');
        if (result.ok) return;
        assert.equal(result.errors.length, expected.errors.length, JSON.stringify(result.errors, null, 1));
        expected.errors.forEach(([path, line, column, message], i) => {
          const actual = result.errors[i]!;
          assert.equal(actual.file, path);
          assert.equal(actual.line, line, actual.message);
          if (column !== undefined) assert.equal(actual.column, column, actual.message);
          assert.match(actual.message, message);
        });
      }
    });
  }
});

describe('renderDirectory scalars (YAML 1.1, as Kubernetes decodes them)', () => {
  // [case, value in `data.v` (YAML), expected JS value]
  const rows: [string, string, unknown][] = [
    ['leading-zero integers are octal', '0644', 420],
    ['yes is a boolean', 'yes', true],
    ['off is a boolean', 'off', false],
    ['a quoted yes stays a string', '"yes"', 'yes'],
    ['timestamps stay strings', '2024-05-01T10:00:00Z', '2024-05-01T10:00:00Z'],
    ['base-60 numbers stay strings', '22:22', '22:22'],
    ['hex integers', '0x1F', 31],
  ];
  for (const [name, yaml, expected] of rows) {
    it(name, () => {
      const result = renderDirectory([file('a.yaml', `${cm('a')}data:\n  v: ${yaml}\n`)], '', {});
      assert.ok(result.ok);
      if (!result.ok) return;
      assert.deepEqual((result.manifests[0] as { data: { v: unknown } }).data.v, expected);
    });
  }

  it('keeps the deployment fixture\'s defaultMode 0644 as 420', () => {
    const result = renderDirectory(repo, 'apps/guestbook', { include: 'deployment.yaml' });
    assert.ok(result.ok);
    if (!result.ok) return;
    assert.match(JSON.stringify(result.manifests[0]), /"defaultMode":420/);
  });
});

describe('normalizeSourcePath', () => {
  // [input, normalized (undefined: outside the repository)]
  const rows: [string, string | undefined][] = [
    ['', ''], ['.', ''], ['./', ''], ['/', ''], ['apps/guestbook', 'apps/guestbook'], ['./apps//guestbook/', 'apps/guestbook'],
    ['apps/x/../guestbook', 'apps/guestbook'], ['..', undefined], ['apps/../../x', undefined],
  ];
  for (const [input, expected] of rows) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => assert.equal(normalizeSourcePath(input), expected));
  }
});

function id(manifest: object): string {
  const m = manifest as { kind: string; metadata: { name?: string; generateName?: string } };
  return `${m.kind}/${m.metadata.name ?? m.metadata.generateName}`;
}
