// `flotilla app diff` and `flotilla app wait` against a real hub, run as a child process, with a
// protocol-level test agent standing in for the cluster's agent and reporting the status.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { runCli, startCli } from '../support/cli.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const fixture = fileURLToPath(new URL('../fixtures/guestbook/', import.meta.url));

type Resource = { group: string; version: string; kind: string; name: string; namespace?: string; status?: string; health?: { status: string; message?: string }; diff?: string; requiresPruning?: boolean };

const deployment = (status: string, health: string, extra: Partial<Resource> = {}): Resource => ({
  group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'demo', name: 'guestbook-ui', status, health: { status: health }, ...extra,
});
const service = (status: string): Resource => ({ group: '', version: 'v1', kind: 'Service', namespace: 'demo', name: 'guestbook-ui', status, health: { status: 'Healthy' } });
const replicasDiff = '--- live\n+++ desired\n@@ spec.replicas @@\n-1\n+3\n';

describe('flotilla app diff and app wait', () => {
  let t: TestHub;
  let git: GitServer;
  let agent: TestAgent;
  let dir: string;
  let config: string;
  let seq = 0;
  const cli = (...args: string[]) => runCli(config, args);

  /** Reports a status for the guestbook application, as its agent, and waits for the hub's ack. */
  async function report(sync: string, health: string, resources: Resource[], healthMessage?: string): Promise<void> {
    seq += 1;
    agent.send({
      type: 'status', app: 'guestbook', seq,
      status: { sync: { status: sync }, health: { status: health, ...(healthMessage ? { message: healthMessage } : {}) }, resources, reconciledAt: new Date().toISOString() },
    });
    for (;;) {
      const ack = await agent.next('status.ack');
      if (ack.seq === seq) return;
    }
  }

  before(async () => {
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    git = await startGitServer();
    git.createRepo('apps', Object.fromEntries(readdirSync(fixture).map((f) => [`guestbook/${f}`, readFileSync(join(fixture, f), 'utf8')])));
    dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-wait-'));
    config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ server: t.hub.url, token: t.token, username: 'admin' }), { mode: 0o600 });

    const added = await t.api('POST', '/api/v1/clusters', { name: 'east' });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    agent = await connectAgent(t.hub.url, added.body.bootstrapToken);
    agent.hello(0);
    await agent.next('registered');
    await agent.next('snapshot');
    for (const name of ['guestbook', 'fresh']) {
      const created = await t.api('POST', '/api/v1/applications', {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
        spec: { project: 'default', source: { repoURL: `${git.url}/apps.git`, path: 'guestbook' }, destination: { name: 'east', namespace: 'demo' } },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
  });
  after(async () => {
    agent?.close();
    await t?.stop(true);
    await git?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('app diff prints the diff of each OutOfSync resource and exits 1 (0 with --exit-code=false)', async () => {
    await report('OutOfSync', 'Healthy', [deployment('OutOfSync', 'Healthy', { diff: replicasDiff }), service('OutOfSync'), { ...service('OutOfSync'), kind: 'ConfigMap', name: 'old', health: undefined, requiresPruning: true }]);
    const res = await cli('app', 'diff', 'guestbook');
    assert.equal(res.code, 1, res.stderr);
    assert.equal(res.stderr, '');
    assert.equal(res.stdout, [
      '===== apps/Deployment demo/guestbook-ui ======',
      '--- live', '+++ desired', '@@ spec.replicas @@', '-1', '+3',
      '===== /Service demo/guestbook-ui ======',
      '(no diff reported)',
      '===== /ConfigMap demo/old ======',
      '(to be pruned: exists live, no longer in Git)',
      '',
    ].join('\n'));
    const quiet = await cli('app', 'diff', 'guestbook', '--exit-code=false');
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stdout, res.stdout);
  });

  it('app diff prints nothing and exits 0 when everything is Synced', async () => {
    await report('Synced', 'Healthy', [deployment('Synced', 'Healthy'), service('Synced')]);
    const res = await cli('app', 'diff', 'guestbook');
    assert.deepEqual(res, { code: 0, stdout: '', stderr: '' });
  });

  it('app diff exits 2 when there is no comparison yet or no such application', async () => {
    const fresh = await cli('app', 'diff', 'fresh');
    assert.equal(fresh.code, 2);
    assert.equal(fresh.stdout, '');
    assert.match(fresh.stderr, /no comparison yet: no status from the agent yet/);
    const missing = await cli('app', 'diff', 'nope');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: .*nope/m);
  });

  it('app wait --sync --health shows progress and exits 0 once the agent reports Synced and Healthy', async () => {
    await report('OutOfSync', 'Progressing', [deployment('OutOfSync', 'Progressing', { health: { status: 'Progressing', message: 'Waiting for rollout to finish' } }), service('Synced')]);
    const waiting = startCli(config, ['app', 'wait', 'guestbook', '--sync', '--health', '--timeout', '20', '--interval', '200']);
    await waiting.printed(/sync=OutOfSync health=Progressing/);
    await sleep(1_000);
    await report('Synced', 'Progressing', [deployment('Synced', 'Progressing'), service('Synced')]);
    await waiting.printed(/sync=Synced health=Progressing/);
    await sleep(500);
    await report('Synced', 'Healthy', [deployment('Synced', 'Healthy'), service('Synced')]);
    const res = await waiting.done;
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^\d+\.\ds {2}sync=OutOfSync health=Progressing resources=1\/2 Deployment demo\/guestbook-ui OutOfSync Progressing: Waiting for rollout to finish$/);
    assert.ok(lines.some((l) => /^\d+\.\ds {2}sync=Synced health=Progressing resources=2\/2 Deployment demo\/guestbook-ui Progressing$/.test(l)), res.stdout);
    // One line per change, not per poll.
    assert.equal(lines.length, 3, res.stdout);
    assert.match(lines.at(-1)!, /^application guestbook reached sync=Synced and health=Healthy after \d+\.\ds \(revision [0-9a-f]{7}\)$/);
  });

  it('app wait --health times out with exit 1 while the agent reports Progressing', async () => {
    await report('Synced', 'Progressing', [deployment('Synced', 'Progressing', { health: { status: 'Progressing', message: 'Waiting for rollout to finish' } })]);
    const started = Date.now();
    const res = await cli('app', 'wait', 'guestbook', '--health', '--timeout', '2');
    assert.equal(res.code, 1);
    assert.ok(Date.now() - started >= 2_000);
    assert.match(res.stdout, /sync=Synced health=Progressing/);
    assert.match(res.stderr, /^error: timed out after 2s waiting for health=Healthy: sync=Synced health=Progressing resources=1\/1 Deployment demo\/guestbook-ui Progressing: Waiting for rollout to finish$/m);
  });

  it('app wait --degraded-fail exits 1 at once when the health is Degraded', async () => {
    await report('Synced', 'Degraded', [deployment('Synced', 'Degraded', { health: { status: 'Degraded', message: 'CrashLoopBackOff' } })], 'a resource is degraded');
    const res = await cli('app', 'wait', 'guestbook', '--health', '--degraded-fail', '--timeout', '20');
    assert.equal(res.code, 1);
    assert.match(res.stdout, /health=Degraded .*CrashLoopBackOff/);
    assert.match(res.stderr, /^error: application guestbook is Degraded: a resource is degraded/m);
  });

  it('app wait on an application that does not exist exits 1 with the hub\'s message', async () => {
    const res = await cli('app', 'wait', 'nope', '--timeout', '5');
    assert.equal(res.code, 1);
    assert.equal(res.stdout, '');
    assert.equal(res.stderr, 'error: application "nope" not found\n');
  });
});
