// Repository credentials bound to scheme, host and path (issue 13): a credential registered for
// https:// is never sent over http://, credential templates cover repositories under a URL prefix
// at a path-segment boundary (the longest wins, the repository's own first), and a password
// written into a URL never shows in an answer, a condition, the audit log or the hub's log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { runCli } from '../support/cli.ts';
import { readInitialPassword } from '../../hub/src/store/accounts.ts';
import { testLogger } from '../support/secret-ledger.ts';

const PASSWORD = 's3cret-repo-pw';
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "v1"\n`;

function application(name: string, repoURL: string) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: { project: 'default', source: { repoURL, path: 'config', targetRevision: 'main' }, destination: { name: 'edge', namespace: 'demo' } },
  };
}

describe('repository credentials', () => {
  let t: TestHub;
  let git: GitServer;
  let logs = '';
  before(async () => {
    git = await startGitServer({ auth: { username: 'ci', password: PASSWORD } });
    for (const name of ['private', 'team/a', 'team/b', 'teamwork/c', 'masked']) git.createRepo(name, { 'config/cm.yaml': configMap(name.replace('/', '-')) });
    const sink = new Writable({ write(chunk, _enc, done) { logs += String(chunk); done(); } });
    t = await startTestHub({ pollIntervalMs: 3_600_000, log: testLogger('hub-test', { capture: sink }) });
    assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'edge' })).status, 201);
  });
  after(async () => {
    await t.stop(true);
    await git.close();
  });

  const app = async (name: string) => (await t.api('GET', `/api/v1/applications/${name}`)).body;
  const rendered = (name: string) => eventually(`${name} rendered`, async () => ((await app(name)).status.bundle ? app(name) : undefined));
  const failing = (name: string, pattern: RegExp) => eventually(`${name}: a condition matching ${pattern}`, async () => {
    const a = await app(name);
    return a.status.conditions.some((c: any) => pattern.test(c.message)) ? a : undefined;
  });
  const refresh = (name: string) => t.api('POST', `/api/v1/applications/${name}/refresh`);

  it('does not send a credential registered for https:// to the same repository over http://', async () => {
    const https = git.url.replace('http://', 'https://');
    const added = await t.api('POST', '/api/v1/repositories', { url: `${https}/private.git`, username: 'ci', password: PASSWORD });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal((await t.api('POST', '/api/v1/applications', application('plain', `${git.url}/private.git`))).status, 201);
    const a = await failing('plain', /authentication failed/);
    assert.equal(a.status.bundle, undefined);

    // Registered for the http:// URL itself, it is used.
    assert.equal((await t.api('POST', '/api/v1/repositories', { url: `${git.url}/private.git`, username: 'ci', password: PASSWORD })).status, 201);
    assert.ok((await rendered('plain')).status.bundle);
    const list = (await t.api('GET', '/api/v1/repositories')).body.items.map((r: any) => r.repo).sort();
    assert.deepEqual(list, [`${git.url}/private.git`, `${https}/private.git`].sort());
  });

  it('a credential template covers the repositories under its prefix, at a path-segment boundary', async () => {
    const added = await t.api('POST', '/api/v1/repocreds', { url: `${git.url}/team`, username: 'ci', password: PASSWORD });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.deepEqual(Object.keys(added.body).sort(), ['createdAt', 'url', 'username']);
    assert.equal((await t.api('POST', '/api/v1/repocreds', { url: `${git.url}/team`, password: 'x' })).status, 409);
    assert.equal((await t.api('POST', '/api/v1/applications', application('team-a', `${git.url}/team/a.git`))).status, 201);
    assert.equal((await t.api('POST', '/api/v1/applications', application('teamwork-c', `${git.url}/teamwork/c.git`))).status, 201);
    assert.ok((await rendered('team-a')).status.bundle);
    await failing('teamwork-c', /authentication failed/);

    // Not over https-registered prefixes for http, and the longest prefix wins over a shorter one.
    assert.equal((await t.api('POST', '/api/v1/repocreds', { url: git.url, username: 'ci', password: 'wrong-password' })).status, 201);
    assert.equal((await t.api('POST', '/api/v1/applications', application('team-b', `${git.url}/team/b.git`))).status, 201);
    assert.ok((await rendered('team-b')).status.bundle);
    await refresh('teamwork-c');
    await failing('teamwork-c', /authentication failed/);

    // The repository's own credential comes before any template.
    assert.equal((await t.api('POST', '/api/v1/repositories', { url: `${git.url}/team/b`, username: 'ci', password: 'also-wrong' })).status, 201);
    await refresh('team-b');
    await failing('team-b', /authentication failed/);
    assert.equal((await t.api('DELETE', `/api/v1/repositories/${encodeURIComponent(`${git.url}/team/b`)}`)).status, 200);

    // Removing the longer template leaves the shorter, wrong one.
    assert.equal((await t.api('DELETE', `/api/v1/repocreds/${encodeURIComponent(`${git.url}/team/`)}`)).status, 200);
    assert.equal((await t.api('DELETE', `/api/v1/repocreds/${encodeURIComponent(`${git.url}/team`)}`)).status, 404);
    await refresh('team-a');
    await failing('team-a', /authentication failed/);
    const templates = (await t.api('GET', '/api/v1/repocreds')).body.items;
    assert.deepEqual(templates.map((c: any) => c.url), [git.url]);
    assert.ok(!JSON.stringify(templates).includes('wrong-password'));
  });

  it('refuses a password in an application repoURL, and never shows one written into a URL', async () => {
    const withPassword = `${git.url.replace('http://', `http://ci:${PASSWORD}@`)}/masked.git`;
    const refused = await t.api('POST', '/api/v1/applications', application('masked', withPassword));
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, 'FLT_ERR_INVALID_INPUT');
    assert.ok(refused.body.error.issues.some((i: any) => i.path === 'spec.source.repoURL'), JSON.stringify(refused.body));
    assert.ok(!JSON.stringify(refused.body).includes(PASSWORD));

    // Registered with the password in its URL, the repository keeps it as its credential, not in the URL.
    const repo = await t.api('POST', '/api/v1/repositories', { url: withPassword });
    assert.equal(repo.status, 201, JSON.stringify(repo.body));
    assert.equal(repo.body.repo, `${git.url}/masked.git`);
    assert.equal(repo.body.username, 'ci');
    assert.equal(repo.body.hasCredentials, true);
    assert.equal((await t.api('POST', '/api/v1/applications', application('masked', `${git.url}/masked.git`))).status, 201);
    assert.ok((await rendered('masked')).status.bundle);
    assert.equal((await t.api('POST', '/api/v1/repositories', { url: withPassword, password: 'twice' })).status, 400);

    // An application stored before the refusal (written straight into the store): masked in every answer and condition.
    const unreachable = `http://ci:${PASSWORD}@127.0.0.1:1/gone.git`;
    await t.hub.ctx.pool.query(`UPDATE applications SET spec = jsonb_set(spec, '{source,repoURL}', to_jsonb($1::text)) WHERE name = 'masked'`, [unreachable]);
    await refresh('masked');
    const masked = await failing('masked', /cannot reach repository/);
    assert.match(JSON.stringify(masked.status.conditions), /http:\/\/ci:\*{6}@127\.0\.0\.1:1\/gone\.git/);
    assert.equal(masked.spec.source.repoURL, 'http://ci:******@127.0.0.1:1/gone.git');

    const everything = JSON.stringify([
      masked,
      (await t.api('GET', '/api/v1/applications')).body,
      (await t.api('GET', '/api/v1/repositories')).body,
      (await t.api('GET', '/api/v1/audit?limit=1000')).body,
    ]);
    assert.ok(!everything.includes(PASSWORD), 'a password shows in an API answer');
    assert.ok(logs.length > 0 && !logs.includes(PASSWORD), 'a password shows in the hub log');
  });

  it('flotilla repocreds add, list and rm manage templates without echoing the password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-'));
    const config = join(dir, 'config.json');
    const ok = async (...args: string[]) => {
      const res = await runCli(config, args);
      assert.equal(res.code, 0, `flotilla ${args.join(' ')} failed: ${res.stderr}`);
      return res.stdout;
    };
    try {
      await ok('login', t.hub.url, '--username', 'admin', '--password', readInitialPassword(t.dataDir)!);
      const prefix = `${git.url}/cli-team`;
      assert.equal((await ok('repocreds', 'add', prefix, '--username', 'ci', '--password', 'cli-s3cret')).trim(), `credential template ${prefix} added`);
      const list = await ok('repocreds', 'list');
      assert.match(list, /^URL PATTERN\s+USER$/m);
      assert.ok(list.includes(prefix) && !list.includes('cli-s3cret'), list);
      const json = JSON.parse(await ok('repocreds', 'list', '-o', 'json'));
      assert.ok(json.some((c: any) => c.url === prefix && c.username === 'ci'));
      assert.equal((await ok('repocreds', 'rm', prefix)).trim(), `credential template ${prefix} removed`);
      assert.ok(!(await ok('repocreds', 'list')).includes(prefix));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
