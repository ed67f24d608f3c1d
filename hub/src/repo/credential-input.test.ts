// Table tests for registration requests: user info taken out of the URL, the key, and the refusals.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCredentialRequest, type CredentialRequest } from './credential-input.ts';
import { OPEN_POLICY, urlPolicyOf } from './url-policy.ts';

describe('parseCredentialRequest', () => {
  // [request, template, allow-list, expected: the stored fields, or the field and message pattern refused]
  const rows: [CredentialRequest, boolean, string, Record<string, string> | [string, RegExp]][] = [
    [{ url: 'https://git.example.com/team/apps.git', username: 'ci', password: 'p' }, false, '',
      { url: 'https://git.example.com/team/apps.git', credentialKey: 'https://git.example.com/team/apps', normalizedUrl: 'git.example.com/team/apps', username: 'ci', password: 'p' }],
    [{ url: 'https://ci:tok@git.example.com/apps.git' }, false, '',
      { url: 'https://git.example.com/apps.git', credentialKey: 'https://git.example.com/apps', normalizedUrl: 'git.example.com/apps', username: 'ci', password: 'tok' }],
    [{ url: 'https://git.example.com/public' }, false, '', { url: 'https://git.example.com/public', credentialKey: 'https://git.example.com/public', normalizedUrl: 'git.example.com/public' }],
    [{ url: 'https://ci:tok@git.example.com/apps.git', password: 'other' }, false, '', ['url', /give them once/]],
    [{ url: 'https://git.example.com/team' }, true, '', ['password', /needs a password/]],
    [{ url: 'https://git.example.com/team', password: '' }, true, '', ['password', /needs a password/]],
    [{ url: 'http:///nohost', password: 'p' }, false, '', ['url', /with a host/]],
    [{ url: 'http://169.254.169.254/latest', password: 'p' }, true, '', ['url', /metadata/]],
    [{ url: 'https://github.com/org', password: 'p' }, true, 'git.example.com', ['url', /allow-list/]],
  ];
  for (const [request, template, allow, expected] of rows) {
    it(`${JSON.stringify(request)}${template ? ' (template)' : ''}`, () => {
      const got = parseCredentialRequest(request, allow ? urlPolicyOf(allow) : OPEN_POLICY, { template });
      if (Array.isArray(expected)) {
        assert.equal(got.ok, false);
        if (!got.ok) {
          assert.equal(got.field, expected[0]);
          assert.match(got.message, expected[1]);
        }
      } else {
        assert.deepEqual(got, { ok: true, ...expected });
      }
    });
  }
});
