// Table tests for binding credentials to scheme, host and path: the exact repository first, then
// the longest template at a path-segment boundary, never across schemes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { credentialUrlKey, matchCredential, type CredentialCandidate } from './credential-match.ts';

describe('credentialUrlKey', () => {
  // [url, key]
  const rows: [string, string | undefined][] = [
    ['https://Git.Example.com/team/apps.git', 'https://git.example.com/team/apps'],
    ['HTTPS://git.example.com:443/team/apps/', 'https://git.example.com/team/apps'],
    ['http://git.example.com:80/team/apps', 'http://git.example.com/team/apps'],
    ['http://git.example.com:8080/team/apps', 'http://git.example.com:8080/team/apps'],
    ['https://ci:secret@git.example.com/team/apps', 'https://git.example.com/team/apps'],
    ['https://git.example.com/', 'https://git.example.com'],
    ['https://git.example.com/Team/Apps', 'https://git.example.com/Team/Apps'],
    ['git@github.com:org/repo.git', undefined],
    ['ssh://git@github.com/org/repo', undefined],
    ['file:///srv/git/repo', undefined],
    ['', undefined],
  ];
  for (const [url, key] of rows) it(`${url} → ${key}`, () => assert.equal(credentialUrlKey(url), key));
});

describe('matchCredential', () => {
  const c = (kind: CredentialCandidate['kind'], url: string, hasPassword = true) => ({ kind, key: credentialUrlKey(url)!, hasPassword, url });
  const stored = [
    c('repository', 'https://git.example.com/team/apps.git'),
    c('repository', 'https://git.example.com/team/public', false),
    c('template', 'https://git.example.com'),
    c('template', 'https://git.example.com/team'),
    c('template', 'http://plain.example.com/org'),
    c('template', 'https://git.example.com:8443/team'),
  ];
  // [repoURL, the url of the credential chosen (undefined: anonymous)]
  const rows: [string, string | undefined][] = [
    ['https://git.example.com/team/apps', 'https://git.example.com/team/apps.git'],
    ['https://GIT.example.com/team/apps.git/', 'https://git.example.com/team/apps.git'],
    ['https://git.example.com/team/other.git', 'https://git.example.com/team'],
    ['https://git.example.com/team/public', 'https://git.example.com/team'],
    ['https://git.example.com/teamwork/apps', 'https://git.example.com'],
    ['https://git.example.com/elsewhere/x', 'https://git.example.com'],
    // Plain http never gets a credential registered for https.
    ['http://git.example.com/team/apps', undefined],
    ['http://git.example.com/team/other', undefined],
    // ... but does get one registered for that http prefix.
    ['http://plain.example.com/org/repo', 'http://plain.example.com/org'],
    ['https://plain.example.com/org/repo', undefined],
    ['http://plain.example.com/organisation/repo', undefined],
    // The port is part of the host.
    ['https://git.example.com:8443/team/x', 'https://git.example.com:8443/team'],
    ['https://git.example.com:9443/team/x', undefined],
    ['https://git.example.com.evil.io/team/x', undefined],
    ['git@git.example.com:team/apps.git', undefined],
  ];
  for (const [repoURL, chosen] of rows) {
    it(`${repoURL} → ${chosen ?? 'anonymous'}`, () => assert.equal(matchCredential(stored, repoURL)?.url, chosen));
  }
});
