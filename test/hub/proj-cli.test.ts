// `flotilla proj ...` against a real hub, run as a user runs it (issue 16): create from a file,
// replace with `set -f` (and `edit -f`), `edit NAME` through $EDITOR, roles (create, add/remove policy and group, delete),
// `windows list`, `app get` showing the window in force, and delete refused while in use.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { runCli } from '../support/cli.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const projectYaml = (windows = '') => `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team-a
spec:
  description: Team A
  sourceRepos: ['*']
  destinations:
    - { name: edge, namespace: team-a }
${windows}`;

describe('flotilla proj', () => {
  let t: TestHub;
  let git: GitServer;
  let dir: string;
  const cli = (...args: string[]) => runCli(join(dir, 'config.json'), ['--server', t.hub.url, '--auth-token', t.token, ...args]);
  const ok = async (...args: string[]) => {
    const res = await cli(...args);
    assert.equal(res.code, 0, `flotilla ${args.join(' ')} failed: ${res.stderr}`);
    return res.stdout;
  };
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-proj-cli-'));
    git = await startGitServer();
    git.createRepo('apps', { 'web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n' });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'edge' })).status, 201);
  });
  after(async () => {
    await t?.stop(true);
    await git?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a project from a file and refuses it again', async () => {
    assert.equal(await ok('proj', 'create', '-f', file('p.yaml', projectYaml())), 'project team-a created\n');
    const again = await cli('proj', 'create', '-f', join(dir, 'p.yaml'));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /project "team-a" already exists/);
    assert.match(await ok('proj', 'get', 'team-a'), /^Description:\s+Team A$/m);
  });

  it('replaces a project with set -f (and its alias edit -f), refusing what the hub refuses with the path', async () => {
    assert.equal(await ok('proj', 'set', '-f', file('p2.yaml', projectYaml().replace('Team A', 'Team A v2'))), 'project team-a updated\n');
    assert.match(await ok('proj', 'get', 'team-a'), /^Description:\s+Team A v2$/m);
    const bad = await cli('proj', 'edit', '-f', file('p3.yaml', `${projectYaml()}  signatureKeys: [{ keyID: 4AEE18F83AFDEB23 }]\n`));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /spec\.signatureKeys: is not supported/);
  });

  it('edit NAME opens $EDITOR on the project as YAML (0600) and saves it back; unchanged sends nothing; a refused edit keeps the file', async () => {
    // The editor: a script that records the file's mode and path, then edits it with sed.
    const editor = (name: string, sed: string) => {
      const path = file(name, `#!/bin/sh\nstat -c %a "$1" > ${dir}/mode\necho "$1" > ${dir}/edited\n${sed ? `sed -i '${sed}' "$1"\n` : ''}`);
      chmodSync(path, 0o755);
      return path;
    };
    const saved = { VISUAL: process.env.VISUAL, EDITOR: process.env.EDITOR };
    delete process.env.VISUAL;
    try {
      process.env.EDITOR = editor('edit.sh', 's/Team A v2/Team A edited/');
      assert.equal(await ok('proj', 'edit', 'team-a'), 'project team-a updated\n');
      assert.equal(readFileSync(join(dir, 'mode'), 'utf8').trim(), '600');
      assert.equal(existsSync(readFileSync(join(dir, 'edited'), 'utf8').trim()), false, 'the temp file is removed after a save');
      assert.match(await ok('proj', 'get', 'team-a'), /^Description:\s+Team A edited$/m);

      process.env.EDITOR = editor('same.sh', '');
      assert.equal(await ok('proj', 'edit', 'team-a'), 'project team-a: no changes\n');

      process.env.EDITOR = editor('bad.sh', 's/^spec:$/spec:\\n  signatureKeys: [{ keyID: 4AEE18F83AFDEB23 }]/');
      const bad = await cli('proj', 'edit', 'team-a');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /spec\.signatureKeys: is not supported/);
      const kept = readFileSync(join(dir, 'edited'), 'utf8').trim();
      assert.ok(bad.stderr.includes(`your edit is kept in ${kept}`), bad.stderr);
      assert.match(readFileSync(kept, 'utf8'), /signatureKeys/);
      rmSync(kept);
      assert.match(await ok('proj', 'get', 'team-a'), /^Description:\s+Team A edited$/m);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('edits roles: create, add and remove a policy and a group, delete', async () => {
    await ok('proj', 'role', 'create', 'team-a', 'deployer', '--description', 'CI');
    await ok('proj', 'role', 'add-policy', 'team-a', 'deployer', '-a', 'sync', '-o', '*');
    await ok('proj', 'role', 'add-group', 'team-a', 'deployer', 'team-a-devs');
    const got = await t.api('GET', '/api/v1/projects/team-a');
    assert.deepEqual(got.body.spec.roles, [{ name: 'deployer', description: 'CI', policies: ['p, proj:team-a:deployer, applications, sync, team-a/*, allow'], groups: ['team-a-devs'] }]);
    assert.match(await ok('proj', 'role', 'get', 'team-a', 'deployer'), /p, proj:team-a:deployer, applications, sync, team-a\/\*, allow/);
    const twice = await cli('proj', 'role', 'add-group', 'team-a', 'deployer', 'team-a-devs');
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /role deployer already has the group team-a-devs/);
    await ok('proj', 'role', 'remove-policy', 'team-a', 'deployer', '-a', 'sync', '-o', '*');
    await ok('proj', 'role', 'remove-group', 'team-a', 'deployer', 'team-a-devs');
    assert.match(await ok('proj', 'role', 'list', 'team-a'), /^deployer\s+CI$/m);
    await ok('proj', 'role', 'delete', 'team-a', 'deployer');
    assert.deepEqual((await t.api('GET', '/api/v1/projects/team-a')).body.spec.roles ?? [], []);
  });

  it('lists sync windows and app get shows the one in force', async () => {
    await ok('proj', 'set', '-f', file('w.yaml', projectYaml("  syncWindows:\n    - { kind: deny, schedule: '* * * * *', duration: 1h, namespaces: [team-a], description: freeze }\n    - { kind: allow, schedule: '0 3 * * *', duration: 1m, applications: [nothing] }\n")));
    const windows = await ok('proj', 'windows', 'list', 'team-a');
    assert.match(windows, /^0\s+Active\s+deny\s+\* \* \* \* \*\s+1h\s+-\s+team-a\s+-\s+Disabled\s+UTC$/m);
    assert.match(windows, /^1\s+Inactive\s+allow\s+0 3 \* \* \*\s+1m\s+nothing\s+/m);
    const created = await t.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'web' },
      spec: { project: 'team-a', source: { repoURL: `${git.url}/apps.git`, path: 'web' }, destination: { name: 'edge', namespace: 'team-a' } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(await ok('app', 'get', 'web'), /^Sync Window:\s+Sync Denied: deny window 0 \(schedule "\* \* \* \* \*", duration 1h, UTC: freeze\) is active$/m);
    const sync = await cli('app', 'sync', 'web');
    assert.equal(sync.code, 1);
    assert.match(sync.stderr, /refused by project "team-a": deny window 0 .* does not allow manual syncs/);
  });

  it('refuses to delete a project in use, naming its applications', async () => {
    const res = await cli('proj', 'delete', 'team-a', '-y');
    assert.equal(res.code, 1);
    assert.match(res.stderr, /project "team-a" is used by 1 application: web/);
    await ok('app', 'delete', 'web', '--cascade=false', '-y');
    assert.equal(await ok('proj', 'delete', 'team-a', '-y'), 'project team-a deleted\n');
  });
});
