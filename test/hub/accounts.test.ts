// Local accounts and API tokens on a real hub: accounts with the login and/or apiKey capability,
// enabled and disabled; API tokens issued once, stored as SHA-256 hashes, with ids and expiry,
// refused at once when revoked, expired, disabled or stripped of apiKey; logins need `login`;
// every issue, revoke, refused use and login (failed too) is audited.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readInitialPassword } from '../../hub/src/store/accounts.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('local accounts and API tokens', () => {
  let t: TestHub;
  let adminPassword: string;
  const whoami = async (token: string) => (await t.api('GET', '/api/v1/session/userinfo', undefined, { token }));
  const audit = async (action: string) => (await t.api('GET', '/api/v1/audit?limit=1000')).body.items.filter((e: { action: string }) => e.action === action);
  const login = (username: string, password: string) => t.api('POST', '/api/v1/session', { username, password }, { token: null });

  before(async () => {
    t = await startTestHub();
    adminPassword = readInitialPassword(t.dataDir)!;
  });
  after(() => t.stop(true));

  it('creates accounts, refuses bad names and capabilities with 400s naming the field, and lists them', async () => {
    const created = await t.api('POST', '/api/v1/account', { name: 'ci-bot', capabilities: ['apiKey'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body, { name: 'ci-bot', enabled: true, capabilities: ['apiKey'], passwordSet: false, tokens: [] });
    assert.equal((await t.api('POST', '/api/v1/account', { name: 'ci-bot' })).status, 409);
    const badName = await t.api('POST', '/api/v1/account', { name: 'proj:a:b' });
    assert.equal(badName.status, 400);
    assert.equal(badName.body.error.issues[0].path, 'body.name');
    const badCapability = await t.api('POST', '/api/v1/account', { name: 'x', capabilities: ['apikey'] });
    assert.equal(badCapability.status, 400);
    assert.match(badCapability.body.error.message, /unknown capability "apikey"/);
    const list = await t.api('GET', '/api/v1/account');
    assert.deepEqual(list.body.items.map((a: { name: string; capabilities: string[] }) => [a.name, a.capabilities]), [['admin', ['login']], ['ci-bot', ['apiKey']]]);
    assert.equal((await t.api('GET', '/api/v1/account/nobody')).status, 404);
  });

  it('issues an API token once, stores only its hash, and it authenticates as its account', async () => {
    const issued = await t.api('POST', '/api/v1/account/ci-bot/token', { expiresIn: '1h', id: 'deploy' });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    assert.match(issued.body.token, /^flt_a_[A-Za-z0-9_-]{43}$/);
    assert.equal(issued.body.id, 'deploy');
    assert.ok(Math.abs(Date.parse(issued.body.expiresAt) - Date.now() - 3600_000) < 60_000);
    const stored = (await t.hub.ctx.pool.query('SELECT * FROM api_tokens')).rows;
    assert.equal(stored.length, 1);
    assert.equal(stored[0].token_hash, sha256(issued.body.token));
    assert.ok(!JSON.stringify(stored).includes(issued.body.token.slice(6)), 'the token is not stored');
    assert.deepEqual((await whoami(issued.body.token)).body, { loggedIn: true, username: 'ci-bot', groups: [] });
    const shown = await t.api('GET', '/api/v1/account/ci-bot');
    assert.deepEqual(shown.body.tokens.map((k: { id: string }) => k.id), ['deploy']);
    assert.ok(!JSON.stringify(shown.body).includes(issued.body.token), 'the token is never shown again');
    assert.equal((await t.api('POST', '/api/v1/account/ci-bot/token', { id: 'deploy' })).status, 409, 'ids are unique among live tokens');
    const noKey = await t.api('POST', '/api/v1/account/admin/token', {});
    assert.equal(noKey.status, 400);
    assert.match(noKey.body.error.message, /does not have the apiKey capability/);
    const badExpiry = await t.api('POST', '/api/v1/account/ci-bot/token', { expiresIn: '1 day' });
    assert.equal(badExpiry.status, 400);
    assert.equal(badExpiry.body.error.issues[0].path, 'body.expiresIn');
  });

  it('refuses a revoked token at once, even when a new token takes its id, and audits both', async () => {
    const old = (await t.api('POST', '/api/v1/account/ci-bot/token', { id: 'rotate' })).body.token as string;
    assert.equal((await whoami(old)).status, 200);
    assert.equal((await t.api('DELETE', '/api/v1/account/ci-bot/token/rotate')).status, 200);
    const refused = await whoami(old);
    assert.equal(refused.status, 401);
    assert.match(refused.body.error.message, /rotate of account ci-bot is refused: revoked/);
    const fresh = (await t.api('POST', '/api/v1/account/ci-bot/token', { id: 'rotate' })).body.token as string;
    assert.equal((await whoami(fresh)).status, 200);
    assert.equal((await whoami(old)).status, 401, 'the old token stays refused');
    assert.equal((await t.api('DELETE', '/api/v1/account/ci-bot/token/nope')).status, 404);
    assert.ok((await audit('token-revoked')).some((e: { object: string; actor: string }) => e.object === 'ci-bot/rotate' && e.actor === 'admin'));
    const refusals = await audit('token-refused');
    assert.ok(refusals.some((e: { object: string; detail: { reason: string } }) => e.object === 'ci-bot/rotate' && e.detail.reason === 'revoked'), JSON.stringify(refusals));
    assert.ok((await audit('token-issued')).filter((e: { object: string }) => e.object === 'ci-bot/rotate').length === 2);
  });

  it('refuses an expired token as soon as it expires', async () => {
    const issued = (await t.api('POST', '/api/v1/account/ci-bot/token', { expiresIn: 1, id: 'short' })).body;
    assert.equal((await whoami(issued.token)).status, 200);
    await new Promise((r) => setTimeout(r, Date.parse(issued.expiresAt) - Date.now() + 50));
    const refused = await whoami(issued.token);
    assert.equal(refused.status, 401);
    assert.match(refused.body.error.message, /refused: expired/);
  });

  it('refuses tokens of a disabled account and of one without apiKey, and accepts them again when restored', async () => {
    const token = (await t.api('POST', '/api/v1/account/ci-bot/token', { id: 'toggle' })).body.token as string;
    assert.equal((await t.api('PATCH', '/api/v1/account/ci-bot', { enabled: false })).body.enabled, false);
    assert.match((await whoami(token)).body.error.message, /account disabled/);
    await t.api('PATCH', '/api/v1/account/ci-bot', { enabled: true });
    assert.equal((await whoami(token)).status, 200);
    assert.deepEqual((await t.api('PATCH', '/api/v1/account/ci-bot', { capabilities: ['login'] })).body.capabilities, ['login']);
    assert.match((await whoami(token)).body.error.message, /lacks the apiKey capability/);
    await t.api('PATCH', '/api/v1/account/ci-bot', { capabilities: ['apiKey'] });
    assert.equal((await whoami(token)).status, 200);
    assert.equal((await t.api('PATCH', '/api/v1/account/admin', { enabled: false })).status, 409, 'one cannot disable oneself');
    assert.equal((await t.api('PATCH', '/api/v1/account/admin', { capabilities: ['apiKey'] })).status, 409, 'nor take away its own login');
    assert.deepEqual((await t.api('PATCH', '/api/v1/account/admin', { capabilities: ['login', 'apiKey'] })).body.capabilities, ['login', 'apiKey']);
    await t.api('PATCH', '/api/v1/account/admin', { capabilities: ['login'] });
    assert.equal((await t.api('PATCH', '/api/v1/account/nobody', { enabled: false })).status, 404);
  });

  it('logs in only with the login capability, ends sessions when it is removed, and audits failures', async () => {
    assert.equal((await t.api('POST', '/api/v1/account', { name: 'bob', capabilities: ['apiKey'], password: 'bob password 1' })).status, 201);
    assert.equal((await login('bob', 'bob password 1')).status, 401, 'no login capability');
    await t.api('PATCH', '/api/v1/account/bob', { capabilities: ['login', 'apiKey'] });
    const session = await login('bob', 'bob password 1');
    assert.equal(session.status, 200);
    assert.equal((await whoami(session.body.token)).body.username, 'bob');
    await t.api('PATCH', '/api/v1/account/bob', { capabilities: ['apiKey'] });
    assert.equal((await whoami(session.body.token)).status, 401, 'the session ends with the capability');
    await t.api('PATCH', '/api/v1/account/bob', { capabilities: ['login'] });
    assert.equal((await login('ci-bot', 'no password at all')).status, 401, 'an account without a password cannot log in');
    const failures = await audit('login-failed');
    assert.deepEqual(failures.map((e: { object: string }) => e.object).sort(), ['bob', 'ci-bot']);
    assert.ok((await audit('login')).some((e: { actor: string }) => e.actor === 'bob'));
  });

  it("sets another account's password with the caller's own current password", async () => {
    const wrong = await t.api('PUT', '/api/v1/account/bob/password', { currentPassword: 'not the admin password', newPassword: 'bob password 2' });
    assert.equal(wrong.status, 400);
    assert.equal((await t.api('PUT', '/api/v1/account/bob/password', { currentPassword: adminPassword, newPassword: 'bob password 2' })).status, 200);
    assert.equal((await login('bob', 'bob password 2')).status, 200);
    assert.equal((await login('bob', 'bob password 1')).status, 401);
    assert.equal((await t.api('PUT', '/api/v1/account/nobody/password', { currentPassword: adminPassword, newPassword: 'whatever 12' })).status, 404);
  });

  it('lets an account show itself and manage its own tokens, but not other accounts', async () => {
    await t.api('PATCH', '/api/v1/account/bob', { capabilities: ['login', 'apiKey'] });
    const bob = (await login('bob', 'bob password 2')).body.token as string;
    assert.equal((await t.api('GET', '/api/v1/account/bob', undefined, { token: bob })).status, 200);
    const own = await t.api('POST', '/api/v1/account/bob/token', { id: 'mine' }, { token: bob });
    assert.equal(own.status, 201, JSON.stringify(own.body));
    assert.equal((await whoami(own.body.token)).body.username, 'bob');
    assert.equal((await t.api('DELETE', '/api/v1/account/bob/token/mine', undefined, { token: bob })).status, 200);
    assert.equal((await t.api('GET', '/api/v1/account/admin', undefined, { token: bob })).status, 403);
    assert.equal((await t.api('POST', '/api/v1/account/ci-bot/token', {}, { token: bob })).status, 403);
    assert.equal((await t.api('PATCH', '/api/v1/account/bob', { capabilities: ['login', 'apiKey'] }, { token: bob })).status, 403, 'no one grants themselves capabilities');
  });
});
