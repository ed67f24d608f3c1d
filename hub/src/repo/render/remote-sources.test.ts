// Table tests for the remote-source policy: which value-file URLs and remote Kustomize entries
// FLOTILLA_REMOTE_SOURCES allows, and what a refusal says.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkRemoteEntry, checkRemoteUrl, pinsRevision, remoteEntryUrl, remotePolicyOf } from './remote-sources.ts';

describe('checkRemoteUrl', () => {
  const list = remotePolicyOf(['raw.example.com', '*.charts.example', '127.0.0.1', '10.1.0.0/16', 'git.internal']);
  const cases: [string, string[] | undefined, true | RegExp][] = [
    ['https://raw.example.com/values.yaml', undefined, /only from hosts listed in FLOTILLA_REMOTE_SOURCES \(hub option remoteSources\), which is not set/],
    ['https://raw.example.com/values.yaml', [], /which is not set/],
    ['https://raw.example.com/values.yaml', list.entries, true],
    ['https://RAW.example.com./values.yaml', list.entries, true],
    ['https://a.charts.example/v.yaml', list.entries, true],
    ['https://other.example.com/v.yaml', ['raw.example.com'], /other\.example\.com is not in FLOTILLA_REMOTE_SOURCES \(hub option remoteSources\) \(raw\.example\.com\)/],
    ['http://127.0.0.1:8080/v.yaml', list.entries, true],
    ['http://localhost:8080/v.yaml', ['localhost'], true],
    ['http://git.internal/v.yaml', list.entries, true],
    ['http://a.charts.example/v.yaml', list.entries, /plain http is allowed only to loopback or to a host FLOTILLA_REMOTE_SOURCES .* names without a wildcard; use https:\/\/a\.charts\.example/],
    ['http://10.1.2.3/v.yaml', list.entries, true],
    ['https://10.2.0.1/v.yaml', list.entries, /not in FLOTILLA_REMOTE_SOURCES/],
    ['https://169.254.169.254/latest/meta-data', ['*'], /a cloud metadata address/],
    ['https://169.254.10.1/v.yaml', ['*'], /a link-local address/],
    ['https://metadata.google.internal/v.yaml', ['*'], /a cloud metadata service/],
    ['https://169.254.10.1/v.yaml', ['169.254.10.0/24'], true],
    ['s3://bucket/v.yaml', list.entries, /only over https .* not s3:\/\//],
    ['file:///etc/passwd', list.entries, /not file:\/\//],
    ['not a url', list.entries, /not a valid URL/],
    ['https://me:s3cret@raw.example.com/v.yaml', list.entries, /carries a password/],
    ['https://me@raw.example.com/v.yaml', list.entries, true],
  ];
  for (const [url, entries, want] of cases) {
    it(`${url} with ${entries === undefined ? 'no setting' : JSON.stringify(entries)}`, () => {
      const got = checkRemoteUrl(url, entries === undefined ? undefined : remotePolicyOf(entries));
      if (want === true) assert.deepEqual(got, { ok: true });
      else {
        assert.equal(got.ok, false);
        assert.match((got as { reason: string }).reason, want);
      }
    });
  }
});

describe('remote Kustomize entries', () => {
  const forms: [string, string][] = [
    ['https://github.com/org/repo//deploy?ref=v1', 'https://github.com/org/repo//deploy?ref=v1'],
    ['git::https://git.internal/org/repo.git//base?ref=main', 'https://git.internal/org/repo.git//base?ref=main'],
    ['github.com/org/repo/deploy?ref=v1', 'https://github.com/org/repo/deploy?ref=v1'],
    ['github.com:org/repo', 'https://github.com/org/repo'],
    ['git@github.com:org/repo.git', 'ssh://git@github.com/org/repo.git'],
  ];
  for (const [entry, url] of forms) it(`${entry} is fetched from ${url}`, () => assert.equal(remoteEntryUrl(entry), url));

  const policy = remotePolicyOf('github.com, localhost');
  const cases: [string, true | RegExp][] = [
    ['https://github.com/org/repo//deploy?ref=v1', true],
    ['github.com/org/repo/deploy', true],
    ['git@github.com:org/repo.git', /over ssh; the hub allows remote bases only over https/],
    ['http://localhost:9418/repo.git//base', true],
    ['https://gitlab.com/org/repo', /gitlab\.com is not in FLOTILLA_REMOTE_SOURCES/],
  ];
  for (const [entry, want] of cases) {
    it(`${entry}: ${want === true ? 'allowed' : 'refused'}`, () => {
      const got = checkRemoteEntry(entry, policy);
      if (want === true) assert.deepEqual(got, { ok: true });
      else assert.match((got as { reason: string }).reason, want);
    });
  }
  // As in FLOTILLA_REPO_ALLOW, a name with CIDRs listed is decided by the address it resolves to, where it is dialed.
  it('leaves a host name to its address when CIDRs are listed', () => assert.deepEqual(checkRemoteEntry('https://gitea.svc/org/repo', remotePolicyOf('10.0.0.0/8')), { ok: true }));
  it('refuses every entry when the setting is empty', () => assert.match((checkRemoteEntry('github.com/org/repo', remotePolicyOf([])) as { reason: string }).reason, /which is not set/));
  it('knows a pinned revision', () => {
    assert.equal(pinsRevision('https://github.com/org/repo//deploy?ref=v1.2.0'), true);
    assert.equal(pinsRevision('https://github.com/org/repo//deploy?timeout=10s&ref=abc'), true);
    assert.equal(pinsRevision('https://github.com/org/repo//deploy'), false);
  });
  it('names the setting when an entry is malformed', () => assert.throws(() => remotePolicyOf(['https://x']), /^Error: FLOTILLA_REMOTE_SOURCES \(hub option remoteSources\): entry "https:\/\/x" is neither/));
});
