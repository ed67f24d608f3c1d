// Table tests for the repository URL policy: schemes, link-local and metadata addresses in every
// spelling, the addresses a name resolves to, and the allow-list of host globs and CIDRs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkDialedAddress, checkRepoUrl, parseAllowList, type UrlPolicy } from './url-policy.ts';

const policy = (entries: string[] | string): UrlPolicy => {
  const parsed = parseAllowList(entries);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.policy;
};
const open = policy([]);

describe('checkRepoUrl', () => {
  // [url, allow-list, allowed, reason pattern]
  const rows: [string, string, boolean, RegExp?][] = [
    ['https://github.com/org/repo.git', '', true],
    ['http://127.0.0.1:8080/apps.git', '', true],
    ['http://localhost:3000/apps.git', '', true],
    ['http://10.1.2.3/apps.git', '', true],
    ['http://[::1]:8080/apps.git', '', true],
    ['ftp://git.example.com/apps.git', '', false, /only http\(s\)/],
    ['file:///etc/passwd', '', false, /only http\(s\)/],
    ['ssh://git@github.com/org/repo', '', false, /only http\(s\)/],
    ['not a url', '', false, /not a valid URL/],
    ['http://169.254.169.254/latest/meta-data', '', false, /metadata/],
    ['http://2852039166/latest/meta-data', '', false, /metadata/],
    ['http://0xa9.0xfe.0xa9.0xfe/x', '', false, /metadata/],
    ['http://169.254.10.20/x.git', '', false, /link-local/],
    ['http://[fe80::1]/x.git', '', false, /link-local/],
    ['http://[FE80::abcd:1]:8080/x.git', '', false, /link-local/],
    ['http://[fd00:ec2::254]/latest', '', false, /metadata/],
    ['http://[::ffff:169.254.169.254]/latest', '', false, /metadata/],
    ['http://[64:ff9b::169.254.169.254]/latest', '', false, /link-local/],
    ['http://100.100.100.200/latest', '', false, /metadata/],
    ['http://0.0.0.0:8080/x', '', false, /unspecified/],
    ['http://metadata.google.internal/computeMetadata/v1', '', false, /metadata service/],
    ['http://METADATA.google.internal./computeMetadata/v1', '', false, /metadata service/],
    // An allow-list of names and networks.
    ['https://git.example.com/org/repo', 'git.example.com', true],
    ['https://GIT.example.com./org/repo', 'git.example.com', true],
    ['https://github.com/org/repo', 'git.example.com', false, /not in the hub's repository allow-list \(git.example.com\)/],
    ['https://a.b.example.com/org/repo', '*.example.com', true],
    ['https://example.com.evil.io/org/repo', '*.example.com', false, /allow-list/],
    ['http://127.0.0.1:8080/apps.git', 'git.example.com', false, /allow-list/],
    ['http://127.0.0.1:8080/apps.git', '127.0.0.0/8', true],
    ['http://[::1]:8080/apps.git', '127.0.0.0/8', false, /allow-list/],
    ['http://[::1]:8080/apps.git', '127.0.0.0/8,::1', true],
    // A name not in the globs may still resolve into an allowed network: decided when it is dialed.
    ['http://git.internal/apps.git', '10.0.0.0/8', true],
    // Metadata stays refused by name, and by address unless a CIDR names it.
    ['http://metadata.google.internal/x', '*', false, /metadata service/],
    ['http://169.254.169.254/x', '*', false, /metadata/],
    ['http://169.254.169.254/x', '169.254.169.254/32', true],
  ];
  for (const [url, allow, allowed, reason] of rows) {
    it(`${url} [${allow || 'no allow-list'}] → ${allowed ? 'allowed' : 'refused'}`, () => {
      const verdict = checkRepoUrl(url, policy(allow));
      assert.equal(verdict.ok, allowed, JSON.stringify(verdict));
      if (!verdict.ok && reason) assert.match(verdict.reason, reason);
    });
  }
});

describe('checkDialedAddress', () => {
  // [host name, the address it resolved to, allow-list, allowed]
  const rows: [string, string, string, boolean][] = [
    ['git.example.com', '140.82.112.3', '', true],
    ['git.example.com', '127.0.0.1', '', true],
    ['rebind.example.com', '169.254.169.254', '', false],
    ['rebind.example.com', '::ffff:169.254.169.254', '', false],
    ['rebind.example.com', 'fe80::1%eth0', '', false],
    ['rebind.example.com', 'fd00:ec2::254', '', false],
    ['git.internal', '10.1.2.3', '10.0.0.0/8', true],
    ['git.internal', '192.168.1.2', '10.0.0.0/8', false],
    ['git.example.com', '192.168.1.2', 'git.example.com', true],
    ['git.example.com', '169.254.169.254', 'git.example.com', false],
    ['localhost', '127.0.0.1', '127.0.0.0/8,::1/128', true],
    ['localhost', '::1', '127.0.0.0/8,::1/128', true],
    ['localhost', '::1', '127.0.0.0/8', false],
    ['git.example.com', 'not-an-ip', '', false],
  ];
  for (const [host, address, allow, allowed] of rows) {
    it(`${host} → ${address} [${allow || 'no allow-list'}] → ${allowed ? 'allowed' : 'refused'}`, () => {
      assert.equal(checkDialedAddress(host, address, policy(allow)).ok, allowed);
    });
  }
});

describe('parseAllowList', () => {
  it('reads globs, addresses and CIDRs separated by commas or spaces', () => {
    const parsed = parseAllowList(' git.example.com, *.corp.example  10.0.0.0/8 [::1] fd00::/8 ');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.policy.hostGlobs, ['git.example.com', '*.corp.example']);
    assert.equal(parsed.policy.restricted, true);
  });
  it('is no allow-list when empty', () => {
    assert.deepEqual(parseAllowList('').ok && parseAllowList('  ').ok, true);
    assert.equal(open.restricted, false);
  });
  // [entry]
  for (const bad of ['10.0.0.0/33', 'https://git.example.com', 'git.example.com/org', '::1/129', 'a b/c']) {
    it(`refuses ${JSON.stringify(bad)} with a message`, () => {
      const parsed = parseAllowList([bad]);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.message, /allow-list entry/);
    });
  }
});
