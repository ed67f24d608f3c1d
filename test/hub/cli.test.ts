// The `flotilla` command line against a real hub (embedded PostgreSQL) and a real Git server, run
// as a child process exactly as a user runs it, with its own config file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { runCli } from '../support/cli.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const fixture = fileURLToPath(new URL('../fixtures/guestbook/', import.meta.url));

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('flotilla CLI', () => {
  let t: TestHub;
  let git: GitServer;
  let dir: string;
  let config: string;
  let repoUrl: string;
  let password: string;
  const cli = (...args: string[]) => runCli(config, args);
  const ok = async (...args: string[]) => {
    const res = await cli(...args);
    assert.equal(res.code, 0, `flotilla ${args.join(' ')} failed: ${res.stderr}`);
    return res.stdout;
  };
  const appYaml = (name: string, extra = '') => [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Application',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  project: default',
    '  source:',
    `    repoURL: ${repoUrl}`,
    '    targetRevision: HEAD',
    `    path: guestbook${extra}`,
    '  destination:',
    '    name: east',
    '    namespace: demo',
    '',
  ].join('\n');

  before(async () => {
    t = await startTestHub();
    git = await startGitServer();
    const files = Object.fromEntries(readdirSync(fixture).map((f) => [`guestbook/${f}`, readFileSync(join(fixture, f), 'utf8')]));
    git.createRepo('apps', files);
    repoUrl = `${git.url}/apps.git`;
    dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-'));
    config = join(dir, 'config.json');
  });
  after(async () => {
    await t.stop(true);
    await git.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the initial admin password from the hub data directory, and says when there is none', async () => {
    password = (await ok('admin', 'initial-password', '--data-dir', t.dataDir)).trim();
    assert.match(password, /^\S{8,}$/);
    const missing = await cli('admin', 'initial-password', '--data-dir', dir);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim(), `error: the initial admin password was changed or the hub has not started in ${dir}`);
  });

  it('refuses commands that need a hub before login', async () => {
    for (const args of [['cluster', 'list'], ['app', 'list'], ['repo', 'add', 'http://example.com/x.git']]) {
      const res = await cli(...args);
      assert.equal(res.code, 1, args.join(' '));
      assert.match(res.stderr, /^error: not logged in: run flotilla login URL first$/m);
    }
  });

  it('logs in with the initial password (a wrong one exits 1 with a clear message) and saves a 0600 config', async () => {
    const wrong = await cli('login', t.hub.url, '--username', 'admin', '--password', 'not-the-password');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^error: invalid username or password$/m);
    const out = await ok('login', t.hub.url, '--username', 'admin', '--password', password);
    assert.equal(out.trim(), `logged in to ${t.hub.url} as admin`);
    assert.equal(statSync(config).mode & 0o777, 0o600);
    const saved = JSON.parse(readFileSync(config, 'utf8'));
    assert.equal(saved.server, t.hub.url);
    assert.equal(saved.username, 'admin');
    assert.match(saved.token, /^flt_s_/);
    assert.equal(out.includes(password) || out.includes(saved.token), false);
  });

  it('adds a cluster: prints a one-time flt_b_ token and an install command holding it; a bad label is a usage error', async () => {
    const out = await ok('cluster', 'add', 'east', '--label', 'env=dev');
    const token = out.match(/flt_b_[A-Za-z0-9_-]+/)?.[0];
    assert.ok(token, out);
    assert.ok(out.split('\n').some((l) => l.includes('flotilla-agent') && l.includes(`--token ${token}`) && l.includes(`--hub ${t.hub.url}`)), out);
    const bad = await cli('cluster', 'add', 'west', '--label', 'env');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--label.*key=value/);
  });

  it('lists clusters as a table, -o json, -o yaml and -o wide; an unknown -o is a usage error', async () => {
    const table = await ok('cluster', 'list');
    assert.match(table, /^NAME\s+SERVER\s+STATUS\s+APPS\s+LABELS$/m);
    assert.match(table, /^east\s+Unknown\s+0\s+env=dev$/m);
    const json = JSON.parse(await ok('cluster', 'list', '-o', 'json'));
    assert.deepEqual(json.map((c: any) => [c.name, c.labels, c.info.connectionState.status]), [['east', { env: 'dev' }, 'Unknown']]);
    assert.deepEqual(parse(await ok('cluster', 'list', '-o', 'yaml')), json);
    assert.match(await ok('cluster', 'list', '-o', 'wide'), /^NAME\s+SERVER\s+STATUS\s+APPS\s+LABELS\s+MESSAGE\s+AGENT\s+REVISION\s+ACKED$/m);
    assert.match(await ok('cluster', 'get', 'east'), /^Status:\s+Unknown$/m);
    const bad = await cli('cluster', 'list', '-o', 'xml');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /xml/);
  });

  it('adds a repository without echoing its password, and lists it', async () => {
    const out = await ok('repo', 'add', repoUrl, '--username', 'git', '--password', 's3cret-pw', '--upsert');
    assert.equal(out.trim(), `repository ${repoUrl} added`);
    const list = await ok('repo', 'list');
    assert.match(list, /^REPO\s+TYPE\s+USER\s+CREDENTIALS$/m);
    assert.ok(list.includes(repoUrl) && !list.includes('s3cret-pw'), list);
  });

  it('creates an application from an Argo CD Application YAML file; list and get show it', async () => {
    const file = join(dir, 'guestbook.yaml');
    writeFileSync(file, appYaml('guestbook'));
    assert.equal((await ok('app', 'create', '-f', file)).trim(), 'application guestbook created');
    const again = await cli('app', 'create', '-f', file);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
    assert.equal((await ok('app', 'create', '-f', file, '--upsert')).trim(), 'application guestbook updated');
    const list = await ok('app', 'list');
    assert.match(list, /^NAME\s+CLUSTER\s+NAMESPACE\s+PROJECT\s+STATUS\s+HEALTH\s+SYNCPOLICY\s+CONDITIONS$/m);
    assert.match(list, /^guestbook\s+east\s+demo\s+default\s+\S+\s+\S+\s+Manual\s+/m);
    const got = await ok('app', 'get', 'guestbook');
    assert.match(got, new RegExp(`^Repo:\\s+${repoUrl.replace(/[.]/g, '\\.')}$`, 'm'));
    assert.match(got, /^Path:\s+guestbook$/m);
    assert.match(got, /^Cluster:\s+east\b/m);
    const yaml = parse(await ok('app', 'get', 'guestbook', '-o', 'yaml'));
    assert.equal(yaml.spec.source.path, 'guestbook');
  });

  it('reports the field path of an unknown spec field and exits 1', async () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, appYaml('typo').replace('    path: guestbook', '    pathh: guestbook'));
    const res = await cli('app', 'create', '-f', file);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^error: invalid Application$/m);
    assert.match(res.stderr, /^ {2}spec\.source\.pathh: unknown field/m);
  });

  it('creates each Application of a multi-document file (read from stdin) in order', async () => {
    const res = await runCli(config, ['app', 'create', '-f', '-'], `${appYaml('multi-a')}---\n${appYaml('multi-b')}`);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(res.stdout.trim().split('\n'), ['application multi-a created', 'application multi-b created']);
    const names = JSON.parse(await ok('app', 'list', '-o', 'json')).map((a: any) => a.metadata.name);
    assert.deepEqual(names.filter((n: string) => n.startsWith('multi-')), ['multi-a', 'multi-b']);
  });

  it('creates an application from flags, and refuses -f together with NAME', async () => {
    const out = await ok('app', 'create', 'web', '--repo', repoUrl, '--path', 'guestbook', '--dest-cluster', 'east', '--dest-namespace', 'demo', '--sync-policy', 'automated', '--self-heal');
    assert.equal(out.trim(), 'application web created');
    const app = JSON.parse(await ok('app', 'get', 'web', '-o', 'json'));
    assert.deepEqual(app.spec.syncPolicy, { automated: { selfHeal: true } });
    assert.deepEqual(app.spec.destination, { name: 'east', namespace: 'demo' });
    assert.match(await ok('app', 'list', '--cluster', 'east'), /^web\s+east\s+demo\s+default\s+\S+\s+\S+\s+Auto\s+/m);
    const mixed = await cli('app', 'create', 'web2', '-f', join(dir, 'guestbook.yaml'));
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /either -f FILE or NAME/);
  });

  it('syncs: prints the operation id; a second sync while one is pending exits 1', async () => {
    const out = await ok('app', 'sync', 'web');
    assert.match(out, /operation [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    const second = await cli('app', 'sync', 'web');
    assert.equal(second.code, 1);
    assert.match(second.stderr, /already in progress/);
  });

  it('refreshes an application and prints the resolved revision', async () => {
    const head = git.revParse('apps', 'main');
    assert.match(await ok('app', 'refresh', 'guestbook'), new RegExp(`refreshed: revision ${head.slice(0, 7)} \\(HEAD\\)`));
  });

  it('refuses to remove a cluster that applications target', async () => {
    const res = await cli('cluster', 'rm', 'east');
    assert.equal(res.code, 1);
    assert.match(res.stderr, /is the destination of \d+ application/);
  });

  it('deletes an application with --cascade=false', async () => {
    assert.equal((await ok('app', 'delete', 'web', '--cascade=false')).trim(), 'application web deleted');
    const gone = await cli('app', 'get', 'web');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /application "web" not found/);
    const bad = await cli('app', 'delete', 'guestbook', '--cascade=maybe');
    assert.equal(bad.code, 2);
  });

  it('shows the audit log of an application', async () => {
    const out = await ok('audit', '--app', 'web', '-o', 'json');
    // The second sync (refused: one is in progress) is a failed mutation: audited as a failure.
    assert.deepEqual(JSON.parse(out).map((e: any) => `${e.action} ${e.result}`), ['delete success', 'sync failure', 'sync success', 'create success']);
  });

  it('says when the hub cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const res = await cli('cluster', 'list', '--server', url);
    assert.equal(res.code, 1);
    assert.match(res.stderr, new RegExp(`^error: cannot reach the hub at ${url.replace(/[.]/g, '\\.')}: `, 'm'));
  });

  it('logs out: the token is forgotten and commands say not logged in', async () => {
    assert.equal((await ok('logout')).trim(), `logged out of ${t.hub.url}`);
    assert.equal(JSON.parse(readFileSync(config, 'utf8')).token, undefined);
    const res = await cli('cluster', 'list');
    assert.equal(res.code, 1);
    assert.match(res.stderr, /not logged in/);
  });
});
