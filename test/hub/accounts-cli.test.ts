// The account and project-token verbs of the real `flotilla` CLI against a real hub: accounts
// created, listed, shown, disabled and enabled; API tokens generated with --expires-in and --id,
// used with --auth-token, deleted (then refused); another account's password set; project role
// JWTs created, listed and deleted.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInitialPassword } from '../../hub/src/store/accounts.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { runCli } from '../support/cli.ts';

describe('flotilla account and proj role tokens', () => {
  let t: TestHub;
  let dir: string;
  let config: string;
  let adminPassword: string;
  const cli = (...args: string[]) => runCli(config, args);

  before(async () => {
    t = await startTestHub();
    adminPassword = readInitialPassword(t.dataDir)!;
    dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-'));
    config = join(dir, 'config.json');
    assert.equal((await cli('login', t.hub.url, '--username', 'admin', '--password', adminPassword)).code, 0);
    await t.hub.ctx.pool.query("INSERT INTO projects (name, spec) VALUES ('team-a', $1)", [{ sourceRepos: ['*'], roles: [{ name: 'ci' }] }]);
  });
  after(async () => {
    await t.stop(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, lists, shows, disables and enables accounts', async () => {
    assert.equal((await cli('account', 'create', 'ci-bot', '--capabilities', 'apiKey')).code, 0);
    assert.equal((await cli('account', 'create', 'bob', '--capabilities', 'login,apiKey', '--password', 'bob password 1')).code, 0);
    const list = await cli('account', 'list');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.stdout.trim().split('\n').map((l) => l.split(/\s{2,}/)), [['NAME', 'ENABLED', 'CAPABILITIES'], ['admin', 'true', 'login'], ['bob', 'true', 'login, apiKey'], ['ci-bot', 'true', 'apiKey']]);
    const self = await cli('account', 'get');
    assert.match(self.stdout, /^Name: +admin$/m);
    assert.equal((await cli('account', 'disable', 'bob')).stdout.trim(), "account 'bob' disabled");
    assert.equal(JSON.parse((await cli('account', 'get', '--account', 'bob', '-o', 'json')).stdout).enabled, false);
    assert.equal((await cli('account', 'enable', 'bob')).code, 0);
    const bad = await cli('account', 'create', 'x', '--capabilities', 'sso');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown capability "sso"/);
  });

  it('generates a token for another account, which then acts as it, and deletes it', async () => {
    const generated = await cli('account', 'generate-token', '--account', 'ci-bot', '--expires-in', '24h', '--id', 'deploy');
    assert.equal(generated.code, 0, generated.stderr);
    const token = generated.stdout.trim();
    assert.match(token, /^flt_a_/);
    const shown = JSON.parse((await cli('account', 'get', '--account', 'ci-bot', '-o', 'json')).stdout);
    assert.deepEqual(shown.tokens.map((k: { id: string }) => k.id), ['deploy']);
    assert.ok(Math.abs(Date.parse(shown.tokens[0].expiresAt) - Date.now() - 86_400_000) < 60_000);
    const asBot = await cli('--auth-token', token, 'account', 'get');
    assert.equal(asBot.code, 0, asBot.stderr);
    assert.match(asBot.stdout, /^Name: +ci-bot$/m);
    assert.match(asBot.stdout, /^deploy +\S+ +\S+/m);
    assert.equal((await cli('account', 'delete-token', 'deploy', '--account', 'ci-bot')).code, 0);
    const refused = await cli('--auth-token', token, 'account', 'get');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /deploy of account ci-bot is refused: revoked/);
    const noKey = await cli('account', 'generate-token');
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /account admin does not have the apiKey capability/);
  });

  it("sets another account's password with --account", async () => {
    const set = await cli('account', 'update-password', '--account', 'bob', '--current-password', adminPassword, '--new-password', 'bob password 2');
    assert.equal(set.code, 0, set.stderr);
    assert.equal((await t.api('POST', '/api/v1/session', { username: 'bob', password: 'bob password 2' }, { token: null })).status, 200);
  });

  it('creates, lists and deletes project role tokens', async () => {
    const created = await cli('proj', 'role', 'create-token', 'team-a', 'ci', '--expires-in', '1h', '--id', 'pipeline');
    assert.equal(created.code, 0, created.stderr);
    const jwt = created.stdout.trim();
    assert.equal(jwt.split('.').length, 3);
    assert.equal((await t.api('GET', '/api/v1/session/userinfo', undefined, { token: jwt })).body.username, 'proj:team-a:ci');
    const listed = await cli('proj', 'role', 'list-tokens', 'team-a', 'ci');
    assert.match(listed.stdout, /^ID +ISSUED-AT +EXPIRES-AT +LAST-USED-AT\npipeline /);
    assert.equal((await cli('proj', 'role', 'delete-token', 'team-a', 'ci', 'pipeline')).code, 0);
    assert.equal((await t.api('GET', '/api/v1/session/userinfo', undefined, { token: jwt })).status, 401);
    const missing = await cli('proj', 'role', 'create-token', 'team-a', 'nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /project "team-a" has no role "nope"/);
  });
});
