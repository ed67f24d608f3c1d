// Logging in on a real hub: password hashes carry their scrypt parameters (OWASP's by default) and
// old ones are upgraded at login; failed logins are throttled per account and address (429 with
// Retry-After, even for the right password); an unknown or disabled account costs the same scrypt
// derivation as a known one; the session cookie is Secure when the hub serves TLS.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub } from '../../hub/src/hub.ts';
import { DEFAULT_LOGIN_SETTINGS } from '../../hub/src/api/login.ts';
import { readInitialPassword } from '../../hub/src/store/accounts.ts';
import { eventually, startTestHub, TEST_LOGIN_SETTINGS, type TestHub } from '../support/hub.ts';
import { runCli } from '../support/cli.ts';
import { testLogger } from '../support/secret-ledger.ts';

/** The hash of an account as stored. */
async function storedHash(t: TestHub, name: string): Promise<string> {
  return (await t.hub.ctx.pool.query<{ password_hash: string }>('SELECT password_hash FROM accounts WHERE name = $1', [name])).rows[0]!.password_hash;
}

/** A login from a given client address (app.inject sets the socket's remote address). */
async function login(t: TestHub, username: string, password: string, remoteAddress: string) {
  const res = await t.hub.api.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password }, remoteAddress });
  return { status: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'], cookie: res.headers['set-cookie'] };
}

describe('password hashes at current guidance', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub({ login: DEFAULT_LOGIN_SETTINGS });
  });
  after(() => t.stop(true));

  it('stores hashes with their scrypt parameters, N=2^17 r=8 p=1, also for a changed password', async () => {
    assert.match(await storedHash(t, 'admin'), /^scrypt\$131072\$8\$1\$[^$]+\$[^$]+$/);
    const changed = await t.api('PUT', '/api/v1/account/password', { currentPassword: readInitialPassword(t.dataDir), newPassword: 'a new password' });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.match(await storedHash(t, 'admin'), /^scrypt\$131072\$8\$1\$[^$]+\$[^$]+$/);
    assert.equal((await login(t, 'admin', 'a new password', '10.9.0.1')).status, 200);
  });

  it('upgrades an old-format hash at the next successful login, not at a failed one', async () => {
    const salt = randomBytes(16);
    const legacy = `scrypt$${salt.toString('base64')}$${scryptSync('old password', salt, 32).toString('base64')}`;
    await t.hub.ctx.pool.query('INSERT INTO accounts (name, password_hash) VALUES ($1, $2)', ['legacy', legacy]);
    assert.equal((await login(t, 'legacy', 'wrong password', '10.9.0.2')).status, 401);
    assert.equal(await storedHash(t, 'legacy'), legacy);
    assert.equal((await login(t, 'legacy', 'old password', '10.9.0.2')).status, 200);
    const upgraded = await storedHash(t, 'legacy');
    assert.match(upgraded, /^scrypt\$131072\$8\$1\$[^$]+\$[^$]+$/);
    assert.equal((await login(t, 'legacy', 'old password', '10.9.0.2')).status, 200);
    assert.equal(await storedHash(t, 'legacy'), upgraded, 'a current hash is not rewritten');
  });

  it('flotilla account update-password stores the new password at current guidance', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-'));
    try {
      const config = join(dir, 'config.json');
      const before = await storedHash(t, 'admin');
      assert.equal((await runCli(config, ['login', t.hub.url, '--username', 'admin', '--password', 'a new password'])).code, 0);
      const changed = await runCli(config, ['account', 'update-password', '--current-password', 'a new password', '--new-password', 'a third password']);
      assert.equal(changed.code, 0, changed.stderr);
      const after = await storedHash(t, 'admin');
      assert.notEqual(after, before);
      assert.match(after, /^scrypt\$131072\$8\$1\$[^$]+\$[^$]+$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('login throttling and timing', () => {
  // A short account+address window, for the test that waits it out; long ones elsewhere, so a slow
  // machine cannot end a lockout before a test has looked at it.
  const windowSeconds = 3;
  let t: TestHub;
  before(async () => {
    t = await startTestHub({
      login: {
        ...TEST_LOGIN_SETTINGS,
        throttle: { accountAddress: { limit: 5, windowSeconds }, address: { limit: 8, windowSeconds: 120 }, account: { limit: 12, windowSeconds: 120 } },
      },
    });
    const add = async (name: string, password: string, enabled = true) =>
      t.hub.ctx.pool.query('INSERT INTO accounts (name, password_hash, enabled) VALUES ($1, $2, $3)', [name, await t.hub.ctx.passwords.hash(password), enabled]);
    await add('alice', 'alice password');
    await add('bob', 'bob password');
    await add('carol', 'carol password', false);
  });
  after(() => t.stop(true));

  it('refuses the 6th failed login in a row with 429 and Retry-After, the right password too, until the window passes', async () => {
    const address = '10.0.1.1';
    for (let i = 1; i <= 5; i++) assert.equal((await login(t, 'alice', `guess ${i}`, address)).status, 401, `guess ${i}`);
    const sixth = await login(t, 'alice', 'guess 6', address);
    assert.equal(sixth.status, 429);
    assert.equal(sixth.body.error.code, 'FLT_ERR_TOO_MANY_REQUESTS');
    assert.match(sixth.body.error.message, /too many failed logins \(account-address\): try again in \d+ s/);
    assert.ok(Number(sixth.retryAfter) >= 1 && Number(sixth.retryAfter) <= windowSeconds, `Retry-After ${sixth.retryAfter}`);
    const right = await login(t, 'alice', 'alice password', address);
    assert.equal(right.status, 429, 'the right password is refused while locked');
    assert.equal(right.cookie, undefined);
    await new Promise((r) => setTimeout(r, Number(right.retryAfter) * 1000));
    await eventually('the lockout to end', async () => (await login(t, 'alice', 'alice password', address)).status === 200, 5000, 200);
    // A success clears the account's failures from this address: the count starts again.
    assert.equal((await login(t, 'alice', 'guess 7', address)).status, 401);
  });

  it('locks only the account under attack from that address: other accounts there and the account elsewhere still log in', async () => {
    const address = '10.0.2.1';
    for (let i = 1; i <= 5; i++) assert.equal((await login(t, 'bob', `guess ${i}`, address)).status, 401);
    assert.equal((await login(t, 'bob', 'bob password', address)).status, 429);
    assert.equal((await login(t, 'alice', 'alice password', address)).status, 200, 'another account from the same address');
    assert.equal((await login(t, 'bob', 'bob password', '10.0.2.2')).status, 200, 'the same account from another address');
  });

  it('stops spraying many accounts from one address at the per-address limit', async () => {
    const address = '10.0.3.1';
    for (let i = 1; i <= 8; i++) assert.equal((await login(t, `user-${i}`, 'Summer2026!', address)).status, 401);
    const next = await login(t, 'bob', 'bob password', address);
    assert.equal(next.status, 429);
    assert.match(next.body.error.message, /\(address\)/);
    assert.equal((await login(t, 'bob', 'bob password', '10.0.3.2')).status, 200, 'other addresses are not affected');
  });

  it('throttles the current-password check of a password change the same way', async () => {
    const address = '10.0.5.1';
    const change = async (currentPassword: string) => (await t.hub.api.inject({
      method: 'PUT', url: '/api/v1/account/password', remoteAddress: address,
      headers: { authorization: `Bearer ${t.token}` }, payload: { currentPassword, newPassword: 'never set this' },
    })).statusCode;
    for (let i = 1; i <= 5; i++) assert.equal(await change(`guess ${i}`), 400);
    assert.equal(await change(readInitialPassword(t.dataDir)!), 429);
  });

  it('derives one scrypt key for an unknown or disabled account, as for a wrong password, and answers alike', async () => {
    // account | password | why
    const cases: [string, string, string][] = [
      ['bob', 'not bob password', 'a wrong password'],
      ['nobody', 'any password', 'an unknown account'],
      ['carol', 'carol password', 'a disabled account, right password'],
    ];
    const answers = [];
    for (const [i, [account, password, why]] of cases.entries()) {
      const before = t.hub.ctx.passwords.derivations;
      const res = await login(t, account, password, `10.0.4.${i + 1}`);
      assert.equal(t.hub.ctx.passwords.derivations - before, 1, `${why}: one derivation`);
      answers.push({ status: res.status, body: res.body });
    }
    assert.deepEqual(answers, Array(3).fill({ status: 401, body: { error: { code: 'FLT_ERR_UNAUTHENTICATED', message: 'invalid username or password' } } }));
  });

  it('sets the session cookie without Secure on plain HTTP, and clears it at logout', async () => {
    const ok = await login(t, 'alice', 'alice password', '10.0.6.1');
    assert.match(String(ok.cookie), /^flotilla\.token=flt_s_[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const out = await t.hub.api.inject({ method: 'DELETE', url: '/api/v1/session', headers: { authorization: `Bearer ${ok.body.token}` } });
    assert.equal(out.headers['set-cookie'], 'flotilla.token=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
  });

  it('answers 401, not 500, for a session cookie that is not valid %-encoding', async () => {
    const res = await t.hub.api.inject({ method: 'GET', url: '/api/v1/session/userinfo', headers: { cookie: 'flotilla.token=%E0%A4%A' } });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, 'FLT_ERR_UNAUTHENTICATED');
  });

  it('flotilla login says when and why it is throttled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-'));
    try {
      // The CLI connects from 127.0.0.1, inject's default address too; the address window is long.
      for (let i = 1; i <= 8; i++) assert.equal((await login(t, `cli-user-${i}`, 'Summer2026!', '127.0.0.1')).status, 401);
      const res = await runCli(join(dir, 'config.json'), ['login', t.hub.url, '--username', 'bob', '--password', 'bob password']);
      assert.equal(res.code, 1, res.stdout);
      assert.match(res.stderr, /^error: too many failed logins \(address\): try again in \d+ s$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('session cookie over TLS', () => {
  it('is Secure when the hub serves HTTPS', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-hub-'));
    const hub = await startHub({ dataDir, listen: '127.0.0.1:0', tls: { selfSigned: true }, login: TEST_LOGIN_SETTINGS, log: testLogger('hub-test') });
    try {
      assert.match(hub.url, /^https:/);
      const res = await hub.api.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'admin', password: readInitialPassword(dataDir) } });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['set-cookie']), /; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
      const out = await hub.api.inject({ method: 'DELETE', url: '/api/v1/session' });
      assert.match(String(out.headers['set-cookie']), /Max-Age=0; Secure$/);
    } finally {
      await hub.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('login throttling behind a reverse proxy (trustProxy)', () => {
  const throttle = { accountAddress: { limit: 3, windowSeconds: 120 }, address: { limit: 100, windowSeconds: 120 }, account: { limit: 100, windowSeconds: 120 } };
  /** A login arriving from the proxy at 10.7.0.1 for the client named in X-Forwarded-For. */
  const viaProxy = async (t: TestHub, password: string, client: string) => (await t.hub.api.inject({
    method: 'POST', url: '/api/v1/session', remoteAddress: '10.7.0.1', headers: { 'x-forwarded-for': client }, payload: { username: 'admin', password },
  })).statusCode;

  it('counts clients behind a trusted proxy apart: an attacker behind it does not lock out the admin elsewhere', async () => {
    const t = await startTestHub({ trustProxy: ['10.7.0.0/16'], login: { ...TEST_LOGIN_SETTINGS, throttle } });
    try {
      for (let i = 1; i <= 3; i++) assert.equal(await viaProxy(t, `guess ${i}`, '198.51.100.9'), 401);
      assert.equal(await viaProxy(t, readInitialPassword(t.dataDir)!, '198.51.100.9'), 429, 'the attacking client is locked');
      assert.equal(await viaProxy(t, readInitialPassword(t.dataDir)!, '203.0.113.4'), 200, 'another client behind the same proxy is not');
    } finally {
      await t.stop(true);
    }
  });

  it('believes no X-Forwarded-For without the setting: a client cannot pick a fresh address for each guess', async () => {
    const t = await startTestHub({ login: { ...TEST_LOGIN_SETTINGS, throttle } });
    try {
      for (let i = 1; i <= 3; i++) assert.equal(await viaProxy(t, `guess ${i}`, `198.51.100.${i}`), 401);
      assert.equal(await viaProxy(t, readInitialPassword(t.dataDir)!, '198.51.100.77'), 429);
    } finally {
      await t.stop(true);
    }
  });
});
