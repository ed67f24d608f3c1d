// The web UI's hub side (issue 17): GET /api/v1/account/can-i answers for the caller from the
// stored policy (a read-only user may get, not sync: the reason names what decided), and the UI's
// static files are served with a CSP, immutable hashed assets, index.html for every page's deep
// link (never for /api or /auth), gzip, no path escapes, and a build hint when dist is missing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { createSession } from '../../hub/src/store/accounts.ts';
import { UI_CSP, uiStaticRoutes } from '../../hub/src/api/ui-static.ts';

describe('GET /api/v1/account/can-i', () => {
  let t: TestHub;
  let viewer: string;
  before(async () => {
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    await t.hub.ctx.pool.query("INSERT INTO accounts (name, password_hash) VALUES ('viewer', 'unused')");
    viewer = (await createSession(t.hub.ctx.pool, 'viewer', 3600)).token;
    const put = await t.api('PUT', '/api/v1/settings/rbac', 'g, viewer, role:readonly\n', { contentType: 'text/csv' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
  });
  after(async () => t?.stop(true));

  // who, path, allowed
  const rows: [string, string, boolean][] = [
    ['admin', 'applications/sync/default/web', true],
    ['admin', 'clusters/create', true],
    ['viewer', 'applications/get/default/web', true],
    ['viewer', 'applications/sync/default/web', false],
    ['viewer', 'applications/delete/default/web', false],
    ['viewer', 'clusters/create/*', false],
    ['viewer', 'projects/create', false],
    ['viewer', 'repositories/get/https://git.example/a.git', true],
  ];
  for (const [who, path, allowed] of rows) {
    it(`${who} ${path} → ${allowed}`, async () => {
      const res = await t.api('GET', `/api/v1/account/can-i/${path}`, undefined, { token: who === 'admin' ? t.token : viewer });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.allowed, allowed);
      if (!allowed) assert.match(res.body.reason, /^\w+ \w+: .+/, 'a denial says what decided it');
    });
  }
  it('refuses an unknown resource or action with 400 naming it', async () => {
    const res = await t.api('GET', '/api/v1/account/can-i/widgets/get/x');
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /unknown RBAC resource "widgets"/);
    const bad = await t.api('GET', '/api/v1/account/can-i/applications/launch/x');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /unknown RBAC action "launch"/);
  });
  it('needs a login', async () => {
    assert.equal((await t.api('GET', '/api/v1/account/can-i/applications/get/default/web', undefined, { token: null })).status, 401);
  });
  it('serves the UI at / beside the API: a page URL gets HTML, an unknown API path the API\'s 404', async () => {
    const page = await fetch(`${t.hub.url}/applications/web?tab=diff`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('content-security-policy'), UI_CSP);
    await page.text();
    const api = await fetch(`${t.hub.url}/api/v1/nothing-here`, { headers: { accept: 'text/html' } });
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as any).error.code, 'FLT_ERR_NOT_FOUND');
    const health = await fetch(`${t.hub.url}/healthz`, { headers: { accept: 'text/html' } });
    assert.equal(health.status, 200);
    assert.doesNotMatch(await health.text(), /<html/i);
  });
  it('does not shadow the account routes under the same prefix', async () => {
    const res = await t.api('GET', '/api/v1/account/viewer');
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });
});

describe('the UI static files', () => {
  let dir: string;
  const app = Fastify();
  const big = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-ui-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div><script type="module" src="/assets/index-abc.js"></script>');
    writeFileSync(join(dir, 'assets', 'index-abc.js'), big);
    writeFileSync(join(dir, 'secret.txt'), 'not an asset');
    app.get('/api/v1/known', async () => ({ ok: true }));
    await app.register(uiStaticRoutes(dir));
    await app.ready();
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

  it('answers index.html, uncached and with the CSP, for every page of the UI', async () => {
    for (const url of ['/', '/applications', '/applications/web?resource=apps/Deployment/ns/web&tab=diff', '/clusters/edge-1', '/login?return_to=/fleet']) {
      const res = await app.inject({ url, headers: url === '/' ? {} : html });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /^text\/html/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.equal(res.headers['content-security-policy'], UI_CSP);
      assert.match(UI_CSP, /default-src 'self'/);
      assert.match(res.body, /id="app"/);
    }
  });
  it('never answers the UI for /api, /auth or a non-HTML request', async () => {
    for (const [url, headers] of [['/api/v1/nothing', html], ['/api', html], ['/auth/callback', html], ['/favicon.ico', { accept: 'image/*' }]] as const) {
      const res = await app.inject({ url, headers });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().error.code, 'FLT_ERR_NOT_FOUND');
    }
    assert.equal((await app.inject({ url: '/api/v1/known', headers: html })).json().ok, true);
  });
  it('serves hashed assets immutable, gzipped when asked', async () => {
    const plain = await app.inject({ url: '/assets/index-abc.js' });
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.body, big);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(plain.headers['content-type'] as string, /^text\/javascript/);
    const zipped = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.ok(zipped.rawPayload.length < big.length / 4);
    assert.equal(gunzipSync(zipped.rawPayload).toString(), big);
  });
  it('serves nothing outside assets/', async () => {
    for (const url of ['/assets/..%2Fsecret.txt', '/assets/%2e%2e%2fsecret.txt', '/assets/missing.js', '/assets/../secret.txt', '/secret.txt']) {
      const res = await app.inject({ url, headers: { accept: '*/*' } });
      assert.equal(res.statusCode, 404, url);
      assert.doesNotMatch(res.body, /not an asset/);
    }
  });
  it('says how to build the UI when there is no build', async () => {
    const bare = Fastify();
    await bare.register(uiStaticRoutes(join(dir, 'nowhere')));
    const res = await bare.inject({ url: '/', headers: html });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /npm run build/);
    await bare.close();
  });
});
