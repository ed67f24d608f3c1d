// Table tests for finding Jsonnet imports (comments, the string forms, text blocks) and following
// them through a repository as go-jsonnet resolves them, refusing the ones that would leave it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findImports, followImports } from './jsonnet-imports.ts';
import { memoryView } from './repo-view.ts';

describe('findImports', () => {
  // case | source | [kind, path, line] of each import
  const rows: [string, string, [string, string, number][]][] = [
    ['the three kinds', 'local a = import "a.libsonnet";\nlocal b = importstr \'b.txt\';\nlocal c = importbin @"c.bin";\n{}',
      [['import', 'a.libsonnet', 1], ['importstr', 'b.txt', 2], ['importbin', 'c.bin', 3]]],
    ['comments hide imports', '// import "x"\n# import "y"\n/* import "z"\n */ import "real"', [['import', 'real', 4]]],
    ['a comment between keyword and path', 'import /* here */ "p"', [['import', 'p', 1]]],
    ['strings hide imports', '{ a: "import \\"x\\"", b: \'import "y"\', c: @"import ""z""" } + import "w"', [['import', 'w', 1]]],
    ['a text block hides imports', '{\n  a: |||\n    import "x"\n    |||not the end\n  |||,\n  b: import "after",\n}', [['import', 'after', 6]]],
    ['a chomped text block', 'local t = |||-\n  import "x"\n|||;\nimport "y"', [['import', 'y', 4]]],
    ['escapes in the path', 'import "dir\\/a\\u002elibsonnet"', [['import', 'dir/a.libsonnet', 1]]],
    ['verbatim quotes doubled', "importstr @'it''s.txt'", [['importstr', "it's.txt", 1]]],
    ['identifiers that contain the keyword', 'local my_import = 1; local importer = "x"; my_import', []],
    ['a computed import is not one', 'import ("a" + "b")', []],
    ['multi-line strings count lines', 'local s = "a\nb\nc";\nimport "x"', [['import', 'x', 4]]],
    ['an unterminated string ends the scan', 'import "a"; local s = "oops\nimport "b"', [['import', 'a', 1]]],
  ];
  for (const [what, source, expected] of rows) {
    it(what, () => assert.deepEqual(findImports(source).map((i) => [i.kind, i.path, i.line]), expected));
  }
});

describe('followImports', () => {
  const view = memoryView({
    'apps/gb/main.jsonnet': 'local k = import "k.libsonnet";\nlocal c = importstr "config.txt";\nlocal s = import "shared.libsonnet";\n{}',
    'apps/gb/config.txt': 'import "never-followed"',
    'lib/k.libsonnet': 'import "util/u.libsonnet"',
    'lib/util/u.libsonnet': '{}',
    'vendor/k.libsonnet': '{ shadowed: true }',
    'vendor/shared.libsonnet': 'import "../lib/util/u.libsonnet"',
    'apps/bad/up.jsonnet': '\n\nimport "../../../etc/passwd"',
    'apps/bad/abs.jsonnet': 'importstr "/etc/passwd"',
    'apps/bad/link.jsonnet': 'importstr "secret"',
    'apps/bad/missing.jsonnet': 'import "nowhere.libsonnet"',
  }, ['apps/bad/secret']);

  it('resolves against the importing file, then the library paths right-most first', () => {
    const reads = followImports(view, [{ file: 'apps/gb/main.jsonnet' }], ['apps/gb', 'vendor', 'lib']);
    assert.deepEqual(reads, { files: ['lib/k.libsonnet', 'apps/gb/config.txt', 'vendor/shared.libsonnet', 'lib/util/u.libsonnet'], errors: [] });
  });
  it('a library path earlier on the command line loses', () => {
    const reads = followImports(view, [{ file: 'apps/gb/main.jsonnet' }], ['lib', 'vendor']);
    assert.deepEqual(reads.files, ['vendor/k.libsonnet', 'apps/gb/config.txt', 'vendor/shared.libsonnet', 'lib/util/u.libsonnet']);
  });
  it('code snippets import relative to the repository root, then the library paths', () => {
    const reads = followImports(view, [{ code: 'import "k.libsonnet"', label: 'spec.source.directory.jsonnet.extVars[0]' }], ['lib']);
    assert.deepEqual(reads, { files: ['lib/k.libsonnet', 'lib/util/u.libsonnet'], errors: [] });
  });
  // file | [line, message pattern] of the refusal
  const refusals: [string, number, RegExp][] = [
    ['apps/bad/up.jsonnet', 3, /^import "..\/..\/..\/etc\/passwd" leaves the repository \(from "apps\/bad"\)$/],
    ['apps/bad/abs.jsonnet', 1, /^importstr "\/etc\/passwd" is an absolute path/],
    ['apps/bad/link.jsonnet', 1, /^importstr "secret" leads through a symlink to outside the repository$/],
  ];
  for (const [file, line, pattern] of refusals) {
    it(`refuses ${file}`, () => {
      const reads = followImports(view, [{ file }], ['apps/bad']);
      assert.equal(reads.errors.length, 1);
      assert.deepEqual([reads.errors[0]!.file, reads.errors[0]!.line], [file, line]);
      assert.match(reads.errors[0]!.message, pattern);
    });
  }
  it('an import found nowhere is left to jsonnet', () => {
    assert.deepEqual(followImports(view, [{ file: 'apps/bad/missing.jsonnet' }], []), { files: [], errors: [] });
  });
});
