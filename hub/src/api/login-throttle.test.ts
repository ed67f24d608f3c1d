// Login throttling decisions: three sliding windows over the failures before an attempt, and the
// address buckets they count by.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addressKey, decideLoginAttempt, largestLimit, longestWindowSeconds, type LoginDecision, type LoginFailure, type LoginThrottlePolicy } from './login-throttle.ts';

const policy: LoginThrottlePolicy = {
  accountAddress: { limit: 3, windowSeconds: 60 },
  address: { limit: 5, windowSeconds: 60 },
  account: { limit: 6, windowSeconds: 120 },
};
const now = 1_000_000;
const key = { account: 'admin', address: '10.0.0.1' };
/** n failures of account at address, the newest `ago` seconds before now and one second apart. */
const failures = (n: number, account: string, address: string, ago = 1): LoginFailure[] =>
  Array.from({ length: n }, (_, i) => ({ account, address, atMs: now - (ago + i) * 1000 }));

describe('login throttle', () => {
  // name | failures before the attempt | decision
  const cases: [string, LoginFailure[], LoginDecision][] = [
    ['no failures', [], { allowed: true }],
    ['under the account+address limit', failures(2, 'admin', '10.0.0.1'), { allowed: true }],
    ['at the limit: refused until the 3rd newest leaves the window', failures(3, 'admin', '10.0.0.1'), { allowed: false, rule: 'account-address', retryAfterSeconds: 57 }],
    ['over the limit: the 3rd newest still decides', failures(4, 'admin', '10.0.0.1'), { allowed: false, rule: 'account-address', retryAfterSeconds: 57 }],
    ['failures out of the window do not count', failures(3, 'admin', '10.0.0.1', 59), { allowed: true }],
    ['a second before the 3rd newest leaves the window', failures(3, 'admin', '10.0.0.1', 57), { allowed: false, rule: 'account-address', retryAfterSeconds: 1 }],
    ['another account from this address: under the address limit', failures(4, 'alice', '10.0.0.1'), { allowed: true }],
    ['many accounts from this address: address limit', [...failures(3, 'alice', '10.0.0.1'), ...failures(2, 'bob', '10.0.0.1', 10)], { allowed: false, rule: 'address', retryAfterSeconds: 49 }],
    ['this account from other addresses: under the account limit', [...failures(3, 'admin', '10.0.0.2'), ...failures(2, 'admin', '10.0.0.3')], { allowed: true }],
    ['this account from many addresses: account limit (longer window)', [...failures(3, 'admin', '10.0.0.2'), ...failures(3, 'admin', '10.0.0.3', 30)], { allowed: false, rule: 'account', retryAfterSeconds: 88 }],
    ['failures elsewhere do not count', [...failures(9, 'alice', '10.0.0.9'), ...failures(9, 'bob', '10.0.0.8')], { allowed: true }],
    ['two rules refuse: the longer wait is answered', [...failures(3, 'admin', '10.0.0.1', 50), ...failures(6, 'admin', '10.0.0.4', 5)], { allowed: false, rule: 'account', retryAfterSeconds: 110 }],
  ];
  for (const [name, prior, want] of cases) {
    it(name, () => assert.deepEqual(decideLoginAttempt(policy, key, prior, now), want));
  }

  it('a limit of 0 turns a rule off', () => {
    const off = { ...policy, accountAddress: { limit: 0, windowSeconds: 60 } };
    assert.deepEqual(decideLoginAttempt(off, key, failures(4, 'admin', '10.0.0.1'), now), { allowed: true });
    assert.equal(longestWindowSeconds({ ...policy, account: { limit: 0, windowSeconds: 9999 } }), 60);
    assert.equal(largestLimit(policy), 6);
  });

  // ip | bucket
  const addresses: [string, string][] = [
    ['10.1.2.3', '10.1.2.3'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['not-an-ip', 'not-an-ip'],
  ];
  for (const [ip, want] of addresses) {
    it(`address bucket of ${ip}`, () => assert.equal(addressKey(ip), want));
  }
});
