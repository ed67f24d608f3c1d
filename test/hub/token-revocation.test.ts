// Revocation and expiry take effect at once on every hub replica: two hubs share one PostgreSQL
// (the second on the first's database URL, with the same secret key, as replicas run); a token
// revoked through one is refused by the other at its next request, within the same second. Covers
// account API tokens and project role JWTs (issued on one replica, verified on the other, whose
// signing key it first reads from the store), and a forged JWT naming a real token's id.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { readInitialPassword } from '../../hub/src/store/accounts.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

const ROLES = { roles: [{ name: 'ci', policies: ['p, proj:team-a:ci, applications, get, team-a/*, allow'] }, { name: 'ops' }] };

describe('revocation on every replica', () => {
  let a: TestHub;
  let b: TestHub;
  // Everything both replicas log, at debug level and with no redaction: no token may be in it.
  let logged = '';
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => ((logged += chunk.toString()), done()) });
  const log = pino({ level: 'debug' }, sink);
  const secrets: string[] = [];
  const whoami = (hub: TestHub, token: string) => {
    secrets.push(token);
    return hub.api('GET', '/api/v1/session/userinfo', undefined, { token });
  };

  before(async () => {
    a = await startTestHub({ log });
    const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-hub-b-'));
    copyFileSync(join(a.dataDir, 'secret.key'), join(dataDir, 'secret.key'));
    b = await startTestHub({ dataDir, databaseUrl: a.hub.database.url, log });
    b.token = a.token; // sessions live in the shared store
    await a.hub.ctx.pool.query("INSERT INTO projects (name, spec) VALUES ('team-a', $1)", [{ sourceRepos: ['*'], destinations: [{ server: '*', namespace: 'team-a' }], ...ROLES }]);
    assert.equal((await a.api('POST', '/api/v1/account', { name: 'ci-bot', capabilities: ['apiKey'] })).status, 201);
  });
  after(async () => {
    const password = a && readInitialPassword(a.dataDir);
    await b?.stop(true);
    await a?.stop(true);
    assert.ok(logged.includes('token refused'), 'the refusals were logged');
    for (const secret of [...secrets, a.token, password ?? 'x']) {
      assert.ok(!logged.includes(secret), `a token or password was logged: ${secret.slice(0, 12)}…`);
      // A JWT's signature alone is its secret part.
      if (secret.split('.').length === 3 && secret.split('.')[2]!.length > 20) assert.ok(!logged.includes(secret.split('.')[2]!), 'a JWT signature was logged');
    }
  });

  it('refuses an API token on replica B within the same second it is revoked on replica A', async () => {
    const token = (await a.api('POST', '/api/v1/account/ci-bot/token', { id: 'deploy' })).body.token as string;
    assert.equal((await whoami(b, token)).body.username, 'ci-bot');
    const revoked = await a.api('DELETE', '/api/v1/account/ci-bot/token/deploy');
    const revokedAt = Date.now();
    assert.equal(revoked.status, 200);
    const refused = await whoami(b, token);
    const elapsed = Date.now() - revokedAt;
    assert.equal(refused.status, 401);
    assert.match(refused.body.error.message, /revoked/);
    assert.ok(elapsed < 1000, `refused ${elapsed} ms after the revocation`);
  });

  it('verifies a project JWT issued on B on A, refuses it on A once revoked on B, and lists by id', async () => {
    const issued = await b.api('POST', '/api/v1/projects/team-a/roles/ci/token', { expiresIn: '24h', id: 'pipeline' });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    const jwt = issued.body.token as string;
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
    assert.deepEqual({ ...claims, iat: 0, exp: 0 }, { iss: 'flotilla', sub: 'proj:team-a:ci', jti: 'pipeline', iat: 0, exp: 0 });
    assert.equal(claims.exp - claims.iat, 86_400);
    assert.deepEqual((await whoami(a, jwt)).body, { loggedIn: true, username: 'proj:team-a:ci', groups: [] });
    const stored = (await a.hub.ctx.pool.query('SELECT * FROM project_tokens')).rows;
    assert.ok(!JSON.stringify(stored).includes(jwt.split('.')[2]!), 'the JWT is stored only as a hash');
    const listed = await a.api('GET', '/api/v1/projects/team-a/roles/ci/token');
    assert.deepEqual(listed.body.items.map((i: { id: string }) => i.id), ['pipeline']);
    assert.equal((await b.api('DELETE', '/api/v1/projects/team-a/roles/ci/token/pipeline')).status, 200);
    const revokedAt = Date.now();
    const refused = await whoami(a, jwt);
    assert.ok(Date.now() - revokedAt < 1000);
    assert.equal(refused.status, 401);
    assert.match(refused.body.error.message, /pipeline of proj:team-a:ci is refused: revoked/);
    assert.deepEqual((await a.api('GET', '/api/v1/projects/team-a/roles/ci/token')).body.items, []);
    // A new token with the same id does not bring the revoked one back.
    const again = (await a.api('POST', '/api/v1/projects/team-a/roles/ci/token', { id: 'pipeline' })).body.token as string;
    assert.equal((await whoami(b, again)).status, 200);
    assert.equal((await whoami(b, jwt)).status, 401);
  });

  it('refuses an expired project JWT at once on both replicas', async () => {
    const issued = (await a.api('POST', '/api/v1/projects/team-a/roles/ops/token', { expiresIn: 1 })).body;
    assert.equal((await whoami(b, issued.token)).status, 200);
    await new Promise((r) => setTimeout(r, Date.parse(issued.expiresAt) - Date.now() + 50));
    for (const hub of [a, b]) {
      const refused = await whoami(hub, issued.token);
      assert.equal(refused.status, 401);
      assert.match(refused.body.error.message, /expired/);
    }
  });

  it('refuses a JWT whose role left the project, and forged or altered JWTs', async () => {
    const jwt = (await a.api('POST', '/api/v1/projects/team-a/roles/ops/token', { id: 'ops-1' })).body.token as string;
    assert.equal((await whoami(b, jwt)).status, 200);
    await a.hub.ctx.pool.query("UPDATE projects SET spec = spec - 'roles' || $1 WHERE name = 'team-a'", [{ roles: ROLES.roles.slice(0, 1) }]);
    assert.match((await whoami(b, jwt)).body.error.message, /the role is no longer in project team-a/);
    const [head, body, signature] = jwt.split('.');
    const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), sub: 'proj:team-a:ci' })).toString('base64url');
    for (const forged of [`${head}.${altered}.${signature}`, `${Buffer.from('{"alg":"none","kid":"x"}').toString('base64url')}.${altered}.x`]) {
      const refused = await whoami(a, forged);
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error.message, 'the token is invalid or expired');
    }
    const audited = (await a.api('GET', '/api/v1/audit?resource=projects&limit=1000')).body.items.filter((e: { action: string }) => e.action === 'token-refused');
    assert.deepEqual(audited.map((e: { object: string; detail: { reason: string } }) => `${e.object}: ${e.detail.reason}`).sort(), [
      'team-a/ci/pipeline: revoked', 'team-a/ci/pipeline: revoked', 'team-a/ops/ops-1: the role is no longer in project team-a',
      ...audited.filter((e: { detail: { reason: string } }) => e.detail.reason === 'expired').map((e: { object: string }) => `${e.object}: expired`),
    ].sort());
  });

  it('answers 404 for a missing project or role and 400 for a bad id', async () => {
    assert.match((await a.api('POST', '/api/v1/projects/nope/roles/ci/token', {})).body.error.message, /project "nope" not found/);
    const noRole = await a.api('POST', '/api/v1/projects/team-a/roles/nope/token', {});
    assert.equal(noRole.status, 404);
    assert.match(noRole.body.error.message, /no role "nope"/);
    assert.equal((await a.api('POST', '/api/v1/projects/team-a/roles/ci/token', { id: 'a b' })).status, 400);
    assert.equal((await a.api('DELETE', '/api/v1/projects/team-a/roles/ci/token/none')).status, 404);
  });
});
