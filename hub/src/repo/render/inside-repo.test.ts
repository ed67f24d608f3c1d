// Table tests for the inside-the-repository checks, on a real temporary directory holding symlinks
// that stay inside, lead outside (relative and absolute) and dangle.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkInsideRepo, cleanRepoPath, findOutOfBoundsSymlinks, isOutOfBounds, joinRepoPath } from './inside-repo.ts';

let top: string;
let root: string;

before(() => {
  top = mkdtempSync(join(tmpdir(), 'inside-repo-'));
  root = join(top, 'repo');
  mkdirSync(join(root, 'apps/base'), { recursive: true });
  mkdirSync(join(root, 'lib'), { recursive: true });
  mkdirSync(join(top, 'outside'));
  writeFileSync(join(root, 'apps/base/cm.yaml'), 'kind: ConfigMap\n');
  writeFileSync(join(top, 'outside/secret.txt'), 'secret\n');
  symlinkSync('base', join(root, 'apps/base-link'));
  symlinkSync('../../lib', join(root, 'apps/base/lib-link'));
  symlinkSync('../../outside', join(root, 'apps/out-rel'));
  symlinkSync(join(top, 'outside/secret.txt'), join(root, 'apps/out-abs.yaml'));
  symlinkSync(join(root, 'lib'), join(root, 'apps/in-abs'));
  symlinkSync('nowhere', join(root, 'apps/dangling'));
  symlinkSync('../..', join(root, 'lib/up'));
});
after(() => rmSync(top, { recursive: true, force: true }));

describe('cleanRepoPath and joinRepoPath', () => {
  // input | clean form (undefined: leaves the repository)
  const rows: [string, string | undefined][] = [
    ['apps/base', 'apps/base'], ['./apps//base/', 'apps/base'], ['apps/../lib', 'lib'], ['', ''], ['.', ''],
    ['..', undefined], ['apps/../../x', undefined],
  ];
  for (const [input, expected] of rows) it(`"${input}" → ${String(expected)}`, () => assert.equal(cleanRepoPath(input), expected));
  it('joins an entry to its directory', () => {
    assert.equal(joinRepoPath('apps/overlay', '../base'), 'apps/base');
    assert.equal(joinRepoPath('', 'lib'), 'lib');
    assert.equal(joinRepoPath('apps', '../../etc'), undefined);
  });
});

describe('checkInsideRepo', () => {
  // path | ok: [real location, exists] | refused: reason
  const rows: [string, [string, boolean] | 'absolute' | 'escapes' | 'symlink'][] = [
    ['apps/base/cm.yaml', ['apps/base/cm.yaml', true]],
    ['', ['', true]],
    ['apps/base-link/cm.yaml', ['apps/base/cm.yaml', true]],
    ['apps/base/lib-link', ['lib', true]],
    ['apps/in-abs', ['lib', true]],
    ['apps/missing/file.yaml', ['apps/missing/file.yaml', false]],
    ['apps/base-link/missing.yaml', ['apps/base/missing.yaml', false]],
    ['apps/dangling', ['apps/dangling', false]],
    ['apps/out-rel', 'symlink'],
    ['apps/out-rel/secret.txt', 'symlink'],
    ['apps/out-abs.yaml', 'symlink'],
    ['lib/up', 'symlink'],
    ['apps/out-rel/missing', 'symlink'],
    ['../outside/secret.txt', 'escapes'],
    ['apps/../../outside', 'escapes'],
    ['/etc/passwd', 'absolute'],
  ];
  for (const [path, expected] of rows) {
    it(`${path || '(root)'} → ${Array.isArray(expected) ? expected.join(', ') : expected}`, () => {
      const result = checkInsideRepo(root, path);
      if (Array.isArray(expected)) {
        assert.ok(result.ok, !result.ok ? result.message : '');
        assert.deepEqual([result.real, result.exists], expected);
      } else {
        assert.ok(!result.ok, `expected ${expected}`);
        assert.equal(result.reason, expected);
        assert.match(result.message, new RegExp(path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
      }
    });
  }
});

describe('findOutOfBoundsSymlinks', () => {
  it('finds absolute links and links that climb out, not links that stay inside', async () => {
    assert.deepEqual(await findOutOfBoundsSymlinks(root), ['apps/in-abs', 'apps/out-abs.yaml', 'apps/out-rel', 'lib/up']);
  });
  // link directory | target | out of bounds
  const rows: [string, string, boolean][] = [
    ['apps', '../lib', false], ['apps', '../../x', true], ['', '..', true], ['a/b', '../../c/../d', false],
    ['a', '../../a', true], ['a', '/a', true], ['a', './b/./c', false],
  ];
  for (const [dir, target, out] of rows) it(`${dir || '(root)'} → ${target}: ${out}`, () => assert.equal(isOutOfBounds(dir, target), out));
});
