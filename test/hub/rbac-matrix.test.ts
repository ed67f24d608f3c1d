// The RBAC matrix through the real HTTP API (issue 16): six subjects (the built-in admin, a
// project admin, a deployer, an auditor, a project role given through an AppProject's
// spec.roles groups, and an account without any role) × eight operations × two projects; every
// expected allow and deny is asserted, every denial names what decided it, lists hold only what
// the caller may get, and `flotilla admin rbac can` answers the same decisions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { runCli } from '../support/cli.ts';
import { createSession } from '../../hub/src/store/accounts.ts';
import { insertProject } from '../../hub/src/store/projects.ts';

const POLICY = `
p, role:team-a-admin, applications, *, team-a/*, allow
p, role:team-a-admin, projects, get, team-a, allow
p, role:team-a-deployer, applications, get, team-a/*, allow
p, role:team-a-deployer, applications, sync, team-a/*, allow
p, role:auditor, applications, get, */*, allow
p, role:auditor, projects, get, *, allow
g, alice, role:team-a-admin
g, dan, role:team-a-deployer
g, eve, role:auditor
`;
const TEAM_B_ROLES = [{ name: 'deployer', policies: ['p, proj:team-b:deployer, applications, get, team-b/*, allow', 'p, proj:team-b:deployer, applications, sync, team-b/*, allow'], groups: ['bob'] }];

type Op = 'get' | 'list' | 'create' | 'update' | 'sync' | 'delete' | 'project-get' | 'project-list';
const OPS: Op[] = ['get', 'list', 'create', 'update', 'sync', 'delete', 'project-get', 'project-list'];
const PROJECTS = ['team-a', 'team-b'] as const;
const SUBJECTS = ['admin', 'alice', 'dan', 'eve', 'bob', 'nobody'] as const;
type Subject = (typeof SUBJECTS)[number];

// What each subject may do, per project: the operations allowed (everything else is denied).
const ALLOWED: Record<Subject, Record<(typeof PROJECTS)[number], Op[]>> = {
  admin: { 'team-a': OPS, 'team-b': OPS },
  alice: { 'team-a': OPS, 'team-b': [] },
  dan: { 'team-a': ['get', 'list', 'sync'], 'team-b': [] },
  eve: { 'team-a': ['get', 'list', 'project-get', 'project-list'], 'team-b': ['get', 'list', 'project-get', 'project-list'] },
  bob: { 'team-a': [], 'team-b': ['get', 'list', 'sync'] },
  nobody: { 'team-a': [], 'team-b': [] },
};

// The RBAC question behind each operation (the list operations ask `get` of each item).
const question = (op: Op, project: string, app: string): [string, string, string] => {
  if (op === 'project-get' || op === 'project-list') return ['get', 'projects', project];
  return [op === 'list' ? 'get' : op, 'applications', `${project}/${app}`];
};

describe('RBAC matrix through the HTTP API', () => {
  let t: TestHub;
  let git: GitServer;
  let cliDir: string;
  const tokens = {} as Record<Subject, string>;
  const application = (name: string, project: string) => ({
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
    spec: { project, source: { repoURL: `${git.url}/apps.git`, path: 'cm' }, destination: { name: 'edge', namespace: project } },
  });

  before(async () => {
    git = await startGitServer();
    git.createRepo('apps', { 'cm/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n' });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    const pool = t.hub.ctx.pool;
    const open = { sourceRepos: ['*'], destinations: [{ name: '*', namespace: '*', server: '*' }] };
    await insertProject(pool, { name: 'team-a', metadata: {}, spec: open, owner: null });
    await insertProject(pool, { name: 'team-b', metadata: {}, spec: { ...open, roles: TEAM_B_ROLES }, owner: null });
    tokens.admin = t.token;
    for (const name of SUBJECTS.filter((s) => s !== 'admin')) {
      await pool.query("INSERT INTO accounts (name, password_hash) VALUES ($1, 'unused')", [name]);
      tokens[name] = (await createSession(pool, name, 3600)).token;
    }
    const put = await t.api('PUT', '/api/v1/settings/rbac', POLICY, { contentType: 'text/csv' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'edge' })).status, 201);
    // Per subject and project: an app to read, update and sync, and one to delete.
    for (const subject of SUBJECTS) {
      for (const project of PROJECTS) {
        for (const kind of ['app', 'gone']) {
          const res = await t.api('POST', '/api/v1/applications', application(`${kind}-${subject}-${project}`, project));
          assert.equal(res.status, 201, JSON.stringify(res.body));
        }
      }
    }
    cliDir = mkdtempSync(join(tmpdir(), 'flotilla-rbac-cli-'));
    writeFileSync(join(cliDir, 'config.json'), JSON.stringify({ server: t.hub.url, token: t.token }), { mode: 0o600 });
  });
  after(async () => {
    await t.stop(true);
    await git.close();
    rmSync(cliDir, { recursive: true, force: true });
  });

  // Runs one operation as a subject on a project; answers whether it was allowed, and the denial message.
  const attempt = async (subject: Subject, op: Op, project: string): Promise<{ allowed: boolean; message?: string; status: number }> => {
    const token = tokens[subject];
    const app = `app-${subject}-${project}`;
    const call = async (method: string, path: string, body?: unknown) => t.api(method, path, body, { token });
    const listed = async (path: string, name: string) => {
      const res = await call('GET', path);
      assert.equal(res.status, 200, `${subject} ${op} ${project}: a list is filtered, never refused: ${JSON.stringify(res.body)}`);
      return { allowed: res.body.items.some((i: any) => (i.metadata?.name ?? i.name) === name), status: 200 };
    };
    let res: { status: number; body: any };
    switch (op) {
      case 'list': return listed('/api/v1/applications', app);
      case 'project-list': return listed('/api/v1/projects', project);
      case 'get': res = await call('GET', `/api/v1/applications/${app}`); break;
      case 'create': res = await call('POST', '/api/v1/applications', application(`new-${subject}-${project}`, project)); break;
      case 'update': res = await call('PUT', `/api/v1/applications/${app}`, { ...application(app, project), metadata: { name: app, labels: { touched: 'yes' } } }); break;
      case 'sync': res = await call('POST', `/api/v1/applications/${app}/sync`, {}); break;
      case 'delete': res = await call('DELETE', `/api/v1/applications/gone-${subject}-${project}?cascade=false`); break;
      case 'project-get': res = await call('GET', `/api/v1/projects/${project}`); break;
    }
    if (res.status === 403) return { allowed: false, message: res.body.error.message, status: 403 };
    assert.ok(res.status < 300, `${subject} ${op} ${project}: ${res.status} ${JSON.stringify(res.body)}`);
    return { allowed: true, status: res.status };
  };

  it('allows and denies exactly as the policy says (6 subjects × 8 operations × 2 projects), each denial naming its reason', async () => {
    const wrong: string[] = [];
    for (const subject of SUBJECTS) {
      for (const project of PROJECTS) {
        for (const op of OPS) {
          const expected = ALLOWED[subject][project].includes(op);
          const got = await attempt(subject, op, project);
          if (got.allowed !== expected) wrong.push(`${subject} ${op} ${project}: expected ${expected ? 'allow' : 'deny'}, got ${got.status} ${got.message ?? ''}`);
          if (got.status === 403) {
            const [action, resource, object] = question(op, project, `app-${subject}-${project}`);
            const target = op === 'delete' ? `${project}/gone-${subject}-${project}` : op === 'create' ? `${project}/new-${subject}-${project}` : object;
            const expectedReason = `permission denied: no rule allows ${action} on ${resource} ${target} to ${subject} (groups: none; policy.default: none)`;
            if (got.message !== expectedReason) wrong.push(`${subject} ${op} ${project}: denial "${got.message}", expected "${expectedReason}"`);
          }
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('checks a write against the project an app is in and the one it names; a missing app is */NAME', async () => {
    const token = tokens.alice;
    const moved = { ...application('app-bob-team-b', 'team-a') };
    const put = await t.api('PUT', '/api/v1/applications/app-bob-team-b', moved, { token });
    assert.equal(put.status, 403);
    assert.equal(put.body.error.message, 'permission denied: no rule allows update on applications team-b/app-bob-team-b to alice (groups: none; policy.default: none)');
    const upsert = await t.api('POST', '/api/v1/applications?upsert=true', moved, { token });
    assert.equal(upsert.status, 403);
    assert.equal(upsert.body.error.message, put.body.error.message);
    const taken = await t.api('POST', '/api/v1/applications', moved, { token });
    assert.equal(taken.status, 409, 'without upsert, creating a taken name is a conflict, not a move');
    const stolen = await t.api('POST', '/api/v1/applications', application('new-in-b', 'team-b'), { token });
    assert.equal(stolen.status, 403);
    assert.equal(stolen.body.error.message, 'permission denied: no rule allows create on applications team-b/new-in-b to alice (groups: none; policy.default: none)');
    const missing = await t.api('GET', '/api/v1/applications/no-such-app', undefined, { token });
    assert.equal(missing.status, 403);
    assert.equal(missing.body.error.message, 'permission denied: no rule allows get on applications */no-such-app to alice (groups: none; policy.default: none)');
    assert.equal((await t.api('GET', '/api/v1/applications/no-such-app')).status, 404);
    assert.equal((await t.api('GET', '/api/v1/applications/app-bob-team-b')).body.spec.project, 'team-b');
  });

  // Every decision behind the matrix (6 subjects × 6 questions × 2 projects).
  const questions = () => {
    const cases: { subject: Subject; action: string; resource: string; object: string; expected: boolean }[] = [];
    for (const subject of SUBJECTS) {
      for (const project of PROJECTS) {
        for (const op of OPS.filter((o) => o !== 'list' && o !== 'project-list')) {
          const [action, resource, object] = question(op, project, `app-${subject}-${project}`);
          cases.push({ subject, action, resource, object, expected: ALLOWED[subject][project].includes(op) });
        }
      }
    }
    return cases;
  };

  it('answers the same 72 decisions through POST /api/v1/settings/rbac/can (what `admin rbac can` asks)', async () => {
    const wrong: string[] = [];
    for (const c of questions()) {
      const res = await t.api('POST', '/api/v1/settings/rbac/can', { subject: c.subject, action: c.action, resource: c.resource, object: c.object });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      if (res.body.allowed !== c.expected) wrong.push(`${c.subject} ${c.action} ${c.resource} ${c.object}: ${res.body.reason}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('prints the same yes and no through `flotilla admin rbac can` (sync and project get, every subject and project)', async () => {
    // A CLI process costs 1-7 s on this shared machine: 24 of the 72 questions, both answers for every subject.
    const cases = questions().filter((c) => c.action === 'sync' || c.resource === 'projects');
    assert.equal(cases.length, 24);
    const wrong: string[] = [];
    const config = join(cliDir, 'config.json');
    for (let i = 0; i < cases.length; i += 3) {
      await Promise.all(cases.slice(i, i + 3).map(async (c) => {
        const run = await runCli(config, ['admin', 'rbac', 'can', c.subject, c.action, c.resource, c.object]);
        const expected = c.expected ? 'yes\n' : 'no\n';
        if (run.code !== 0 || run.stdout !== expected) wrong.push(`can ${c.subject} ${c.action} ${c.resource} ${c.object}: expected ${expected.trim()}, got ${run.code} ${run.stdout.trim()} ${run.stderr.trim()}`);
      }));
    }
    assert.deepEqual(wrong, []);
    const explained = await runCli(config, ['admin', 'rbac', 'can', 'bob', 'sync', 'applications', 'team-b/x', '--explain']);
    assert.equal(explained.stdout, 'yes\n"p, proj:team-b:deployer, applications, sync, team-b/*, allow" (project team-b role deployer) allows sync on applications team-b/x to bob as proj:team-b:deployer\n');
  });
});
