// Table tests for canonical repository URLs: every spelling of one repository meets at one key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSameRepo, normalizeRepoUrl } from './repo-url.ts';

describe('normalizeRepoUrl', () => {
  // [input, canonical]
  const rows: [string, string][] = [
    ['https://github.com/argoproj/argocd-example-apps', 'github.com/argoproj/argocd-example-apps'],
    ['https://github.com/argoproj/argocd-example-apps.git', 'github.com/argoproj/argocd-example-apps'],
    ['https://github.com/argoproj/argocd-example-apps/', 'github.com/argoproj/argocd-example-apps'],
    ['https://github.com/argoproj/argocd-example-apps.git/', 'github.com/argoproj/argocd-example-apps'],
    ['HTTPS://GitHub.COM/ArgoProj/Example-Apps.git', 'github.com/ArgoProj/Example-Apps'],
    ['git@github.com:argoproj/argocd-example-apps.git', 'github.com/argoproj/argocd-example-apps'],
    ['git@GitHub.com:/argoproj/apps.git', 'github.com/argoproj/apps'],
    ['ssh://git@github.com/argoproj/argocd-example-apps', 'github.com/argoproj/argocd-example-apps'],
    ['ssh://git@github.com:22/argoproj/argocd-example-apps.git', 'github.com/argoproj/argocd-example-apps'],
    ['ssh://git@bitbucket.local:7999/~gopher/webhook-test.git', 'bitbucket.local:7999/~gopher/webhook-test'],
    ['git+ssh://git@example.com/org/repo.git', 'example.com/org/repo'],
    ['git://github.com/binkkatal/sample_app.git', 'github.com/binkkatal/sample_app'],
    ['http://localhost:3000/example/example.git', 'localhost:3000/example/example'],
    ['http://localhost:80/example/example', 'localhost/example/example'],
    ['https://gitlab.example.com:443/group/sub/project.git', 'gitlab.example.com/group/sub/project'],
    ['https://gitlab.example.com:8443/group/project', 'gitlab.example.com:8443/group/project'],
    ['https://user:token@gitlab.example.com/group/project.git', 'gitlab.example.com/group/project'],
    ['https://oauth2@gitlab.example.com/group/project.git?ref=main#frag', 'gitlab.example.com/group/project'],
    ['http://[::1]:8080/org/repo.git', '[::1]:8080/org/repo'],
    ['  https://github.com/org/repo  ', 'github.com/org/repo'],
    ['file:///tmp/repos/app.git', 'file:///tmp/repos/app'],
    ['github.com/org/repo', 'github.com/org/repo'],
    ['GitHub.com:8443/Org/Repo.git', 'github.com:8443/Org/Repo'],
    ['/srv/git/app.git', '/srv/git/app'],
    ['', ''],
  ];
  for (const [input, canonical] of rows) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(canonical)}`, () => {
      assert.equal(normalizeRepoUrl(input), canonical);
    });
  }

  it('is idempotent', () => {
    for (const [input] of rows) {
      const once = normalizeRepoUrl(input);
      assert.equal(normalizeRepoUrl(once), once, input);
    }
  });
});

describe('isSameRepo', () => {
  // [a, b, same]
  const rows: [string, string, boolean][] = [
    ['git@github.com:org/repo.git', 'https://github.com/org/repo', true],
    ['ssh://git@github.com/org/repo', 'https://GITHUB.com/org/repo.git/', true],
    ['https://github.com/org/repo', 'http://github.com/org/repo', true],
    ['https://github.com/org/repo', 'https://github.com/org/repo-other', false],
    ['https://github.com/org/repo', 'https://github.com/Org/Repo', false],
    ['https://git.example.com:8443/org/repo', 'https://git.example.com/org/repo', false],
    ['https://github.com/org/repo', 'https://gitlab.com/org/repo', false],
    ['', '', false],
  ];
  for (const [a, b, same] of rows) {
    it(`${a} vs ${b} → ${same}`, () => {
      assert.equal(isSameRepo(a, b), same);
      assert.equal(isSameRepo(b, a), same);
    });
  }
});
