// OIDC SSO against a real provider (oidc-provider over HTTPS, its login and consent forms driven
// over HTTP as a browser does): a user in group team-a gets role:team-a through `g, team-a,
// role:team-a`, a user in no group gets policy.default only, tampered state and nonce are refused,
// return_to cannot leave the hub, logout ends the session and goes to the provider's logout, a
// provider subject that names a local account is refused, and `flotilla login --sso` works end to
// end through the CLI process. A provider group named like a local account gives nothing, a full
// table of pending logins evicts the oldest, the provider's error text is cut, an SSO session
// ends when a local account of its name is created, and a cross-site logout is refused. Nothing
// secret reaches the hub's log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { Browser, startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.ts';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { recordSecret, testLogger } from '../support/secret-ledger.ts';
import { insertProject } from '../../hub/src/store/projects.ts';
import { savePendingLogin, takePendingLogin } from '../../hub/src/store/sso.ts';

const USERS = {
  alice: { password: 'alice-password-1', email: 'alice@example.com', groups: ['team-a'] },
  bob: { password: 'bob-password-22', email: 'bob@example.com', groups: [] },
  admin: { password: 'fake-admin-password', email: 'admin@example.com', groups: [] },
  mallory: { password: 'mallory-password', email: 'mallory@example.com', groups: ['role:admin', 'proj:team-b:deployer'] },
  carol: { password: 'carol-password-3', email: 'carol@example.com', groups: ['admin', 'team-a'] },
  dave: { password: 'dave-password-44', email: 'dave@example.com', groups: [] },
};
const POLICY = {
  'policy.csv': 'p, role:team-a, projects, get, team-a, allow\np, role:team-a, projects, update, team-a, allow\np, role:viewer, clusters, get, *, allow\ng, team-a, role:team-a\n',
  'policy.default': 'role:viewer',
};

// `flotilla ARGS` as a user runs it (test/support/cli.ts's way), with its stdout readable as it comes.
function spawnCli(config: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, FLOTILLA_CONFIG: config };
  delete env.FLOTILLA_SERVER;
  delete env.FLOTILLA_AUTH_TOKEN;
  const child = spawn(process.execPath, ['hub/bin/flotilla.js', ...args], { cwd: fileURLToPath(new URL('../../', import.meta.url)), env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
  return {
    done,
    /** The login URL the CLI prints. */
    async printedUrl(): Promise<string> {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const found = /(http:\/\/127\.0\.0\.1:\d+\/auth\/login\?\S+)/.exec(stdout)?.[1];
        if (found) return found;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no login URL printed: ${stdout}${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('OIDC SSO against a real provider', () => {
  let idp: TestOidcProvider;
  let t: TestHub;
  let hubUrl: string;
  let log = '';
  const secrets: string[] = [];
  const keep = (value: string | undefined) => {
    if (value) {
      secrets.push(value);
      recordSecret('sso', value);
    }
    return value;
  };
  const atHub = (path: string) => (next: URL) => next.origin === hubUrl && next.pathname === path;
  const userinfo = (token: string) => t.api('GET', '/api/v1/session/userinfo', undefined, { token });
  const sessionOf = (browser: Browser) => decodeURIComponent(browser.cookies(hubUrl).get('flotilla.token') ?? '');

  // A whole browser login; answers the hub's last redirect (to return_to) and the session token.
  async function browserLogin(user: keyof typeof USERS, returnTo = '/applications'): Promise<{ browser: Browser; location: URL | undefined; token: string; status: number; text: string; setCookies: string[] }> {
    const browser = new Browser(idp.ca);
    const page = await browser.signIn(`${hubUrl}/auth/login?return_to=${encodeURIComponent(returnTo)}`, user, USERS[user].password, (next) => next.origin === hubUrl && !next.pathname.startsWith('/auth/'));
    return { browser, location: page.location, token: keep(sessionOf(browser)) ?? '', status: page.status, text: page.text, setCookies: page.setCookies };
  }

  before(async () => {
    // Replicas share the key that seals the PKCE verifier (as FLOTILLA_SECRET_KEY in production).
    process.env.FLOTILLA_SECRET_KEY = randomBytes(32).toString('base64');
    const port = await freePort();
    hubUrl = `http://127.0.0.1:${port}`;
    idp = await startOidcProvider({ redirectUris: [`${hubUrl}/auth/callback`], postLogoutRedirectUris: [`${hubUrl}/`], users: USERS });
    keep(idp.clientSecret);
    for (const user of Object.values(USERS)) keep(user.password);
    const sink = new Writable({ write(chunk, _enc, done) { log += String(chunk); done(); } });
    t = await startTestHub({
      listen: `127.0.0.1:${port}`,
      log: testLogger('hub-test', { capture: sink }),
      sso: { name: 'Test IdP', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, requestedScopes: ['openid', 'profile', 'email', 'groups'], rootCa: idp.ca },
    });
    const pool = t.hub.ctx.pool;
    const open = { sourceRepos: ['*'], destinations: [{ name: '*', namespace: '*', server: '*' }] };
    for (const name of ['team-a', 'team-b']) await insertProject(pool, { name, metadata: {}, spec: open, owner: null });
    const put = await t.api('PUT', '/api/v1/settings/rbac', { data: POLICY });
    assert.equal(put.status, 200, JSON.stringify(put.body));
  });

  after(async () => {
    await t?.stop(true);
    await idp?.stop();
  });

  it('tells anonymous clients that SSO is configured, and its name', async () => {
    const settings = await t.api('GET', '/api/v1/settings', undefined, { token: null });
    assert.equal(settings.status, 200);
    assert.deepEqual(settings.body.sso, { name: 'Test IdP', loginPath: '/auth/login' });
    assert.equal(JSON.stringify(settings.body).includes(idp.clientSecret), false);
  });

  it('logs a team-a user in with team-a rights through g, team-a, role:team-a', async () => {
    const login = await browserLogin('alice');
    assert.equal(login.location?.toString(), `${hubUrl}/applications`);
    assert.match(login.token, /^flt_o_/);
    const cookie = login.setCookies.find((c) => c.startsWith('flotilla.token='))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/); // the hub serves plain HTTP here
    const me = await userinfo(login.token);
    assert.deepEqual(me.body, { loggedIn: true, username: 'alice', groups: ['team-a'] });
    assert.equal((await t.api('GET', '/api/v1/projects/team-a', undefined, { token: login.token })).status, 200);
    const other = await t.api('GET', '/api/v1/projects/team-b', undefined, { token: login.token });
    assert.equal(other.status, 403, JSON.stringify(other.body));
    assert.equal((await t.api('GET', '/api/v1/clusters', undefined, { token: login.token })).status, 200);
  });

  it('gives a user in no group policy.default only, and keeps return_to on the hub', async () => {
    const login = await browserLogin('bob', '//evil.example/phish');
    assert.equal(login.location?.toString(), `${hubUrl}/`);
    assert.deepEqual((await userinfo(login.token)).body.groups, []);
    for (const project of ['team-a', 'team-b']) {
      const res = await t.api('GET', `/api/v1/projects/${project}`, undefined, { token: login.token });
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.match(res.body.error.message, /role:viewer|default/);
    }
    assert.equal((await t.api('GET', '/api/v1/clusters', undefined, { token: login.token })).status, 200);
  });

  it('refuses a tampered or replayed state, another browser\'s state, and a tampered nonce', async () => {
    // The state changed on its way to the provider: the callback's state is not this browser's.
    const browser = new Browser(idp.ca);
    const start = await browser.request(`${hubUrl}/auth/login`);
    assert.equal(start.status, 302);
    const tampered = new URL(start.location!);
    tampered.searchParams.set('state', 'tampered-state-value');
    let page = await browser.signIn(tampered, 'alice', USERS.alice.password, atHub('/auth/callback'));
    const back = await browser.request(page.location!);
    assert.equal(back.status, 400, back.text);
    assert.match(back.text, /does not match/);

    // A state this browser holds but the hub never issued (or already used).
    browser.cookies(hubUrl).set('flotilla.sso_state', 'forged-state');
    const forged = await browser.request(`${hubUrl}/auth/callback?state=forged-state&code=whatever`);
    assert.equal(forged.status, 400);
    assert.match(forged.text, /unknown, used or expired login state/);

    // A good login's callback, replayed: its state was used.
    const good = new Browser(idp.ca);
    const first = await good.signIn(`${hubUrl}/auth/login`, 'alice', USERS.alice.password, atHub('/auth/callback'));
    const callback = first.location!;
    const cookieState = good.cookies(hubUrl).get('flotilla.sso_state');
    assert.equal((await good.request(callback)).status, 303);
    keep(sessionOf(good));
    good.cookies(hubUrl).set('flotilla.sso_state', cookieState!);
    const replay = await good.request(callback);
    assert.equal(replay.status, 400);

    // The nonce changed on its way to the provider: the ID token carries another nonce.
    const other = new Browser(idp.ca);
    const begin = await other.request(`${hubUrl}/auth/login`);
    const noNonce = new URL(begin.location!);
    noNonce.searchParams.set('nonce', 'tampered-nonce');
    page = await other.signIn(noNonce, 'alice', USERS.alice.password, atHub('/auth/callback'));
    const refused = await other.request(page.location!);
    assert.equal(refused.status, 401, refused.text);
    assert.match(refused.text, /SSO login refused/);
    assert.equal(other.cookies(hubUrl).has('flotilla.token'), false);
    const failures = await t.api('GET', '/api/v1/audit?resource=session');
    assert.ok(failures.body.items.some((e: { action: string; detail: { sso?: boolean } }) => e.action === 'login-failed' && e.detail.sso), JSON.stringify(failures.body.items.slice(0, 5)));
  });

  it('drops provider groups named like RBAC roles (a group role:admin is no admin)', async () => {
    const login = await browserLogin('mallory');
    assert.deepEqual((await userinfo(login.token)).body.groups, []);
    assert.equal((await t.api('GET', '/api/v1/projects/team-b', undefined, { token: login.token })).status, 403);
    assert.equal((await t.api('PUT', '/api/v1/settings/rbac', { data: POLICY }, { token: login.token })).status, 403);
  });

  it('refuses a provider subject that is the name of a local account', async () => {
    const login = await browserLogin('admin');
    assert.equal(login.status, 401, login.text);
    assert.match(login.text, /is the name of a local account/);
  });

  it('ends the session at logout and sends the browser to the provider\'s end_session_endpoint', async () => {
    const login = await browserLogin('alice');
    assert.equal((await userinfo(login.token)).status, 200);
    const out = await login.browser.request(`${hubUrl}/auth/logout`);
    assert.equal(out.status, 303);
    assert.equal(out.location!.origin, idp.issuer);
    assert.equal(out.location!.searchParams.get('post_logout_redirect_uri'), `${hubUrl}/`);
    assert.ok(keep(out.location!.searchParams.get('id_token_hint') ?? undefined));
    assert.equal(login.browser.cookies(hubUrl).has('flotilla.token'), false);
    assert.equal((await userinfo(login.token)).status, 401);
    // The provider's logout page answers the hint (a real end_session_endpoint).
    assert.equal((await login.browser.request(out.location!)).status, 200);
  });

  it('logs in through `flotilla login --sso` end to end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-sso-cli-'));
    try {
      const config = join(dir, 'config.json');
      const cli = spawnCli(config, ['login', hubUrl, '--sso']);
      const url = await cli.printedUrl();
      const cliPort = Number(new URL(url).searchParams.get('cli_port'));
      const browser = new Browser(idp.ca);
      const page = await browser.signIn(url, 'alice', USERS.alice.password, (next) => next.port === String(cliPort));
      assert.equal(page.location?.pathname, '/callback');
      keep(page.location!.searchParams.get('code') ?? undefined);
      const landed = await browser.request(page.location!);
      assert.equal(landed.status, 200);
      assert.match(landed.text, /Logged in to Flotilla/);
      const run = await cli.done;
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /logged in to .* as alice/);
      const saved = JSON.parse(readFileSync(config, 'utf8')) as { token: string };
      keep(saved.token);
      assert.deepEqual((await userinfo(saved.token)).body.groups, ['team-a']);
      // The one-time code is spent.
      const again = await t.api('POST', '/auth/cli/token', { code: page.location!.searchParams.get('code'), codeVerifier: 'x'.repeat(43) }, { token: null });
      assert.equal(again.status, 400);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the callback on another hub replica sharing the database', async () => {
    const replica = await startTestHub({
      databaseUrl: t.hub.database.url,
      log: testLogger('hub-test', { capture: new Writable({ write(chunk, _enc, done) { log += String(chunk); done(); } }) }),
      sso: { ...t.hub.ctx.settings.sso!, redirectUrl: `${hubUrl}/auth/callback` },
    });
    try {
      const browser = new Browser(idp.ca);
      const page = await browser.signIn(`${hubUrl}/auth/login`, 'bob', USERS.bob.password, atHub('/auth/callback'));
      // The load balancer sends the callback to the other replica: same path, query and cookies.
      const elsewhere = new URL(`${page.location!.pathname}${page.location!.search}`, replica.hub.url);
      for (const [name, value] of browser.cookies(hubUrl)) browser.cookies(replica.hub.url).set(name, value);
      const landed = await browser.request(elsewhere);
      assert.equal(landed.status, 303, landed.text);
      const token = keep(decodeURIComponent(browser.cookies(replica.hub.url).get('flotilla.token') ?? ''))!;
      assert.equal((await userinfo(token)).body.username, 'bob');
    } finally {
      await replica.stop(true);
    }
  });

  it('drops provider groups named like local accounts (a group admin is no admin)', async () => {
    const login = await browserLogin('carol');
    assert.deepEqual((await userinfo(login.token)).body.groups, ['team-a']);
    const put = await t.api('PUT', '/api/v1/settings/rbac', { data: POLICY }, { token: login.token });
    assert.equal(put.status, 403, JSON.stringify(put.body));
    assert.equal((await t.api('GET', '/api/v1/account', undefined, { token: login.token })).status, 403);
    assert.match(log, /SSO groups named like local accounts ignored/);
  });

  it('evicts the oldest pending logins when the table is full, instead of refusing new ones', async () => {
    const pool = t.hub.ctx.pool;
    const login = { codeVerifier: 'v'.repeat(43), nonce: 'n', returnTo: '/' };
    for (const state of ['cap-state-1', 'cap-state-2', 'cap-state-3'])
      await savePendingLogin(pool, t.hub.ctx.secrets, state, login, 600, { maxPending: 2 });
    assert.equal(await takePendingLogin(pool, t.hub.ctx.secrets, 'cap-state-1'), undefined);
    assert.ok(await takePendingLogin(pool, t.hub.ctx.secrets, 'cap-state-3'));
  });

  it('cuts the provider\'s error text to 128 printable characters before auditing it', async () => {
    const browser = new Browser(idp.ca);
    assert.equal((await browser.request(`${hubUrl}/auth/login`)).status, 302);
    const state = browser.cookies(hubUrl).get('flotilla.sso_state')!;
    const error = `${'E'.repeat(12 * 1024)}`;
    const back = await browser.request(`${hubUrl}/auth/callback?state=${encodeURIComponent(state)}&error=${error}&error_description=${encodeURIComponent('bad\u0007\u001b[31mred\u00e9')}`);
    assert.equal(back.status, 401, back.text.slice(0, 200));
    assert.ok(back.text.length < 1024, `answer of ${back.text.length} characters`);
    const audit = await t.api('GET', '/api/v1/audit?resource=session');
    const failed = audit.body.items.find((e: { action: string; detail: { reason?: string } }) => e.action === 'login-failed' && e.detail.reason?.startsWith('the provider answered'));
    assert.ok(failed, JSON.stringify(audit.body.items.slice(0, 3)));
    assert.equal(failed.detail.reason, `the provider answered ${'E'.repeat(128)}`);
    assert.equal(back.text.includes('\u001b') || back.text.includes('\u0007'), false);
  });

  it('ends an SSO session once a local account of its name is created', async () => {
    const login = await browserLogin('dave');
    assert.equal((await userinfo(login.token)).status, 200);
    const created = await t.api('POST', '/api/v1/account', { name: 'dave' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await userinfo(login.token)).status, 401);
  });

  it('refuses a cross-site logout (nothing ended) and takes a same-origin one', async () => {
    const login = await browserLogin('alice');
    const logoutWith = (site: string) => fetch(`${hubUrl}/auth/logout`, { redirect: 'manual', headers: { cookie: `flotilla.token=${encodeURIComponent(login.token)}`, 'sec-fetch-site': site } });
    for (const site of ['cross-site', 'same-site']) {
      const out = await logoutWith(site);
      assert.equal(out.status, 303, site);
      assert.equal(out.headers.get('location'), `${hubUrl}/`, site);
      assert.equal(out.headers.getSetCookie().some((c) => c.startsWith('flotilla.token=')), false, site);
      assert.equal((await userinfo(login.token)).status, 200, site);
    }
    const out = await logoutWith('same-origin');
    assert.equal(out.status, 303);
    assert.equal((await userinfo(login.token)).status, 401);
  });

  it('audits SSO logins and logs no secret', async () => {
    const audit = await t.api('GET', '/api/v1/audit?resource=session');
    const logins = audit.body.items.filter((e: { action: string; detail: { sso?: boolean } }) => e.action === 'login' && e.detail.sso);
    assert.ok(logins.some((e: { actor: string; detail: { via: string } }) => e.actor === 'alice' && e.detail.via === 'cli'));
    assert.ok(logins.some((e: { actor: string; detail: { via: string; groups: string[] } }) => e.actor === 'bob' && e.detail.via === 'browser'));
    assert.ok(log.length > 0);
    for (const secret of secrets) assert.equal(log.includes(secret), false, `the hub logged a secret (${secret.slice(0, 6)}…)`);
  });
});
