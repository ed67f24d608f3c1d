// Two tenants on one hub (issue 16): team A's project permits its repositories, its namespace on
// its cluster and no cluster-scoped kinds. Team A cannot use team B's repository, namespace or
// cluster, each refused at the API with the project rule named, on create and on update; a deny
// sync window refuses a manual sync (409 naming the window) unless it allows manual syncs, and
// `GET /applications/:name` shows the window in force.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bundleViolations } from '@flotilla/shared';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const project = (team: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: `team-${team}` },
  spec: {
    sourceRepos: [`GIT/team-${team}-*`],
    destinations: [{ name: `edge-${team}`, namespace: `team-${team}` }, { name: `edge-${team}`, namespace: `team-${team}-*` }],
    ...extra,
  },
});

describe('two tenants', () => {
  let t: TestHub;
  let git: GitServer;
  before(async () => {
    git = await startGitServer();
    for (const team of ['a', 'b']) git.createRepo(`team-${team}-web`, { 'web/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-${team}\n` });
    git.createRepo('team-a-rbac', { 'rbac/role.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: team-a-admin\nrules: []\n' });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    for (const team of ['a', 'b']) {
      assert.equal((await t.api('POST', '/api/v1/clusters', { name: `edge-${team}` })).status, 201);
      const res = await t.api('POST', '/api/v1/projects', JSON.parse(JSON.stringify(project(team)).replaceAll('GIT', git.url)));
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
  });
  after(async () => {
    await t?.stop(true);
    await git?.close();
  });

  const app = (name: string, opts: { project?: string; repo?: string; path?: string; cluster?: string; namespace?: string } = {}) => ({
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
    spec: {
      project: opts.project ?? 'team-a',
      source: { repoURL: `${git.url}/${opts.repo ?? 'team-a-web'}.git`, path: opts.path ?? 'web' },
      destination: { name: opts.cluster ?? 'edge-a', namespace: opts.namespace ?? 'team-a' },
    },
  });
  const refused = async (body: unknown, rule: string, fragment: RegExp, method = 'POST', path = '/api/v1/applications') => {
    const res = await t.api(method, path, body);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'FLT_ERR_INVALID_INPUT');
    assert.match(res.body.error.message, new RegExp(`spec\\.${rule}`));
    assert.match(res.body.error.message, fragment);
    return res;
  };

  it('lets each team deploy its own repository to its own namespace on its own cluster', async () => {
    assert.equal((await t.api('POST', '/api/v1/applications', app('a-web'))).status, 201);
    assert.equal((await t.api('POST', '/api/v1/applications', app('a-web-canary', { namespace: 'team-a-canary' }))).status, 201);
    assert.equal((await t.api('POST', '/api/v1/applications', app('b-web', { project: 'team-b', repo: 'team-b-web', cluster: 'edge-b', namespace: 'team-b' }))).status, 201);
  });

  it("refuses team A's application in team B's namespace, naming spec.destinations", async () => {
    const res = await refused(app('a-into-b-ns', { namespace: 'team-b' }), 'destinations', /destination name 'edge-a'.*namespace 'team-b' is not permitted by project 'team-a'/);
    assert.deepEqual(res.body.error.issues.map((i: any) => i.path), ['spec.destination']);
  });

  it("refuses team A's application on team B's cluster, naming spec.destinations", async () => {
    await refused(app('a-onto-b-cluster', { cluster: 'edge-b' }), 'destinations', /destination name 'edge-b'.*is not permitted by project 'team-a'/);
  });

  it("refuses team A's application from team B's repository, naming spec.sourceRepos", async () => {
    const res = await refused(app('a-from-b-repo', { repo: 'team-b-web' }), 'sourceRepos', /repository '.*team-b-web.git' is not permitted by project 'team-a'/);
    assert.deepEqual(res.body.error.issues.map((i: any) => i.path), ['spec.source.repoURL']);
  });

  it("refuses moving team A's application into team B's namespace or project rules on update", async () => {
    await refused(app('a-web', { namespace: 'team-b' }), 'destinations', /not permitted by project 'team-a'/, 'PUT', '/api/v1/applications/a-web');
    // Moving it into team B's project does not help: its repository is not one of B's.
    await refused(app('a-web', { project: 'team-b', cluster: 'edge-b', namespace: 'team-b' }), 'sourceRepos', /not permitted by project 'team-b'/, 'PUT', '/api/v1/applications/a-web');
    const unchanged = await t.api('GET', '/api/v1/applications/a-web');
    assert.equal(unchanged.body.spec.destination.namespace, 'team-a');
  });

  it('finds the ClusterRole of a rendered bundle forbidden by a project with no cluster-scoped kinds (bundleViolations)', async () => {
    // Team A's project has no clusterResourceWhitelist: every cluster-scoped kind is refused.
    const res = await t.api('POST', '/api/v1/applications', app('a-rbac', { repo: 'team-a-rbac', path: 'rbac' }));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const rendered = await t.api('POST', '/api/v1/applications/a-rbac/refresh');
    assert.equal(rendered.status, 200);
    const stored = await t.hub.ctx.pool.query<{ spec: Record<string, unknown> }>("SELECT spec FROM projects WHERE name = 'team-a'");
    const manifests = [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'team-a-admin' }, rules: [] }];
    const violations = bundleViolations({ name: 'team-a', spec: stored.rows[0]!.spec }, manifests, { name: 'edge-a', namespace: 'team-a' });
    assert.deepEqual(violations.map((v) => v.rule), ['clusterResourceWhitelist']);
    assert.match(violations[0]!.message, /rbac.authorization.k8s.io\/ClusterRole\/team-a-admin: cluster-scoped kind rbac.authorization.k8s.io\/ClusterRole is not in project 'team-a''s spec.clusterResourceWhitelist/);
  });

  it('refuses the ClusterRole bundle after render with a condition naming the rule, and assigns no bundle', async () => {
    const got = await t.api('GET', '/api/v1/applications/a-rbac');
    assert.ok(got.body.status.conditions.some((c: any) => /clusterResourceWhitelist/.test(c.message)), JSON.stringify(got.body.status.conditions));
    assert.equal(got.body.status.bundle, undefined, 'nothing to apply');
  });

  it('refuses a manual sync while a deny window is active, naming it, and shows the window in app get', async () => {
    const windowed = JSON.parse(JSON.stringify(project('a', {
      syncWindows: [{ kind: 'deny', schedule: '* * * * *', duration: '1h', namespaces: ['team-a'], description: 'release freeze' }],
    })).replaceAll('GIT', git.url));
    assert.equal((await t.api('PUT', '/api/v1/projects/team-a', windowed)).status, 200);
    const res = await t.api('POST', '/api/v1/applications/a-web/sync', {});
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.match(res.body.error.message, /sync of application "a-web" refused by project "team-a": deny window 0 \(schedule "\* \* \* \* \*", duration 1h, UTC: release freeze\) is active and does not allow manual syncs \(manualSync\)/);
    const got = await t.api('GET', '/api/v1/applications/a-web');
    assert.equal(got.body.status.syncWindow.syncAllowed, false);
    assert.equal(got.body.status.syncWindow.manualSyncAllowed, false);
    assert.equal(got.body.status.syncWindow.window.kind, 'deny');
    assert.equal(got.body.status.syncWindow.window.description, 'release freeze');
    // Another namespace of the project is not in the window.
    const canary = await t.api('GET', '/api/v1/applications/a-web-canary');
    assert.equal(canary.body.status.syncWindow.syncAllowed, true);
    assert.equal((await t.api('POST', '/api/v1/applications/a-web-canary/sync', {})).status, 200);
    // Team B has no windows: nothing shown, and its syncs start.
    const b = await t.api('GET', '/api/v1/applications/b-web');
    assert.equal(b.body.status.syncWindow, undefined);
  });

  it('lets a manual sync through a deny window that allows manual syncs, but not automated ones', async () => {
    const windowed = JSON.parse(JSON.stringify(project('a', {
      syncWindows: [{ kind: 'deny', schedule: '* * * * *', duration: '1h', namespaces: ['team-a'], manualSync: true }],
    })).replaceAll('GIT', git.url));
    assert.equal((await t.api('PUT', '/api/v1/projects/team-a', windowed)).status, 200);
    const got = await t.api('GET', '/api/v1/applications/a-web');
    assert.equal(got.body.status.syncWindow.syncAllowed, false);
    assert.equal(got.body.status.syncWindow.manualSyncAllowed, true);
    const res = await t.api('POST', '/api/v1/applications/a-web/sync', {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const logged = await t.hub.ctx.pool.query<{ assignment: any }>("SELECT assignment FROM assignment_log WHERE app_name = 'a-web' ORDER BY revision DESC LIMIT 1");
    assert.equal(logged.rows[0]!.assignment.projectLimits.syncWindows[0].manualSync, true, 'the agent gets the window to hold automated syncs');
  });
});
