// The RBAC policy kept in PostgreSQL (issue 16): read and replaced as an argocd-rbac-cm ConfigMap
// or a bare policy.csv through /api/v1/settings/rbac, invalid policies refused line by line,
// policy.default and deny-beats-allow at the API, and a change made through one hub replica (or
// a project's roles changed) enforced by the other at its next request.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { createSession } from '../../hub/src/store/accounts.ts';
import { insertProject, updateProject } from '../../hub/src/store/projects.ts';
import { groupsClaims } from '../../hub/src/rbac/current-policy.ts';

const CONFIGMAP_YAML = `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-rbac-cm
  namespace: argocd
  labels:
    app.kubernetes.io/part-of: argocd
data:
  policy.default: role:readonly
  policy.csv: |
    p, role:team-a, projects, update, team-a, allow
    p, carol, projects, get, team-b, deny
    g, carol, role:team-a
  scopes: '[groups, email]'
`;

describe('RBAC settings', () => {
  let a: TestHub;
  let b: TestHub;
  let carol: string;

  before(async () => {
    a = await startTestHub();
    const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-hub-b-'));
    copyFileSync(join(a.dataDir, 'secret.key'), join(dataDir, 'secret.key'));
    b = await startTestHub({ dataDir, databaseUrl: a.hub.database.url });
    b.token = a.token; // sessions live in the shared store
    const pool = a.hub.ctx.pool;
    for (const name of ['team-a', 'team-b']) await insertProject(pool, { name, metadata: {}, spec: { sourceRepos: ['*'] }, owner: null });
    await pool.query("INSERT INTO accounts (name, password_hash) VALUES ('carol', 'unused')");
    carol = (await createSession(pool, 'carol', 3600)).token;
  });
  after(async () => {
    await b?.stop(true);
    await a?.stop(true);
  });

  it('starts with the built-in roles only: no policy.default, groups from the groups claim', async () => {
    const res = await a.api('GET', '/api/v1/settings/rbac');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data, { 'policy.csv': '', 'policy.default': '', 'policy.matchMode': 'glob', scopes: '[groups]' });
    assert.equal(res.body.metadata.name, 'argocd-rbac-cm');
    const denied = await a.api('GET', '/api/v1/projects/team-a', undefined, { token: carol });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.message, 'permission denied: no rule allows get on projects team-a to carol (groups: none; policy.default: none)');
    assert.deepEqual((await a.api('GET', '/api/v1/projects', undefined, { token: carol })).body.items, []);
  });

  it('takes an argocd-rbac-cm ConfigMap as it is (YAML) and answers it back, audited', async () => {
    const put = await a.api('PUT', '/api/v1/settings/rbac', CONFIGMAP_YAML, { contentType: 'application/yaml' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.data['policy.default'], 'role:readonly');
    assert.equal(put.body.data.scopes, '[groups, email]');
    assert.equal(put.body.status.updatedBy, 'admin');
    const got = await a.api('GET', '/api/v1/settings/rbac');
    assert.equal(got.body.data['policy.csv'], 'p, role:team-a, projects, update, team-a, allow\np, carol, projects, get, team-b, deny\ng, carol, role:team-a\n');
    const audit = await a.api('GET', '/api/v1/audit?resource=rbac');
    assert.deepEqual(audit.body.items.map((e: any) => [e.actor, e.action, e.object]), [['admin', 'update', 'argocd-rbac-cm']]);
    assert.deepEqual(await groupsClaims(b.hub.ctx.pool), ['groups', 'email']);
  });

  it('is enforced by the other replica at its next request: policy.default, a role, and a deny beating the default', async () => {
    // policy.default role:readonly lets carol get team-a; her role lets her update it.
    assert.equal((await b.api('GET', '/api/v1/projects/team-a', undefined, { token: carol })).status, 200);
    const denied = await b.api('GET', '/api/v1/projects/team-b', undefined, { token: carol });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.message, 'permission denied: "p, carol, projects, get, team-b, deny" (policy.csv line 2) denies get on projects team-b to carol');
    const listed = await b.api('GET', '/api/v1/projects', undefined, { token: carol });
    assert.deepEqual(listed.body.items.map((p: any) => p.metadata.name), ['default', 'team-a']);
    const cannot = await b.api('POST', '/api/v1/clusters', { name: 'edge' }, { token: carol });
    assert.equal(cannot.status, 403);
    assert.equal(cannot.body.error.message, 'permission denied: no rule allows create on clusters edge to carol (groups: none; policy.default: role:readonly)');
    // Nor may she change the policy, though she may read it.
    assert.equal((await b.api('GET', '/api/v1/settings/rbac', undefined, { token: carol })).status, 200);
    const put = await b.api('PUT', '/api/v1/settings/rbac', 'g, carol, role:admin', { token: carol, contentType: 'text/csv' });
    assert.equal(put.status, 403);
    assert.match(put.body.error.message, /^permission denied: no rule allows update on accounts \* to carol/);
  });

  it('replaces only policy.csv from text/csv, and the other replica sees it at once', async () => {
    const put = await b.api('PUT', '/api/v1/settings/rbac', 'p, carol, clusters, create, *, allow\n', { contentType: 'text/csv' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.data['policy.default'], 'role:readonly', 'the other keys stay');
    const created = await a.api('POST', '/api/v1/clusters', { name: 'edge' }, { token: carol });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // Her role is gone with the old policy.csv.
    assert.equal((await a.api('GET', '/api/v1/projects/team-b', undefined, { token: carol })).status, 200);
  });

  it('refuses an invalid policy with a 400 naming each bad line, and keeps the stored one', async () => {
    const before = (await a.api('GET', '/api/v1/settings/rbac')).body.status.version;
    const res = await a.api('PUT', '/api/v1/settings/rbac', 'p, r, applications, get, */*, allow\np, r, pods, get, *, allow\ng, alice\n', { contentType: 'text/csv' });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.error.issues, [
      { path: 'data.policy.csv:2', message: 'unknown resource "pods" (one of applications, applicationsets, clusters, projects, repositories, accounts, certificates, gpgkeys, logs, exec, extensions)' },
      { path: 'data.policy.csv:3', message: 'a g line has 2 fields (user-or-group, role), not 1' },
    ]);
    assert.match(res.body.error.message, /^the RBAC policy is invalid: line 2: unknown resource "pods"/);
    const bad = await a.api('PUT', '/api/v1/settings/rbac', { kind: 'ConfigMap', data: { 'policy.matchMode': 'fuzzy' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.message, 'the RBAC policy is invalid: policy.matchMode must be glob or regex, not "fuzzy"');
    const other = await a.api('PUT', '/api/v1/settings/rbac', { kind: 'Secret', data: {} });
    assert.equal(other.status, 400);
    assert.equal(other.body.error.message, 'expected a ConfigMap, not a Secret');
    const lockout = await a.api('PUT', '/api/v1/settings/rbac', 'p, admin, accounts, update, *, deny\n', { contentType: 'text/csv' });
    assert.equal(lockout.status, 400);
    assert.equal(lockout.body.error.message, 'the RBAC policy would lock admin out of changing it: "p, admin, accounts, update, *, deny" (policy.csv line 1) denies update on accounts * to admin');
    assert.equal((await a.api('GET', '/api/v1/settings/rbac')).body.status.version, before);
  });

  it("enforces a project's roles from its next write on, on every replica", async () => {
    await a.api('PUT', '/api/v1/settings/rbac', { data: { 'policy.csv': '', 'policy.default': '' } });
    assert.equal((await b.api('GET', '/api/v1/projects/team-a', undefined, { token: carol })).status, 403);
    await updateProject(a.hub.ctx.pool, { name: 'team-a', metadata: {}, spec: { sourceRepos: ['*'], roles: [{ name: 'viewer', policies: ['p, proj:team-a:viewer, applications, get, team-a/*, allow'], groups: ['carol'] }] } });
    const can = await b.api('POST', '/api/v1/settings/rbac/can', { subject: 'carol', action: 'get', resource: 'applications', object: 'team-a/web' });
    assert.deepEqual(can.body, { allowed: true, reason: '"p, proj:team-a:viewer, applications, get, team-a/*, allow" (project team-a role viewer) allows get on applications team-a/web to carol as proj:team-a:viewer' });
    const missing = await b.api('GET', '/api/v1/applications/web', undefined, { token: carol });
    assert.equal(missing.status, 403, 'an application that does not exist is */web: only a policy over every project learns it is missing');
    assert.equal((await b.api('GET', '/api/v1/applications/web')).status, 404);
  });
});
