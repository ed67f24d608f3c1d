// Where value files and file parameters are (Argo CD's rules, URLs refused), and the checks on
// disk: symbolic links out of the repository, missing files.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cleanPath, findEscapingLink, inputPath, locateFile, placeFile, type Placement } from './helm-files.ts';

describe('placeFile', () => {
  const F = 'helm.valueFiles[0]';
  // raw | chart path | placement (or the error's text)
  const rows: [string, string, Placement | RegExp][] = [
    ['values-prod.yaml', 'charts/web', { ok: true, path: 'charts/web/values-prod.yaml' }],
    ['./a/../b.yaml', 'charts/web', { ok: true, path: 'charts/web/b.yaml' }],
    ['../../envs/prod.yaml', 'charts/web', { ok: true, path: 'envs/prod.yaml' }],
    ['/envs/prod.yaml', 'charts/web', { ok: true, path: 'envs/prod.yaml' }],
    ['values.yaml', '', { ok: true, path: 'values.yaml' }],
    ['$values/env/prod.yaml', 'charts/web', { ok: true, ref: 'values', path: 'env/prod.yaml' }],
    ['../../../etc/passwd', 'charts/web', /^helm\.valueFiles\[0\]: "\.\.\/\.\.\/\.\.\/etc\/passwd" is outside the repository$/],
    ['/../etc/passwd', 'charts/web', /is outside the repository/],
    ['$values/../../x.yaml', 'charts/web', /is outside the repository of the source with ref "values"/],
    ['$values', '', /names no file of the source with ref "values"/],
    ['$nope/x.yaml', '', /refers to the source with ref "nope", but the refs are \$values/],
    ['https://example.com/v.yaml', '', /is a URL; the hub fetches remote value files only from hosts listed in FLOTILLA_REMOTE_SOURCES/],
    ['s3://bucket/v.yaml', '', /is a URL/],
    ['..', '', /is outside the repository/],
    ['.', '', /names no file/],
  ];
  for (const [raw, chartPath, want] of rows) {
    it(`${raw} (chart at "${chartPath}")`, () => {
      const got = placeFile(raw, F, chartPath, ['values']);
      if (want instanceof RegExp) {
        assert.ok(!got.ok, 'refused');
        assert.match(got.message, want);
      } else assert.deepEqual(got, want);
    });
  }
  it('says when no source has a ref', () => assert.match((placeFile('$x/a', F, '', []) as { message: string }).message, /but no source has a ref/));
  it('names inputs of ref sources $ref/path', () => {
    assert.equal(inputPath({ path: 'envs/a.yaml' }), 'envs/a.yaml');
    assert.equal(inputPath({ ref: 'values', path: 'env/a.yaml' }), '$values/env/a.yaml');
  });
  it('cleanPath folds . and .. and refuses climbing out', () => {
    assert.equal(cleanPath('a/b', '../c'), 'a/c');
    assert.equal(cleanPath('', 'a//b/./c'), 'a/b/c');
    assert.equal(cleanPath('a', '../..'), undefined);
  });
});

describe('locateFile and findEscapingLink', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-helm-files-'));
  const root = join(dir, 'repo');
  mkdirSync(join(root, 'chart/files'), { recursive: true });
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'outside/secret.yaml'), 'x: 1\n');
  writeFileSync(join(root, 'values.yaml'), 'a: 1\n');
  symlinkSync('values.yaml', join(root, 'inside-link.yaml'));
  symlinkSync(join(dir, 'outside/secret.yaml'), join(root, 'outside-link.yaml'));
  symlinkSync(join(dir, 'outside'), join(root, 'outside-dir'));
  symlinkSync(join(dir, 'outside/gone.yaml'), join(root, 'dangling-out.yaml'));
  symlinkSync('nothing-here.yaml', join(root, 'dangling-in.yaml'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  // path | what it is
  const rows: [string, string][] = [
    ['values.yaml', 'file'],
    ['inside-link.yaml', 'file'],
    ['outside-link.yaml', 'outside'],
    ['outside-dir/secret.yaml', 'outside'],
    ['outside-dir/missing.yaml', 'outside'],
    ['dangling-out.yaml', 'outside'],
    ['dangling-in.yaml', 'missing'],
    ['nope.yaml', 'missing'],
    ['nope/deeper.yaml', 'missing'],
    ['chart', 'not-a-file'],
  ];
  for (const [path, kind] of rows) it(`${path} is ${kind}`, async () => assert.equal((await locateFile(root, path)).kind, kind));

  it('finds a link out of the repository inside a chart, also through a linked folder', async () => {
    assert.equal(await findEscapingLink(root, join(root, 'chart')), undefined);
    symlinkSync('../../outside-dir', join(root, 'chart/files/via-dir'));
    assert.equal(await findEscapingLink(root, join(root, 'chart')), 'chart/files/via-dir');
    rmSync(join(root, 'chart/files/via-dir'));
    symlinkSync('../../values.yaml', join(root, 'chart/files/ok.yaml'));
    assert.equal(await findEscapingLink(root, join(root, 'chart')), undefined);
  });
});
