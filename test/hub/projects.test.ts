// AppProjects through the API (issue 16): created from Argo CD YAML as written, replaced, listed,
// deleted; `default` editable but not deletable; a project in use cannot be deleted (409 naming
// the applications); fields Flotilla does not honour refused by path; and a changed project
// re-logs its applications' assignments with the new rules (projectLimits).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const TEAM_A_YAML = `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team-a
  namespace: argocd
  labels: { team: a }
spec:
  description: Team A
  sourceRepos: ['*']
  destinations:
    - name: edge
      namespace: team-a
  namespaceResourceBlacklist:
    - group: ''
      kind: ResourceQuota
  roles:
    - name: deployer
      policies:
        - p, proj:team-a:deployer, applications, sync, team-a/*, allow
      groups: [team-a-devs]
`;

describe('projects API', () => {
  let t: TestHub;
  let git: GitServer;
  before(async () => {
    git = await startGitServer();
    git.createRepo('apps', { 'web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n' });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'edge' })).status, 201);
  });
  after(async () => {
    await t?.stop(true);
    await git?.close();
  });

  const appBody = (name: string, project: string, namespace = 'team-a') => ({
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
    spec: { project, source: { repoURL: `${git.url}/apps.git`, path: 'web' }, destination: { name: 'edge', namespace } },
  });
  const lastAssignment = async (app: string) => (await t.hub.ctx.pool.query<{ assignment: any }>('SELECT assignment FROM assignment_log WHERE app_name = $1 ORDER BY revision DESC LIMIT 1', [app])).rows[0]?.assignment;

  it('creates a project from Argo CD YAML as written, and answers it as an AppProject', async () => {
    const res = await t.api('POST', '/api/v1/projects', TEAM_A_YAML, { contentType: 'application/yaml' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.kind, 'AppProject');
    assert.equal(res.body.metadata.name, 'team-a');
    assert.deepEqual(res.body.metadata.labels, { team: 'a' });
    assert.deepEqual(res.body.spec.destinations, [{ name: 'edge', namespace: 'team-a' }]);
    const got = await t.api('GET', '/api/v1/projects/team-a');
    assert.equal(got.status, 200);
    assert.equal(got.body.spec.roles[0].groups[0], 'team-a-devs');
    const list = await t.api('GET', '/api/v1/projects');
    assert.deepEqual(list.body.items.map((p: any) => p.metadata.name), ['default', 'team-a']);
  });

  it('refuses a second create (409) and replaces with ?upsert=true', async () => {
    const again = await t.api('POST', '/api/v1/projects', TEAM_A_YAML, { contentType: 'application/yaml' });
    assert.equal(again.status, 409);
    const upsert = await t.api('POST', '/api/v1/projects?upsert=true', TEAM_A_YAML.replace('Team A', 'Team A, upserted'), { contentType: 'application/yaml' });
    assert.equal(upsert.status, 200, JSON.stringify(upsert.body));
    assert.equal(upsert.body.spec.description, 'Team A, upserted');
  });

  it('refuses invalid projects with the field path: Argo CD rules and fields Flotilla does not honour', async () => {
    const rows: [string, string, string][] = [
      ['bad policy subject', TEAM_A_YAML.replace('p, proj:team-a:deployer', 'p, proj:team-b:deployer'), 'spec.roles[0].policies[0]'],
      ['signatureKeys', `${TEAM_A_YAML}  signatureKeys: [{ keyID: 4AEE18F83AFDEB23 }]\n`, 'spec.signatureKeys'],
      ['a window in no time zone', `${TEAM_A_YAML}  syncWindows:\n    - { kind: deny, schedule: '0 1 * * *', duration: 1h, applications: ['*'], timeZone: Nowhere/Town }\n`, 'spec.syncWindows[0]'],
      ['unknown field', TEAM_A_YAML.replace('  description: Team A', '  descripton: Team A'), 'spec.descripton'],
    ];
    for (const [what, yaml, path] of rows) {
      const res = await t.api('PUT', '/api/v1/projects/team-a', yaml, { contentType: 'application/yaml' });
      assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
      assert.ok(res.body.error.issues.some((i: any) => i.path === path), `${what}: ${JSON.stringify(res.body.error)}`);
    }
    const mismatch = await t.api('PUT', '/api/v1/projects/other', TEAM_A_YAML, { contentType: 'application/yaml' });
    assert.equal(mismatch.status, 400);
    assert.match(mismatch.body.error.message, /does not match the name in the path/);
    const missing = await t.api('PUT', '/api/v1/projects/ghost', TEAM_A_YAML.replace('name: team-a', 'name: ghost').replaceAll('proj:team-a:', 'proj:ghost:').replace('team-a/*', 'ghost/*'), { contentType: 'application/yaml' });
    assert.equal(missing.status, 404, JSON.stringify(missing.body));
  });

  it('sends the project rules in the assignment, and new ones when the project changes', async () => {
    assert.equal((await t.api('POST', '/api/v1/applications', appBody('web', 'team-a'))).status, 201);
    const first = await lastAssignment('web');
    assert.deepEqual(first.projectLimits.destinations, [{ name: 'edge', namespace: 'team-a' }]);
    assert.deepEqual(first.projectLimits.namespaceResourceBlacklist, [{ group: '', kind: 'ResourceQuota' }]);
    assert.equal(first.projectLimits.roles, undefined, 'roles are not limits');
    assert.deepEqual(first.projectLimits.cluster, { name: 'edge', server: '' }, 'the cluster as the hub matched it');
    const windowed = `${TEAM_A_YAML}  syncWindows:\n    - { kind: deny, schedule: '0 22 * * *', duration: 1h, namespaces: [team-a], syncOverrun: false }\n  orphanedResources: { warn: true, ignore: [{ kind: ConfigMap, name: 'cache-*' }] }\n`;
    const res = await t.api('PUT', '/api/v1/projects/team-a', windowed, { contentType: 'application/yaml' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const next = await lastAssignment('web');
    assert.deepEqual(next.projectLimits.syncWindows, [{ kind: 'deny', schedule: '0 22 * * *', duration: '1h', namespaces: ['team-a'], syncOverrun: false }]);
    assert.deepEqual(next.projectLimits.orphanedResources, { warn: true, ignore: [{ kind: 'ConfigMap', name: 'cache-*' }] }, 'the agent monitors orphans as the project says');
  });

  it('refuses to delete a project applications use, naming them; deletes it once they are gone', async () => {
    const res = await t.api('DELETE', '/api/v1/projects/team-a');
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.match(res.body.error.message, /project "team-a" is used by 1 application: web; move or delete them first/);
    assert.equal((await t.api('DELETE', '/api/v1/applications/web?cascade=false')).status, 200);
    const gone = await t.api('DELETE', '/api/v1/projects/team-a');
    assert.equal(gone.status, 200, JSON.stringify(gone.body));
    assert.equal((await t.api('GET', '/api/v1/projects/team-a')).status, 404);
    assert.equal((await t.api('DELETE', '/api/v1/projects/team-a')).status, 404);
  });

  it('lets default be edited (and enforced) but not deleted', async () => {
    const narrowed = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'default' }, spec: { sourceRepos: ['*'], destinations: [{ name: 'edge', namespace: 'shared' }] } };
    const res = await t.api('PUT', '/api/v1/projects/default', narrowed);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const refused = await t.api('POST', '/api/v1/applications', appBody('elsewhere', 'default', 'other'));
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /destination name 'edge', namespace 'other' is not permitted by project 'default' \(spec.destinations/);
    const del = await t.api('DELETE', '/api/v1/projects/default');
    assert.equal(del.status, 409);
    assert.match(del.body.error.message, /the default project cannot be deleted/);
  });
});
