// Operations through the API and the CLI, asserted from what a protocol-level agent is sent: a sync
// to another revision (rendered by the hub, carried as the operation's bundle, the target left
// alone), a selective sync with --force, Argo CD's refusals in its words (auto-sync and another
// revision, rollback under auto-sync, terminate with nothing running), a sync's own retry strategy,
// terminate-op, history with revisionHistoryLimit and automated syncs, and rollback to a history
// entry's bundle.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Assignment } from '@flotilla/shared';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { runCli, startCli } from '../support/cli.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const configMap = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  value: "${value}"\n`;
const application = (name: string, extra: Record<string, unknown> = {}, repoURL = '') => ({
  apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
  spec: { project: 'default', source: { repoURL, path: 'settings', targetRevision: 'main' }, destination: { name: 'east', namespace: 'demo' }, ...extra },
});

describe('sync operations, terminate, history and rollback', () => {
  let t: TestHub;
  let git: GitServer;
  let agent: TestAgent;
  let credential: string;
  let repoURL: string;
  let v1: string;
  let v2: string;
  let dir: string;
  let config: string;
  let seq = 0;
  const latest = new Map<string, Assignment>();
  const cli = (...args: string[]) => runCli(config, args);

  /** The newest assignment of `app` the agent was sent that satisfies `ok` (deltas acked as they come). */
  async function assignment(app: string, ok: (a: Assignment) => boolean): Promise<Assignment> {
    const seen = latest.get(app);
    if (seen && ok(seen)) return seen;
    return eventually(`an assignment of ${app}`, async () => {
      const delta = await agent.next('delta');
      agent.send({ type: 'ack', revision: delta.revision });
      for (const c of delta.changes) if (c.assignment) latest.set(c.app, c.assignment);
      const now = latest.get(app);
      return now && ok(now) ? now : undefined;
    });
  }

  /** Reports a status of `app` as its agent, with an operation state, and waits for the ack. */
  async function report(app: string, operationState?: Record<string, unknown>): Promise<void> {
    seq += 1;
    agent.send({ type: 'status', app, seq, status: { sync: { status: 'Synced' }, health: { status: 'Healthy' }, resources: [], reconciledAt: new Date().toISOString(), ...(operationState ? { operationState } : {}) } });
    for (;;) if ((await agent.next('status.ack')).seq === seq) return;
  }

  before(async () => {
    git = await startGitServer();
    git.createRepo('apps', { 'settings/cm.yaml': configMap('v1') });
    v1 = git.revParse('apps', 'main');
    v2 = git.commit('apps', { 'settings/cm.yaml': configMap('v2') }, 'v2');
    repoURL = `${git.url}/apps.git`;
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    dir = mkdtempSync(join(tmpdir(), 'flotilla-sync-ops-'));
    config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ server: t.hub.url, token: t.token, username: 'admin' }), { mode: 0o600 });
    const added = await t.api('POST', '/api/v1/clusters', { name: 'east' });
    agent = await connectAgent(t.hub.url, added.body.bootstrapToken);
    agent.hello(0);
    credential = (await agent.next('registered')).credential;
    await agent.next('snapshot');
    for (const [name, extra] of [['web', {}], ['auto', { syncPolicy: { automated: { prune: true } } }]] as const) {
      assert.equal((await t.api('POST', '/api/v1/applications', application(name, extra, repoURL))).status, 201);
      await assignment(name, (a) => a.bundle !== null);
    }
  });
  after(async () => {
    agent?.close();
    await t?.stop(true);
    await git?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('syncs to an older revision: the hub renders it, the operation carries its bundle, the target stays', async () => {
    const before = await assignment('web', (a) => a.revision === v2);
    const res = await t.api('POST', '/api/v1/applications/web/sync', { revision: v1 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.operation.revision, v1);
    const sent = await assignment('web', (a) => a.operation?.id === res.body.operation.id);
    assert.equal(sent.operation!.kind, 'sync');
    assert.equal(sent.operation!.revision, v1);
    assert.notEqual(sent.operation!.bundle, before.bundle);
    assert.equal(sent.bundle, before.bundle, 'the target bundle is unchanged');
    assert.equal(sent.revision, v2, 'the target revision is unchanged');
    // The agent may download the operation's bundle: it holds the older revision's manifests.
    const bundle = await (await fetch(`${t.hub.url}/api/v1/agent/bundles/${sent.operation!.bundle}`, { headers: { authorization: `Bearer ${credential}` } })).json() as { manifests: { data: { value: string } }[] };
    assert.deepEqual(bundle.manifests.map((m) => m.data.value), ['v1']);
    // Its success goes into the history with the revision and bundle it synced, not the target's.
    await report('web', { id: sent.operation!.id, phase: 'Succeeded', message: 'synced' });
    const app = (await t.api('GET', '/api/v1/applications/web')).body;
    assert.equal(app.operation, undefined);
    assert.equal(app.status.sync.revision, v2);
    const entry = app.status.history.at(-1);
    assert.equal(entry.revision, v1);
    assert.equal(entry.bundle, sent.operation!.bundle);
    assert.deepEqual(entry.initiatedBy, { username: 'admin' });
  });

  it('a selective sync with --force: resources parsed as argocd parses them, Force=true added', async () => {
    const res = await t.api('POST', '/api/v1/applications/web/sync', { resources: [':ConfigMap:demo/settings', 'apps:Deployment:web'], syncOptions: ['Replace=true'], force: true, prune: true });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const sent = await assignment('web', (a) => a.operation?.id === res.body.operation.id);
    assert.deepEqual(sent.operation!.resources, [{ group: '', kind: 'ConfigMap', name: 'settings', namespace: 'demo' }, { group: 'apps', kind: 'Deployment', name: 'web' }]);
    assert.deepEqual(sent.operation!.syncOptions, ['Replace=true', 'Force=true']);
    assert.equal(sent.operation!.prune, true);
    assert.equal(sent.operation!.bundle, undefined, 'no revision: the agent syncs its target');
    await report('web', { id: sent.operation!.id, phase: 'Succeeded' });
  });

  it('confirms Prune=confirm resources with the sync (--confirm), and only when asked', async () => {
    const plain = await t.api('POST', '/api/v1/applications/web/sync', { prune: true });
    const first = await assignment('web', (a) => a.operation?.id === plain.body.operation.id);
    assert.equal(first.operation!.confirm, undefined);
    await report('web', { id: first.operation!.id, phase: 'Succeeded' });
    const confirmed = await t.api('POST', '/api/v1/applications/web/sync', { prune: true, confirm: true });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    const sent = await assignment('web', (a) => a.operation?.id === confirmed.body.operation.id);
    assert.equal(sent.operation!.confirm, true);
    await report('web', { id: sent.operation!.id, phase: 'Succeeded' });
  });

  it("carries a sync's own retry strategy (API retry or retryStrategy, CLI --retry-*) to the agent; a bad one is a 400 naming the field", async () => {
    const strategy = { limit: 3, backoff: { duration: '2s', factor: 3, maxDuration: '1m' } };
    const api = await t.api('POST', '/api/v1/applications/web/sync', { retry: strategy });
    assert.equal(api.status, 200, JSON.stringify(api.body));
    const sent = await assignment('web', (a) => a.operation?.id === api.body.operation.id);
    assert.deepEqual(sent.operation!.retry, strategy);
    await report('web', { id: sent.operation!.id, phase: 'Succeeded' });
    // Argo CD's sync request names it retryStrategy.
    const argo = await t.api('POST', '/api/v1/applications/web/sync', { retryStrategy: { limit: -1 } });
    assert.equal(argo.status, 200, JSON.stringify(argo.body));
    const unlimited = await assignment('web', (a) => a.operation?.id === argo.body.operation.id);
    assert.deepEqual(unlimited.operation!.retry, { limit: -1 });
    await report('web', { id: unlimited.operation!.id, phase: 'Succeeded' });
    const out = await cli('app', 'sync', 'web', '--retry-limit', '2', '--retry-backoff-duration', '10s', '-o', 'json');
    assert.equal(out.code, 0, out.stderr);
    const fromCli = await assignment('web', (a) => a.operation?.id === JSON.parse(out.stdout).operation.id);
    assert.deepEqual(fromCli.operation!.retry, { limit: 2, backoff: { duration: '10s', factor: 2, maxDuration: '3m0s' } });
    await report('web', { id: fromCli.operation!.id, phase: 'Succeeded' });
    // Without one, the operation carries none (the agent uses syncPolicy.retry).
    const plain = await t.api('POST', '/api/v1/applications/web/sync', {});
    const none = await assignment('web', (a) => a.operation?.id === plain.body.operation.id);
    assert.equal(none.operation!.retry, undefined);
    await report('web', { id: none.operation!.id, phase: 'Succeeded' });
    for (const [body, field] of [
      [{ retry: { limit: 2, backoff: { duration: 'soon' } } }, 'retry.backoff.duration'],
      [{ retry: { limit: 'x' } }, 'retry.limit'],
      [{ retryStrategy: { limit: 1, backoff: { factor: 0 } } }, 'retryStrategy.backoff.factor'],
      [{ retry: { limit: 1 }, retryStrategy: { limit: 1 } }, 'retryStrategy'],
    ] as const) {
      const bad = await t.api('POST', '/api/v1/applications/web/sync', body);
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.ok(JSON.stringify(bad.body).includes(field), JSON.stringify(bad.body));
    }
    const usage = await cli('app', 'sync', 'web', '--retry-backoff-factor', '3');
    assert.notEqual(usage.code, 0);
    assert.match(usage.stderr, /--retry-backoff-factor needs --retry-limit/);
    assert.equal((await t.api('GET', '/api/v1/applications/web')).body.operation, undefined, 'the refusals left no operation');
  });

  it('refuses a bad resource, a revision that does not resolve, and another revision under auto-sync', async () => {
    const bad = await t.api('POST', '/api/v1/applications/web/sync', { resources: ['apps:Deployment'] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /Resource should have GROUP:KIND:NAME, but instead got: apps:Deployment/);
    const unknown = await t.api('POST', '/api/v1/applications/web/sync', { revision: 'no-such-branch' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /revision "no-such-branch".*"no-such-branch" is neither a branch, a tag nor a commit SHA/);
    const auto = await t.api('POST', '/api/v1/applications/auto/sync', { revision: v1 });
    assert.equal(auto.status, 409);
    assert.equal(auto.body.error.message, `Cannot sync to ${v1}: auto-sync currently set to main`);
    // A dry run to another revision is allowed, as in Argo CD; the target revision itself too.
    assert.equal((await t.api('POST', '/api/v1/applications/auto/sync', { revision: 'main' })).status, 200);
    const app = (await t.api('GET', '/api/v1/applications/auto')).body;
    assert.equal(app.operation.bundle, undefined);
    await report('auto', { id: app.operation.id, phase: 'Succeeded' });
    // None of the refusals left an operation behind.
    assert.equal((await t.api('GET', '/api/v1/applications/web')).body.operation, undefined);
  });

  it('terminate-op: 409 with nothing running; otherwise an operation of kind terminate, settled when the run ends', async () => {
    const none = await t.api('POST', '/api/v1/applications/web/operation/terminate');
    assert.equal(none.status, 409);
    assert.equal(none.body.error.message, 'Unable to terminate operation. No operation is in progress');
    const started = await t.api('POST', '/api/v1/applications/web/sync', {});
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const sync = started.body.operation;
    await report('web', { id: sync.id, phase: 'Running', message: 'wave 1' });
    const res = await t.api('DELETE', '/api/v1/applications/web/operation');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.notEqual(res.body.operation.id, sync.id);
    const sent = await assignment('web', (a) => a.operation?.kind === 'terminate');
    assert.equal(sent.operation!.id, res.body.operation.id);
    assert.equal((await t.api('POST', '/api/v1/applications/web/operation/terminate')).status, 409, 'a second terminate while one is pending');
    // A report that is not the terminated run's end settles nothing.
    await report('web', { id: sync.id, phase: 'Running', message: 'wave 1' });
    assert.equal((await t.api('GET', '/api/v1/applications/web')).body.operation.kind, 'terminate');
    await report('web', { id: sync.id, phase: 'Failed', message: 'operation terminated' });
    assert.equal((await t.api('GET', '/api/v1/applications/web')).body.operation, undefined);
    await assignment('web', (a) => a.operation === undefined);
    const rows = (await t.hub.ctx.pool.query('SELECT id, phase FROM operations WHERE id = ANY($1)', [[sync.id, res.body.operation.id]])).rows;
    assert.deepEqual(Object.fromEntries(rows.map((r) => [r.id, r.phase])), { [sync.id]: 'Failed', [res.body.operation.id]: 'Succeeded' });
  });

  it('terminate-op of an automated run the agent reported Running', async () => {
    await report('auto', { id: 'auto-run1', phase: 'Running', message: 'wave 0' });
    const res = await t.api('POST', '/api/v1/applications/auto/operation/terminate');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await assignment('auto', (a) => a.operation?.id === res.body.operation.id && a.operation?.kind === 'terminate');
    await report('auto', { id: 'auto-run1', phase: 'Failed', message: 'operation terminated' });
    assert.equal((await t.api('GET', '/api/v1/applications/auto')).body.operation, undefined);
  });

  it('records automated syncs once, as automated, and keeps revisionHistoryLimit entries', async () => {
    await report('auto', { id: 'auto-run2', phase: 'Succeeded', message: 'synced' });
    await report('auto', { id: 'auto-run2', phase: 'Succeeded', message: 'synced' });
    let history = (await t.api('GET', '/api/v1/applications/auto')).body.status.history;
    assert.equal(history.filter((e: { initiatedBy?: { automated?: boolean } }) => e.initiatedBy?.automated).length, 1);
    const put = await t.api('PUT', '/api/v1/applications/auto', application('auto', { syncPolicy: { automated: { prune: true } }, revisionHistoryLimit: 2 }, repoURL));
    assert.equal(put.status, 200, JSON.stringify(put.body));
    for (const n of [3, 4, 5]) await report('auto', { id: `auto-run${n}`, phase: 'Succeeded' });
    history = (await t.api('GET', '/api/v1/applications/auto')).body.status.history;
    assert.equal(history.length, 2);
    const stored = (await t.hub.ctx.pool.query(`SELECT count(*)::int AS n FROM sync_history WHERE app_name = 'auto'`)).rows[0].n;
    assert.equal(stored, 2, 'older entries are deleted, not only hidden');
  });

  it('rollback: refused under auto-sync in Argo CD words; otherwise the entry\'s bundle and revision (the previous entry without an id)', async () => {
    const refused = await t.api('POST', '/api/v1/applications/auto/rollback', { id: 1 });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.message, 'rollback cannot be initiated when auto-sync is enabled');
    const history = (await t.api('GET', '/api/v1/applications/web')).body.status.history as { id: number; revision: string; bundle: string }[];
    assert.ok(history.length >= 2);
    const missing = await t.api('POST', '/api/v1/applications/web/rollback', { id: 999999 });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.message, 'application web does not have deployment with id 999999');
    const res = await t.api('POST', '/api/v1/applications/web/rollback', {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const previous = history.at(-2)!;
    const sent = await assignment('web', (a) => a.operation?.id === res.body.operation.id);
    assert.equal(sent.operation!.kind, 'rollback');
    assert.equal(sent.operation!.bundle, previous.bundle);
    assert.equal(sent.operation!.revision, previous.revision);
    await report('web', { id: sent.operation!.id, phase: 'Succeeded' });
    const first = history[0]!;
    const byId = await t.api('POST', '/api/v1/applications/web/rollback', { id: first.id });
    const again = await assignment('web', (a) => a.operation?.id === byId.body.operation.id);
    assert.equal(again.operation!.bundle, first.bundle);
    await report('web', { id: again.operation!.id, phase: 'Succeeded' });
  });

  it('CLI: app sync --revision --wait prints the phase and message as they change, then the outcome', async () => {
    const run = startCli(config, ['app', 'sync', 'web', '--revision', v1, '--resource', ':ConfigMap:demo/settings', '--wait', '--timeout', '30']);
    await run.printed(/sync operation [0-9a-f-]{36} requested \(revision [0-9a-f]{7}, 1 resource\(s\)\)/);
    const op = (await t.api('GET', '/api/v1/applications/web')).body.operation;
    await run.printed(/Pending/);
    await report('web', { id: op.id, phase: 'Running', message: 'wave 1: waiting for ConfigMap demo/settings' });
    await run.printed(/Running: wave 1: waiting for ConfigMap demo\/settings/);
    await report('web', { id: op.id, phase: 'Succeeded', message: 'successfully synced (1 applied)' });
    const done = await run.done;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, new RegExp(`operation ${op.id} Succeeded: successfully synced \\(1 applied\\)`));
  });

  it('CLI: a failed operation exits 1; rollback and terminate-op answer as Argo CD does', async () => {
    const run = startCli(config, ['app', 'sync', 'web', '--force', '--wait', '--timeout', '30']);
    await run.printed(/requested/);
    const op = (await t.api('GET', '/api/v1/applications/web')).body.operation;
    assert.deepEqual(op.syncOptions, ['Force=true']);
    await report('web', { id: op.id, phase: 'Failed', message: 'one or more tasks failed' });
    const failed = await run.done;
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /completed with phase Failed: one or more tasks failed/);
    const rollback = await cli('app', 'rollback', 'auto', '1');
    assert.equal(rollback.code, 1);
    assert.match(rollback.stderr, /rollback cannot be initiated when auto-sync is enabled/);
    const terminate = await cli('app', 'terminate-op', 'web');
    assert.equal(terminate.code, 1);
    assert.match(terminate.stderr, /Unable to terminate operation\. No operation is in progress/);
    const bad = await cli('app', 'sync', 'web', '--resource', 'Deployment/web');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Resource should have GROUP:KIND:NAME, but instead got: Deployment\/web/);
    const history = await cli('app', 'history', 'auto');
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /INITIATED BY/);
    assert.match(history.stdout, /automated/);
  });

  it('CLI: app get shows the operation with its waves and per-resource results', async () => {
    const op = (await t.api('POST', '/api/v1/applications/web/sync', {})).body.operation;
    await report('web', {
      id: op.id, phase: 'Running', message: 'wave 1: waiting', startedAt: '2026-12-01T10:00:00.000Z',
      result: { waves: [{ phase: 'PreSync', wave: 0, startedAt: '2026-12-01T10:00:00.000Z', finishedAt: '2026-12-01T10:00:01.000Z' }, { phase: 'Sync', wave: 1, startedAt: '2026-12-01T10:00:01.000Z' }],
        resources: [{ key: 'batch/Job/demo/migrate', kind: 'hook', phase: 'PreSync', wave: 0, status: 'Succeeded', result: 'created' }] },
    });
    const got = await cli('app', 'get', 'web');
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, new RegExp(`Operation: +sync ${op.id} Running: wave 1: waiting`));
    assert.match(got.stdout, /Waves: +PreSync 0 1\.0s, Sync 1 running/);
    assert.match(got.stdout, /PreSync +0 +hook +batch\/Job\/demo\/migrate +Succeeded +created/);
    await report('web', { id: op.id, phase: 'Succeeded' });
  });

  it('a cascade deletion carries the confirmation of Delete=confirm resources only when given, and a later delete can give it', async () => {
    assert.equal((await t.api('DELETE', '/api/v1/applications/web')).status, 200);
    const first = await assignment('web', (a) => a.deletion !== undefined);
    assert.equal(first.deletion!.confirmed, undefined);
    assert.equal((await t.api('DELETE', '/api/v1/applications/web?confirm=true')).status, 200);
    const confirmed = await assignment('web', (a) => a.deletion?.confirmed === true);
    assert.equal(confirmed.deletion!.cascade, true);
  });
});
