// Table tests for push webhooks: provider detection, signatures (valid, wrong, missing, unset) and payload shapes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parsePushWebhook, type WebhookHeaders, type WebhookResult, type WebhookSecrets } from './webhook.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`./testdata/webhooks/${name}`, import.meta.url));
const hmac = (algorithm: 'sha1' | 'sha256', secret: string, body: Buffer): string =>
  createHmac(algorithm, secret).update(body).digest('hex');

const SECRET = 'It5-a-s3cret';
const githubPush = fixture('github-push.json');
const githubTag = fixture('github-tag-push.json');
const githubDelete = fixture('github-branch-delete.json');
const githubPing = fixture('github-ping.json');
const gitlabPush = fixture('gitlab-push.json');
const gitlabTag = fixture('gitlab-tag-push.json');
const gitlabTruncated = Buffer.from(JSON.stringify({ ...JSON.parse(gitlabPush.toString()), total_commits_count: 42 }));
const giteaPush = fixture('gitea-push.json');
const bbsRefs = fixture('bitbucket-server-refs-changed.json');
const bbsPing = fixture('bitbucket-server-ping.json');
const truncated = githubPush.subarray(0, 200);

const GITHUB_URLS = [
  'https://github.com/Octo-Org/fleet-config',
  'https://github.com/Octo-Org/fleet-config.git',
  'git@github.com:Octo-Org/fleet-config.git',
  'git://github.com/Octo-Org/fleet-config.git',
];
const GITLAB_URLS = [
  'https://gitlab.example.com/platform/fleet-config.git',
  'git@gitlab.example.com:platform/fleet-config.git',
  'https://gitlab.example.com/platform/fleet-config',
];
const GITHUB_PUSH: WebhookResult = {
  kind: 'push', provider: 'github', repoUrls: GITHUB_URLS, ref: 'refs/heads/main', branch: 'main',
  commit: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
  changedFiles: ['apps/guestbook/hpa.yaml', 'apps/guestbook/deployment.yaml', 'README.md', 'apps/guestbook/service-old.yaml'],
};
const GITLAB_PUSH: WebhookResult = {
  kind: 'push', provider: 'gitlab', repoUrls: GITLAB_URLS, ref: 'refs/heads/main', branch: 'main',
  commit: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
  changedFiles: ['clusters/eu-west/redis/pdb.yaml', 'clusters/eu-west/redis/statefulset.yaml', 'clusters/eu-west/legacy/cronjob.yaml'],
};

/** A full expected result, or for a rejection its status and a pattern its reason must match. */
type Expect = WebhookResult | { status: 400 | 401; reason: RegExp };

// [case, body, headers, secrets, expected]
const rows: [string, Buffer, WebhookHeaders, WebhookSecrets, Expect][] = [
  // GitHub
  ['github push, unsigned, no secret', githubPush, { 'x-github-event': 'push' }, {}, GITHUB_PUSH],
  ['github push, valid sha256', githubPush,
    { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': `sha256=${hmac('sha256', SECRET, githubPush)}` }, { github: SECRET }, GITHUB_PUSH],
  ['github push, valid sha256 in upper-case hex', githubPush,
    { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac('sha256', SECRET, githubPush).toUpperCase()}` },
    { github: SECRET }, GITHUB_PUSH],
  ['github push, only legacy sha1 header, valid', githubPush,
    { 'x-github-event': 'push', 'x-hub-signature': `sha1=${hmac('sha1', SECRET, githubPush)}` }, { github: SECRET }, GITHUB_PUSH],
  ['github push, wrong sha256', githubPush,
    { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac('sha256', 'other', githubPush)}` }, { github: SECRET },
    { status: 401, reason: /X-Hub-Signature-256 does not match/ }],
  ['github push, sha256 wins over a valid sha1', githubPush,
    { 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=00', 'x-hub-signature': `sha1=${hmac('sha1', SECRET, githubPush)}` },
    { github: SECRET }, { status: 401, reason: /X-Hub-Signature-256 does not match/ }],
  ['github push, wrong sha1', githubPush,
    { 'x-github-event': 'push', 'x-hub-signature': `sha1=${hmac('sha1', 'other', githubPush)}` }, { github: SECRET },
    { status: 401, reason: /X-Hub-Signature does not match/ }],
  ['github push, signature without prefix', githubPush,
    { 'x-github-event': 'push', 'x-hub-signature-256': hmac('sha256', SECRET, githubPush) }, { github: SECRET },
    { status: 401, reason: /X-Hub-Signature-256 header is malformed/ }],
  ['github push, missing signature with secret', githubPush, { 'x-github-event': 'push' }, { github: SECRET },
    { status: 401, reason: /missing X-Hub-Signature-256/ }],
  ['github push, signed for another body', githubPush,
    { 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac('sha256', SECRET, githubTag)}` }, { github: SECRET },
    { status: 401, reason: /does not match the request body/ }],
  ['github push, header value as a list', githubPush,
    { 'x-github-event': ['push'], 'x-hub-signature-256': [`sha256=${hmac('sha256', SECRET, githubPush)}`] }, { github: SECRET },
    GITHUB_PUSH],
  ['github tag push', githubTag, { 'x-github-event': 'push' }, {},
    { kind: 'push', provider: 'github', repoUrls: GITHUB_URLS, ref: 'refs/tags/v1.4.0', tag: 'v1.4.0',
      commit: 'a10867b14bb761a232cd80139fbd4c0d33264240', changedFiles: [] }],
  ['github branch deleted: no commit', githubDelete, { 'x-github-event': 'push' }, {},
    { kind: 'push', provider: 'github', repoUrls: GITHUB_URLS, ref: 'refs/heads/feature/canary', branch: 'feature/canary',
      changedFiles: [] }],
  ['github ping, signed', githubPing,
    { 'x-github-event': 'ping', 'x-hub-signature-256': `sha256=${hmac('sha256', SECRET, githubPing)}` }, { github: SECRET },
    { kind: 'ignored', provider: 'github', reason: 'ping event' }],
  ['github ping, unsigned with secret', githubPing, { 'x-github-event': 'ping' }, { github: SECRET },
    { status: 401, reason: /missing X-Hub-Signature-256/ }],
  ['github non-push event', githubPing, { 'x-github-event': 'issues' }, {},
    { kind: 'ignored', provider: 'github', reason: 'event "issues" is not a push' }],
  ['github push, truncated body', truncated, { 'x-github-event': 'push' }, {},
    { status: 400, reason: /request body is not valid JSON/ }],
  ['github push, JSON array body', Buffer.from('[]'), { 'x-github-event': 'push' }, {},
    { status: 400, reason: /not a JSON object/ }],
  ['github push, no repository', Buffer.from('{"ref":"refs/heads/main"}'), { 'x-github-event': 'push' }, {},
    { status: 400, reason: /names no repository URL/ }],
  ['github secret does not apply to gitlab', gitlabPush, { 'x-gitlab-event': 'Push Hook' }, { github: SECRET }, GITLAB_PUSH],

  // GitLab
  ['gitlab push, no secret', gitlabPush, { 'X-Gitlab-Event': 'Push Hook' }, {}, GITLAB_PUSH],
  ['gitlab push, right token', gitlabPush, { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET }, { gitlab: SECRET },
    GITLAB_PUSH],
  ['gitlab push, wrong token', gitlabPush, { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'nope' }, { gitlab: SECRET },
    { status: 401, reason: /X-Gitlab-Token does not match/ }],
  ['gitlab push, missing token', gitlabPush, { 'x-gitlab-event': 'Push Hook' }, { gitlab: SECRET },
    { status: 401, reason: /missing X-Gitlab-Token/ }],
  ['gitlab tag push: checkout_sha is the commit', gitlabTag, { 'x-gitlab-event': 'Tag Push Hook' }, {},
    { kind: 'push', provider: 'gitlab', repoUrls: GITLAB_URLS, ref: 'refs/tags/v2.0.0', tag: 'v2.0.0',
      commit: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7', changedFiles: [] }],
  ['gitlab push, commits truncated: no file list', gitlabTruncated, { 'x-gitlab-event': 'Push Hook' }, {},
    { ...GITLAB_PUSH, changedFiles: [] }],
  ['gitlab system hook push', gitlabPush, { 'x-gitlab-event': 'System Hook' }, {}, GITLAB_PUSH],
  ['gitlab system hook, not a push', Buffer.from('{"event_name":"project_create"}'), { 'x-gitlab-event': 'System Hook' }, {},
    { kind: 'ignored', provider: 'gitlab', reason: 'system hook "project_create" is not a push' }],
  ['gitlab merge request event', Buffer.from('{}'), { 'x-gitlab-event': 'Merge Request Hook' }, {},
    { kind: 'ignored', provider: 'gitlab', reason: 'event "Merge Request Hook" is not a push' }],
  ['gitlab push, unparseable', Buffer.from('{"object_kind": "push",'), { 'x-gitlab-event': 'Push Hook' }, {},
    { status: 400, reason: /not valid JSON/ }],

  // Gitea (also sends GitHub and Gogs headers)
  ['gitea push, valid signature', giteaPush,
    { 'x-gitea-event': 'push', 'x-github-event': 'push', 'x-gogs-event': 'push', 'x-gitea-signature': hmac('sha256', SECRET, giteaPush) },
    { gitea: SECRET },
    { kind: 'push', provider: 'gitea', ref: 'refs/heads/develop', branch: 'develop', commit: 'bffeb74224043ba2feb48d137756c8a9331c449a',
      repoUrls: ['http://localhost:3000/platform/fleet-config', 'http://localhost:3000/platform/fleet-config.git',
        'git@localhost:platform/fleet-config.git'],
      changedFiles: ['staging/namespace.yaml', 'staging/configmap.yaml'] }],
  ['gitea push, wrong signature', giteaPush,
    { 'x-gitea-event': 'push', 'x-github-event': 'push', 'x-gitea-signature': hmac('sha256', 'other', giteaPush) }, { gitea: SECRET },
    { status: 401, reason: /X-Gitea-Signature does not match/ }],
  ['gitea push, missing signature (the github secret is not used)', giteaPush,
    { 'x-gitea-event': 'push', 'x-github-event': 'push', 'x-hub-signature-256': `sha256=${hmac('sha256', SECRET, giteaPush)}` },
    { gitea: SECRET, github: SECRET }, { status: 401, reason: /missing X-Gitea-Signature/ }],
  ['gitea non-push event', Buffer.from('{}'), { 'x-gitea-event': 'issues' }, {},
    { kind: 'ignored', provider: 'gitea', reason: 'event "issues" is not a push' }],

  // Bitbucket Server
  ['bitbucket server refs_changed, valid signature', bbsRefs,
    { 'x-event-key': 'repo:refs_changed', 'x-hub-signature': `sha256=${hmac('sha256', SECRET, bbsRefs)}` }, { bitbucketServer: SECRET },
    { kind: 'push', provider: 'bitbucket-server', ref: 'refs/heads/main', branch: 'main', commit: '178864a7d521b6f5e720b386b2c2b0ef8563e0dc',
      repoUrls: ['ssh://git@bitbucket.example.com:7999/plat/fleet-config.git', 'https://bitbucket.example.com/scm/plat/fleet-config.git'],
      changedFiles: [] }],
  ['bitbucket server refs_changed, wrong signature', bbsRefs,
    { 'x-event-key': 'repo:refs_changed', 'x-hub-signature': `sha256=${hmac('sha256', 'other', bbsRefs)}` }, { bitbucketServer: SECRET },
    { status: 401, reason: /X-Hub-Signature does not match/ }],
  ['bitbucket server refs_changed, missing signature', bbsRefs, { 'x-event-key': 'repo:refs_changed' }, { bitbucketServer: SECRET },
    { status: 401, reason: /missing X-Hub-Signature/ }],
  ['bitbucket server ping', bbsPing,
    { 'x-event-key': 'diagnostics:ping', 'x-hub-signature': `sha256=${hmac('sha256', SECRET, bbsPing)}` }, { bitbucketServer: SECRET },
    { kind: 'ignored', provider: 'bitbucket-server', reason: 'ping event' }],
  ['bitbucket server pull request event', Buffer.from('{}'), { 'x-event-key': 'pr:opened' }, {},
    { kind: 'ignored', provider: 'bitbucket-server', reason: 'event "pr:opened" is not a push' }],

  // Unknown senders
  ['no provider header', githubPush, { 'content-type': 'application/json' }, {},
    { status: 400, reason: /unknown webhook provider/ }],
  ['empty event header is no header', githubPush, { 'x-github-event': '' }, {}, { status: 400, reason: /unknown webhook provider/ }],
  ['bitbucket cloud', Buffer.from('{}'), { 'x-event-key': 'repo:push', 'x-hook-uuid': 'a1b2' }, {},
    { status: 400, reason: /Bitbucket Cloud/ }],
];

describe('parsePushWebhook', () => {
  for (const [name, body, headers, secrets, expected] of rows) {
    it(name, () => {
      const result = parsePushWebhook(headers, body, secrets);
      if ('kind' in expected) {
        assert.deepEqual(result, expected);
      } else {
        assert.equal(result.kind, 'rejected', JSON.stringify(result));
        if (result.kind !== 'rejected') return;
        assert.equal(result.status, expected.status);
        assert.match(result.reason, expected.reason);
      }
    });
  }
});
