// Table tests for user info in repository URLs: detecting, stripping and masking a password.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasUrlPassword, redactRepoUrl, redactSpecRepoUrls, redactUrlsIn, repoUrlPasswordIssues, stripUserinfo, userinfoOf } from './url-userinfo.ts';

describe('user info in repository URLs', () => {
  // [url, userinfo, hasPassword, stripped, redacted]
  const rows: [string, ReturnType<typeof userinfoOf>, boolean, string, string][] = [
    ['https://host/org/repo.git', undefined, false, 'https://host/org/repo.git', 'https://host/org/repo.git'],
    ['https://ci:s3cret@host/org/repo.git', { username: 'ci', password: 's3cret' }, true, 'https://host/org/repo.git', 'https://ci:******@host/org/repo.git'],
    ['https://oauth2@gitlab.example.com/g/p.git', { username: 'oauth2' }, false, 'https://gitlab.example.com/g/p.git', 'https://oauth2@gitlab.example.com/g/p.git'],
    ['https://:tok@host/r', { username: '', password: 'tok' }, true, 'https://host/r', 'https://:******@host/r'],
    ['HTTP://u:p%40ss@host:8080/r', { username: 'u', password: 'p@ss' }, true, 'HTTP://host:8080/r', 'HTTP://u:******@host:8080/r'],
    ['https://u:a:b@host/r', { username: 'u', password: 'a:b' }, true, 'https://host/r', 'https://u:******@host/r'],
    ['https://host/path@v1', undefined, false, 'https://host/path@v1', 'https://host/path@v1'],
    ['git@github.com:org/repo.git', undefined, false, 'git@github.com:org/repo.git', 'git@github.com:org/repo.git'],
  ];
  for (const [url, info, password, stripped, redacted] of rows) {
    it(url, () => {
      assert.deepEqual(userinfoOf(url), info);
      assert.equal(hasUrlPassword(url), password);
      assert.equal(stripUserinfo(url), stripped);
      assert.equal(redactRepoUrl(url), redacted);
    });
  }

  it('masks every URL in a message, keeping the rest', () => {
    assert.equal(
      redactUrlsIn('fetching https://a:one@x/r.git failed: redirected to "http://b:two@y/r" (see https://z/doc)'),
      'fetching https://a:******@x/r.git failed: redirected to "http://b:******@y/r" (see https://z/doc)',
    );
  });
});

describe('repoUrlPasswordIssues', () => {
  // [spec, the paths reported]
  const rows: [Parameters<typeof repoUrlPasswordIssues>[0], string[]][] = [
    [{ source: { repoURL: 'https://git.example.com/apps.git' } }, []],
    [{ source: { repoURL: 'https://oauth2@git.example.com/apps.git' } }, []],
    [{ source: { repoURL: 'https://ci:tok@git.example.com/apps.git' } }, ['spec.source.repoURL']],
    [{ sources: [{ repoURL: 'https://git.example.com/a' }, { repoURL: 'http://u:p@git.example.com/b' }] }, ['spec.sources[1].repoURL']],
    [{}, []],
  ];
  for (const [spec, paths] of rows) {
    it(JSON.stringify(spec), () => assert.deepEqual(repoUrlPasswordIssues(spec).map((i) => i.path), paths));
  }
});

describe('redactSpecRepoUrls', () => {
  it('masks every source and keeps a clean spec as it is', () => {
    const clean = { source: { repoURL: 'https://h/r', path: 'x' } };
    assert.equal(redactSpecRepoUrls(clean), clean);
    const spec = { source: { repoURL: 'https://u:p@h/r', path: 'x' }, sources: [{ repoURL: 'https://u:q@h/s' }], project: 'default' };
    assert.deepEqual(redactSpecRepoUrls(spec), { source: { repoURL: 'https://u:******@h/r', path: 'x' }, sources: [{ repoURL: 'https://u:******@h/s' }], project: 'default' });
    assert.equal(spec.source.repoURL, 'https://u:p@h/r');
  });
});
