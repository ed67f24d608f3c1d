// The audit log (issue 16 §6) through a real hub and a protocol-level agent: every category of act
// (cluster, application, repository, project, account and RBAC mutations, manual and automated
// syncs, operation outcomes reported by the agent, rollback, terminate, logins, token use, RBAC
// denials) is an entry with the right actor, action, object and result; token use and denials are
// coalesced (one entry a minute, on every replica together) and bounded; GET /api/v1/audit filters
// and pages (keyset, newest first) and `flotilla audit` with it; retention prunes old entries;
// and no entry holds a password, token or credential used in the suite.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HubMessage } from '@flotilla/shared';
import { createLogger } from '@flotilla/shared';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { runCli } from '../support/cli.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { readInitialPassword } from '../../hub/src/store/accounts.ts';
import { AuditRetention } from '../../hub/src/store/audit-retention.ts';
import { testLogger } from '../support/secret-ledger.ts';

interface Entry { id: number; at: string; actor: string; action: string; resource: string; object: string; result: string; detail: Record<string, any> }

const configMap = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  value: "${value}"\n`;
const application = (name: string, repoURL: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
  spec: { project: 'default', source: { repoURL, path: 'settings', targetRevision: 'main' }, destination: { name: 'east', namespace: 'demo' }, ...extra },
});
const REPO_PASSWORD = 'audit-repo-password-5f1e2d';
const USER_PASSWORD = 'audit-user-password-9c8b7a';

describe('audit log', () => {
  let t: TestHub;
  let git: GitServer;
  let agent: TestAgent;
  let repoURL: string;
  let seq = 0;
  let dir: string;
  let config: string;
  const secrets: string[] = [REPO_PASSWORD, USER_PASSWORD];

  const audit = async (query: string, token?: string): Promise<Entry[]> => {
    const res = await t.api('GET', `/api/v1/audit?${query}`, undefined, token ? { token } : {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.items;
  };
  const one = (entries: Entry[]) => entries.map((e) => [e.actor, e.action, e.object, e.result]);

  /** Reports a status of `app` as its agent, with an operation state, and waits for the ack. */
  async function report(app: string, operationState?: Record<string, unknown>): Promise<void> {
    seq += 1;
    agent.send({ type: 'status', app, seq, status: { sync: { status: 'Synced' }, health: { status: 'Healthy' }, resources: [], reconciledAt: new Date().toISOString(), ...(operationState ? { operationState } : {}) } });
    for (;;) if ((await agent.next('status.ack')).seq === seq) return;
  }

  before(async () => {
    git = await startGitServer();
    git.createRepo('apps', { 'settings/cm.yaml': configMap('v1') });
    repoURL = `${git.url}/apps.git`;
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    secrets.push(t.token, readInitialPassword(t.dataDir)!);
    dir = mkdtempSync(join(tmpdir(), 'flotilla-audit-'));
    config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ server: t.hub.url, token: t.token, username: 'admin' }), { mode: 0o600 });
    const added = await t.api('POST', '/api/v1/clusters', { name: 'east' });
    secrets.push(added.body.bootstrapToken);
    let socket: TestAgent | undefined;
    // Acknowledge every delta, as a live agent does.
    const ack = (m: HubMessage) => {
      if (m.type === 'delta') socket?.send({ type: 'ack', revision: m.revision });
    };
    agent = socket = await connectAgent(t.hub.url, added.body.bootstrapToken, { onMessage: ack });
    agent.hello(0);
    secrets.push((await agent.next('registered')).credential);
    await agent.next('snapshot');
  });
  after(async () => {
    agent?.close();
    await t?.stop(true);
    await git?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('records cluster mutations: add, set, bootstrap token, revoke, delete', async () => {
    assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'west', labels: { env: 'prod' } })).status, 201);
    assert.equal((await t.api('PATCH', '/api/v1/clusters/west', { labels: { env: 'dev' } })).status, 200);
    const reissued = await t.api('POST', '/api/v1/clusters/west/bootstrap-token');
    secrets.push(reissued.body.bootstrapToken);
    assert.equal((await t.api('POST', '/api/v1/clusters/west/revoke')).status, 200);
    assert.equal((await t.api('DELETE', '/api/v1/clusters/west')).status, 200);
    assert.deepEqual((await audit('resource=clusters&object=west')).map((e) => [e.actor, e.action, e.result]), [
      ['admin', 'delete', 'success'], ['admin', 'revoke', 'success'], ['admin', 'issue-token', 'success'], ['admin', 'update', 'success'], ['admin', 'create', 'success'],
    ]);
  });

  it('records application, repository, project and settings mutations', async () => {
    assert.equal((await t.api('POST', '/api/v1/repositories', { url: repoURL, username: 'deployer', password: REPO_PASSWORD })).status, 201);
    for (const [name, extra] of [['web', {}], ['auto', { syncPolicy: { automated: {} } }]] as const) {
      assert.equal((await t.api('POST', '/api/v1/applications', application(name, repoURL, extra))).status, 201);
    }
    await eventually('web rendered', async () => (await t.api('GET', '/api/v1/applications/web')).body.status?.bundle);
    assert.equal((await t.api('PUT', '/api/v1/applications/web', application('web', repoURL, { info: [{ name: 'owner', value: 'team' }] }))).status, 200);
    const project = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'team' }, spec: { sourceRepos: ['*'], destinations: [{ name: '*', namespace: 'team' }], roles: [{ name: 'ci', policies: ['p, proj:team:ci, applications, get, team/*, allow'] }] } };
    assert.equal((await t.api('POST', '/api/v1/projects', project)).status, 201);
    assert.equal((await t.api('PUT', '/api/v1/settings/rbac', { data: { 'policy.csv': 'p, role:deployer, applications, sync, default/web, allow\n' } })).status, 200);
    assert.deepEqual(one(await audit('resource=applications&object=web')), [['admin', 'update', 'web', 'success'], ['admin', 'create', 'web', 'success']]);
    const repo = await audit('resource=repositories');
    assert.deepEqual(one(repo), [['admin', 'create', repoURL, 'success']]);
    assert.equal(repo[0]!.detail.username, 'deployer');
    assert.deepEqual(one(await audit('resource=projects&object=team')), [['admin', 'create', 'team', 'success']]);
    assert.deepEqual(one(await audit('resource=rbac')), [['admin', 'update', 'argocd-rbac-cm', 'success']]);
  });

  it('records a manual sync and its outcome under its initiator, a failure as failure, a rollback and a terminated sync', async () => {
    const sync = async () => {
      const res = await t.api('POST', '/api/v1/applications/web/sync', {});
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.operation.id as string;
    };
    const first = await sync();
    await report('web', { id: first, phase: 'Running', message: 'wave 0' });
    await report('web', { id: first, phase: 'Succeeded', message: 'successfully synced' });
    await report('web', { id: first, phase: 'Succeeded', message: 'successfully synced' }); // told once
    const failed = await sync();
    await report('web', { id: failed, phase: 'Failed', message: 'one or more objects failed to apply' });
    const second = await sync();
    await report('web', { id: second, phase: 'Succeeded' });
    const rollback = await t.api('POST', '/api/v1/applications/web/rollback', {});
    assert.equal(rollback.status, 200, JSON.stringify(rollback.body));
    await report('web', { id: rollback.body.operation.id, phase: 'Succeeded' });
    const stopped = await sync();
    await report('web', { id: stopped, phase: 'Running', message: 'wave 1' });
    assert.equal((await t.api('POST', '/api/v1/applications/web/operation/terminate')).status, 200);
    await report('web', { id: stopped, phase: 'Failed', message: 'operation terminated' });

    const entries = (await audit('resource=applications&object=web&limit=1000')).filter((e) => e.action !== 'create' && e.action !== 'update').reverse();
    assert.deepEqual(entries.map((e) => [e.actor, e.action, e.result, e.detail.operation, e.detail.phase ?? '']), [
      ['admin', 'sync', 'success', first, ''], ['admin', 'operation', 'success', first, 'Succeeded'],
      ['admin', 'sync', 'success', failed, ''], ['admin', 'operation', 'failure', failed, 'Failed'],
      ['admin', 'sync', 'success', second, ''], ['admin', 'operation', 'success', second, 'Succeeded'],
      ['admin', 'rollback', 'success', rollback.body.operation.id, ''], ['admin', 'operation', 'success', rollback.body.operation.id, 'Succeeded'],
      ['admin', 'sync', 'success', stopped, ''], ['admin', 'terminate', 'success', entries[9]!.detail.operation, ''], ['admin', 'operation', 'failure', stopped, 'Failed'],
    ]);
    assert.equal(entries[7]!.detail.kind, 'rollback');
    assert.equal(entries[3]!.detail.message, 'one or more objects failed to apply');
    assert.equal(entries[10]!.detail.terminatedBy, 'admin');
    assert.equal(entries[10]!.detail.kind, 'sync');
  });

  it("records the agent's automated syncs (actor automated): started once and finished once", async () => {
    await report('auto', { id: 'auto-r1', phase: 'Running', message: 'wave 0' });
    await report('auto', { id: 'auto-r1', phase: 'Running', message: 'wave 1' });
    await report('auto', { id: 'auto-r1', phase: 'Succeeded', message: 'synced' });
    await report('auto', { id: 'auto-r1', phase: 'Succeeded', message: 'synced' });
    await report('auto', { id: 'auto-r2', phase: 'Error', message: 'the API server refused the apply' });
    const entries = await audit('actor=automated&resource=applications&object=auto');
    assert.deepEqual(entries.map((e) => [e.action, e.result, e.detail.operation]).reverse(), [
      ['sync', 'success', 'auto-r1'], ['operation', 'success', 'auto-r1'], ['sync', 'success', 'auto-r2'], ['operation', 'failure', 'auto-r2'],
    ]);
    assert.equal(entries[0]!.detail.phase, 'Error');
  });

  it('records logins, failed ones as failure', async () => {
    assert.equal((await t.api('POST', '/api/v1/account', { name: 'alice', password: USER_PASSWORD })).status, 201);
    assert.equal((await t.api('POST', '/api/v1/session', { username: 'alice', password: 'wrong-guess' }, { token: null })).status, 401);
    const login = await t.api('POST', '/api/v1/session', { username: 'alice', password: USER_PASSWORD }, { token: null });
    assert.equal(login.status, 200);
    secrets.push(login.body.token);
    assert.deepEqual(one(await audit('resource=session&object=alice')), [['alice', 'login', 'alice', 'success'], ['alice', 'login-failed', 'alice', 'failure']]);
    assert.equal((await t.api('DELETE', '/api/v1/session', undefined, { token: login.body.token })).status, 200);
    assert.deepEqual(one(await audit('resource=session&object=alice')).slice(0, 1), [['alice', 'logout', 'alice', 'success']], 'a logout is recorded too');
    assert.equal((await t.api('DELETE', '/api/v1/session', undefined, { token: login.body.token })).status, 200);
    assert.equal((await audit('resource=session&object=alice&action=logout')).length, 1, 'logging out an ended session records nothing');
    assert.deepEqual(one(await audit('resource=accounts&object=alice')), [['admin', 'create', 'alice', 'success']]);
  });

  it('records the use of an API token and of a project JWT once a minute per token, on every replica together', async () => {
    assert.equal((await t.api('POST', '/api/v1/account', { name: 'ci', capabilities: ['apiKey'] })).status, 201);
    const token = (await t.api('POST', '/api/v1/account/ci/token', { id: 'pipeline' })).body.token as string;
    const jwt = (await t.api('POST', '/api/v1/projects/team/roles/ci/token', { id: 'deploy' })).body.token as string;
    secrets.push(token, jwt);
    const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-audit-b-'));
    copyFileSync(join(t.dataDir, 'secret.key'), join(dataDir, 'secret.key'));
    const b = await startTestHub({ dataDir, databaseUrl: t.hub.database.url, pollIntervalMs: 3_600_000, log: testLogger('hub-b') });
    try {
      for (const hub of [t, b, t, b]) {
        assert.equal((await hub.api('GET', '/api/v1/session/userinfo', undefined, { token })).status, 200);
        assert.equal((await hub.api('GET', '/api/v1/session/userinfo', undefined, { token: jwt })).status, 200);
      }
    } finally {
      await b.stop(true);
    }
    assert.deepEqual(one(await audit('action=token-used')), [['proj:team:ci', 'token-used', 'team/ci/deploy', 'success'], ['ci', 'token-used', 'ci/pipeline', 'success']]);
    assert.deepEqual((await audit('action=token-used')).map((e) => e.resource), ['projects', 'accounts']);
  });

  it('records RBAC denials as denied, coalesced per act and bounded per actor; list filtering is no denial', async () => {
    const token = (await t.api('POST', '/api/v1/account/ci/token', { id: 'denied' })).body.token as string;
    secrets.push(token);
    for (let i = 0; i < 3; i++) assert.equal((await t.api('POST', '/api/v1/applications/web/sync', {}, { token })).status, 403);
    assert.equal((await t.api('DELETE', '/api/v1/clusters/east', undefined, { token })).status, 403);
    assert.equal((await t.api('GET', '/api/v1/audit', undefined, { token })).status, 403, 'the audit log is for who may get every account');
    assert.equal((await t.api('GET', '/api/v1/clusters', undefined, { token })).status, 200);
    assert.equal((await t.api('GET', '/api/v1/applications', undefined, { token })).status, 200);
    const denied = await audit('actor=ci&result=denied');
    assert.deepEqual(denied.map((e) => [e.action, e.resource, e.object]), [['get', 'accounts', '*'], ['delete', 'clusters', 'east'], ['sync', 'applications', 'default/web']]);
    assert.match(denied[2]!.detail.reason, /no rule allows sync on applications default\/web to ci/);
    assert.equal(denied[2]!.detail.route, 'POST /api/v1/applications/:name/sync');
    // A client probing many objects leaves at most 60 entries a minute.
    for (let i = 0; i < 70; i++) assert.equal((await t.api('DELETE', `/api/v1/clusters/probe-${i}`, undefined, { token })).status, 403);
    assert.equal((await audit('actor=ci&result=denied&limit=1000')).length, 60);
  });

  it('filters by actor, action, resource, object, result and time, and pages newest first without repeats', async () => {
    const all = await audit('limit=1000');
    assert.ok(all.length > 40, `${all.length} entries`);
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.id > all[i]!.id, 'newest first');
    assert.ok((await audit('result=failure')).every((e) => e.result === 'failure'));
    assert.deepEqual((await audit('actor=admin&action=delete&resource=clusters')).map((e) => e.object), ['west']);
    const middle = all[Math.floor(all.length / 2)]!;
    const until = await audit(`until=${encodeURIComponent(middle.at)}&limit=1000`);
    assert.ok(until.length > 0 && until.every((e) => e.at < middle.at));
    assert.ok((await audit(`since=${encodeURIComponent(middle.at)}&limit=1000`)).every((e) => e.at >= middle.at));
    assert.deepEqual(await audit('since=2099-01-01T00:00:00Z'), []);
    assert.ok((await audit('since=1h')).length > 0);
    const paged: Entry[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const res = await t.api('GET', `/api/v1/audit?limit=7${next ? `&continue=${next}` : ''}`);
      assert.equal(res.status, 200);
      paged.push(...res.body.items);
      next = res.body.metadata.continue;
      pages += 1;
    } while (next);
    assert.equal(pages, Math.ceil(all.length / 7));
    assert.deepEqual(paged.map((e) => e.id), all.map((e) => e.id));
    for (const [query, message] of [
      ['since=yesterday', /since: "yesterday" is neither an RFC 3339 time/],
      ['continue=abc', /continue: not a key this API gave/],
      ['result=maybe', /result/],
      ['limit=0', /limit/],
    ] as const) {
      const res = await t.api('GET', `/api/v1/audit?${query}`);
      assert.equal(res.status, 400, query);
      assert.match(res.body.error.message, message);
    }
  });

  it('flotilla audit: the same filters, a table with the result, pages with --continue or --all', async () => {
    const page = await runCli(config, ['audit', '--actor', 'admin', '--resource', 'clusters', '--limit', '2']);
    assert.equal(page.code, 0, page.stderr);
    const lines = page.stdout.trim().split('\n');
    assert.match(lines[0]!, /^TIME\s+ACTOR\s+ACTION\s+RESOURCE\s+OBJECT\s+RESULT$/);
    assert.equal(lines.length, 3);
    assert.match(lines[1]!, /admin\s+delete\s+clusters\s+west\s+success$/);
    const key = /more entries: add --continue (\d+)/.exec(page.stderr)?.[1];
    assert.ok(key, page.stderr);
    const rest = await runCli(config, ['audit', '--actor', 'admin', '--resource', 'clusters', '--limit', '2', '--continue', key, '-o', 'json']);
    assert.deepEqual(JSON.parse(rest.stdout).map((e: Entry) => e.action), ['issue-token', 'update']);
    const all = await runCli(config, ['audit', '--resource', 'clusters', '--object', 'west', '--limit', '2', '--all', '-o', 'json']);
    assert.deepEqual(JSON.parse(all.stdout).map((e: Entry) => e.action), ['delete', 'revoke', 'issue-token', 'update', 'create']);
    const denied = await runCli(config, ['audit', '--result', 'denied', '--actor', 'ci', '--action', 'sync', '-o', 'json']);
    assert.deepEqual(JSON.parse(denied.stdout).map((e: Entry) => e.object), ['default/web']);
    assert.equal((await runCli(config, ['audit', '--result', 'maybe'])).code, 2);
  });

  it('records failed mutations as failure (status and code, not the message); a refusal its handler audited is told once', async () => {
    assert.equal((await t.api('DELETE', '/api/v1/clusters/east')).status, 409);
    assert.equal((await t.api('POST', '/api/v1/applications/nope/sync', {})).status, 404);
    assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'Not A Name!' })).status, 400);
    // A repository URL written with its password: refused, and audited with the password masked.
    const withPassword = `http://deployer:${REPO_PASSWORD}@127.0.0.1:9/secret.git`;
    assert.equal((await t.api('POST', '/api/v1/repositories', { url: withPassword, password: 'and-another-one' })).status, 400);
    // (ci is over its bound of denials for this minute: another account.)
    assert.equal((await t.api('POST', '/api/v1/account', { name: 'repo-bot', capabilities: ['apiKey'] })).status, 201);
    const bot = (await t.api('POST', '/api/v1/account/repo-bot/token', { id: 'repo' })).body.token as string;
    secrets.push(bot);
    assert.equal((await t.api('DELETE', `/api/v1/repositories/${encodeURIComponent(withPassword)}`, undefined, { token: bot })).status, 403);
    assert.deepEqual((await audit('resource=repositories&limit=2')).map((e) => [e.actor, e.action, e.object, e.result]), [
      ['repo-bot', 'delete', 'http://deployer:******@127.0.0.1:9/secret.git', 'denied'],
      ['admin', 'create', 'http://deployer:******@127.0.0.1:9/secret.git', 'failure'],
    ]);
    const failures = (await audit('actor=admin&result=failure')).filter((e) => e.action !== 'operation');
    assert.deepEqual(failures.map((e) => [e.action, e.resource, e.object, e.detail.status, e.detail.code]), [
      ['create', 'repositories', 'http://deployer:******@127.0.0.1:9/secret.git', 400, 'FLT_ERR_INVALID_INPUT'],
      ['create', 'clusters', 'Not A Name!', 400, 'FST_ERR_VALIDATION'],
      ['sync', 'applications', 'nope', 404, 'FLT_ERR_NOT_FOUND'],
      ['delete', 'clusters', 'east', 409, 'FLT_ERR_CONFLICT'],
    ]);
    assert.equal(failures[3]!.detail.route, 'DELETE /api/v1/clusters/:name');
    assert.ok(failures.every((e) => !('message' in e.detail)));
    const project = (await t.api('GET', '/api/v1/projects/default')).body;
    const windows = { ...project, spec: { ...project.spec, syncWindows: [{ kind: 'deny', schedule: '* * * * *', duration: '1h', applications: ['web'] }] } };
    assert.equal((await t.api('PUT', '/api/v1/projects/default', windows)).status, 200);
    const refused = await t.api('POST', '/api/v1/applications/web/sync', {});
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal((await t.api('PUT', '/api/v1/projects/default', project)).status, 200);
    const web = await audit('resource=applications&object=web&limit=2');
    assert.deepEqual(web.map((e) => [e.action, e.result]), [['sync', 'denied'], ['operation', 'failure']]);
    assert.match(web[0]!.detail.refused, /deny/);
  });

  it('holds no password, token or credential used in the suite', async () => {
    const rows = JSON.stringify((await t.hub.database.pool.query('SELECT * FROM audit_log')).rows);
    assert.ok(rows.length > 1000);
    for (const secret of secrets) {
      assert.ok(secret && secret.length >= 16, 'a real secret');
      assert.ok(!rows.includes(secret), `the audit log holds a secret: ${secret.slice(0, 8)}…`);
      if (secret.split('.').length === 3) assert.ok(!rows.includes(secret.split('.')[2]!), 'a JWT signature is in the audit log');
    }
  });

  it('prunes entries older than the retention', async () => {
    const pool = t.hub.database.pool;
    await pool.query("UPDATE audit_log SET at = now() - interval '100 days' WHERE resource = 'clusters' AND object = 'west'");
    const before = (await audit('limit=1000')).length;
    const retention = new AuditRetention(pool, 90 * 86_400_000, createLogger('audit-test', 'error'));
    assert.equal(await retention.prune(), 5);
    assert.deepEqual(await audit('resource=clusters&object=west'), []);
    assert.equal((await audit('limit=1000')).length, before - 5);
    assert.equal(await new AuditRetention(pool, 0, createLogger('audit-test', 'error')).prune(), 0, 'a retention of 0 keeps everything');
  });
});
