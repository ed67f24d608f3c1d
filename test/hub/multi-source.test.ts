// Multi-source applications (issue 14, point 5): each source is rendered and the manifests merged
// into one bundle; the same object from two sources is a clear error that keeps the last good
// bundle; a `ref` source lends its files to another source's `$ref/…` value files. The status
// shows each source's revision (status.sync.revisions), a commit in any source's repository moves
// the assignment, and a sync's history entry records every source's revision.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Assignment } from '@flotilla/shared';
import { eventually, startTestHub, type TestHub } from '../support/hub.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';
import { runCli } from '../support/cli.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;
const chart = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
  'chart/values.yaml': 'replicas: 1\ncolor: blue\n',
  'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-colors\ndata:\n  color: {{ .Values.color | quote }}\n  replicas: {{ .Values.replicas | quote }}\n',
};

describe('multi-source applications', () => {
  let t: TestHub;
  let git: GitServer;
  let edgeToken: string;
  before(async () => {
    git = await startGitServer();
    git.createRepo('one', { 'a/cm.yaml': configMap('from-one', 'v1'), 'dup/cm.yaml': configMap('shared', 'one') });
    git.createRepo('two', { 'b/cm.yaml': configMap('from-two', 'v1'), 'dup/cm.yaml': configMap('shared', 'two') });
    git.createRepo('charts', chart);
    git.createRepo('values', { 'envs/prod.yaml': 'color: green\nreplicas: 3\n' });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    const edge = await t.api('POST', '/api/v1/clusters', { name: 'edge' });
    assert.equal(edge.status, 201);
    edgeToken = edge.body.bootstrapToken;
  });
  after(async () => {
    await t.stop(true);
    await git.close();
  });

  const create = async (name: string, sources: object[]) => {
    const res = await t.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
      spec: { sources, destination: { name: 'edge', namespace: name } },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const { getApplication } = await import('../../hub/src/store/applications.ts');
    await t.hub.ctx.repo.refresh([(await getApplication(t.hub.ctx.pool, name))!]);
    return (await t.api('GET', `/api/v1/applications/${name}`)).body;
  };
  const manifestsOf = async (key: string) => {
    const { bundleForCluster } = await import('../../hub/src/store/bundles.ts');
    const cluster = (await t.hub.ctx.pool.query<{ id: string }>(`SELECT id FROM clusters WHERE name = 'edge'`)).rows[0]!.id;
    return (await bundleForCluster(t.hub.ctx.pool, t.hub.ctx.secrets, Number(cluster), key))!.manifests as any[];
  };

  it('merges the manifests of two repositories into one bundle', async () => {
    const app = await create('merged', [
      { repoURL: `${git.url}/one.git`, path: 'a', targetRevision: 'HEAD' },
      { repoURL: `${git.url}/two.git`, path: 'b', targetRevision: 'HEAD' },
    ]);
    assert.equal(app.status.conditions?.length ?? 0, 0, JSON.stringify(app.status.conditions));
    const names = (await manifestsOf(app.status.bundle)).map((m) => m.metadata.name).sort();
    assert.deepEqual(names, ['from-one', 'from-two']);
  });

  it('refuses one object rendered by two sources, naming both', async () => {
    const app = await create('clash', [
      { repoURL: `${git.url}/one.git`, path: 'dup', targetRevision: 'HEAD' },
      { repoURL: `${git.url}/two.git`, path: 'dup', targetRevision: 'HEAD' },
    ]);
    assert.equal(app.status.bundle ?? null, null);
    const message = app.status.conditions.map((c: any) => c.message).join(' ');
    assert.match(message, /ConfigMap\/shared is rendered by spec\.sources\[0\] and by spec\.sources\[1\]/);
  });

  it('lends a ref source\'s files to $ref value files of a chart', async () => {
    const app = await create('valued', [
      { repoURL: `${git.url}/charts.git`, path: 'chart', targetRevision: 'HEAD', helm: { releaseName: 'web', valueFiles: ['$values/envs/prod.yaml'] } },
      { repoURL: `${git.url}/values.git`, targetRevision: 'HEAD', ref: 'values' },
    ]);
    assert.equal(app.status.conditions?.length ?? 0, 0, JSON.stringify(app.status.conditions));
    const [cm] = await manifestsOf(app.status.bundle);
    assert.equal(cm.metadata.name, 'web-colors');
    assert.deepEqual(cm.data, { color: 'green', replicas: '3' });

    // A change in the values repository renders again; nothing else does.
    const renders = t.hub.ctx.repo.stats.renders;
    git.commit('values', { 'envs/prod.yaml': 'color: red\nreplicas: 3\n' });
    const { getApplication } = await import('../../hub/src/store/applications.ts');
    await t.hub.ctx.repo.refresh([(await getApplication(t.hub.ctx.pool, 'valued'))!]);
    const after = (await t.api('GET', '/api/v1/applications/valued')).body;
    assert.equal(t.hub.ctx.repo.stats.renders - renders, 1);
    assert.equal((await manifestsOf(after.status.bundle))[0].data.color, 'red');
  });

  it('shows each source\'s revision, moves the assignment when only a ref source moved, and records both in history', async () => {
    // A protocol-level agent for cluster edge: it reports what its assignment says, as the real one does.
    const agent = await connectAgent(t.hub.url, edgeToken);
    agent.hello(0);
    await agent.next('snapshot');
    const { getApplication } = await import('../../hub/src/store/applications.ts');
    const refresh = async () => {
      await t.hub.ctx.repo.refresh([(await getApplication(t.hub.ctx.pool, 'layered'))!]);
      return (await t.api('GET', '/api/v1/applications/layered')).body;
    };
    const app = await create('layered', [
      { repoURL: `${git.url}/charts.git`, path: 'chart', targetRevision: 'HEAD', helm: { releaseName: 'layered', valueFiles: ['$values/envs/prod.yaml'] } },
      { repoURL: `${git.url}/values.git`, targetRevision: 'HEAD', ref: 'values' },
    ]);
    const chartCommit = git.revParse('charts', 'HEAD');
    let valuesCommit = git.revParse('values', 'HEAD');
    assert.equal(app.status.conditions?.length ?? 0, 0, JSON.stringify(app.status.conditions));
    assert.equal(app.status.sync.revision, chartCommit);
    assert.deepEqual(app.status.sync.revisions, [chartCommit, valuesCommit]);
    assert.deepEqual(app.status.sync.comparedTo.sources.map((s: any) => s.repoURL), [`${git.url}/charts.git`, `${git.url}/values.git`]);
    await assignedWith(agent, [chartCommit, valuesCommit]);

    // A commit in the values repository that no render reads: the same bundle, no render, but the
    // second revision moves, and so does the agent's assignment (Argo CD shows the new revisions too).
    const renders = t.hub.ctx.repo.stats.renders;
    valuesCommit = git.commit('values', { 'README.md': 'values for every environment\n' });
    const moved = await refresh();
    assert.equal(t.hub.ctx.repo.stats.renders, renders);
    assert.equal(moved.status.bundle, app.status.bundle);
    assert.deepEqual(moved.status.sync.revisions, [chartCommit, valuesCommit]);
    await assignedWith(agent, [chartCommit, valuesCommit]);

    // A commit to a value file the chart reads: a new bundle and again a new second revision.
    valuesCommit = git.commit('values', { 'envs/prod.yaml': 'color: purple\nreplicas: 2\n' });
    const changed = await refresh();
    assert.notEqual(changed.status.bundle, app.status.bundle);
    assert.deepEqual(changed.status.sync.revisions, [chartCommit, valuesCommit]);
    const assignment = await assignedWith(agent, [chartCommit, valuesCommit]);

    // A sync the agent finishes: the history entry names both sources and their revisions.
    const sync = await t.api('POST', '/api/v1/applications/layered/sync', {});
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    const withOperation = await eventually('the sync reaches the agent', async () => (await agent.next('delta')).changes.find((c) => c.app === 'layered' && c.assignment?.operation)?.assignment ?? undefined);
    agent.send({
      type: 'status', app: 'layered', seq: 1,
      status: {
        sync: { status: 'Synced', revision: assignment.revision!, revisions: assignment.revisions!, bundle: assignment.bundle! },
        health: { status: 'Healthy' }, resources: [], reconciledAt: new Date().toISOString(),
        operationState: { id: withOperation.operation!.id, phase: 'Succeeded', message: 'synced' },
      },
    });
    await agent.next('status.ack');
    const synced = (await t.api('GET', '/api/v1/applications/layered')).body;
    assert.equal(synced.operation, undefined);
    const entry = synced.status.history.at(-1);
    assert.equal(entry.revision, chartCommit);
    assert.deepEqual(entry.revisions, [chartCommit, valuesCommit]);
    assert.deepEqual(entry.sources.map((s: any) => s.ref ?? s.path), ['chart', 'values']);
    assert.deepEqual(entry.initiatedBy, { username: 'admin' });

    // `flotilla app history` shows one table per source, each with its own revision.
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-history-'));
    try {
      const config = join(dir, 'config.json');
      const { readInitialPassword } = await import('../../hub/src/store/accounts.ts');
      assert.equal((await runCli(config, ['login', t.hub.url, '--username', 'admin', '--password', readInitialPassword(t.dataDir)!])).code, 0);
      const shown = await runCli(config, ['app', 'history', 'layered']);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, new RegExp(`SOURCE  ${git.url}/charts.git \\(path chart\\)\\nID +DATE +REVISION +INITIATED BY\\n${entry.id} +\\S+ +HEAD \\(${chartCommit.slice(0, 7)}\\)`));
      assert.match(shown.stdout, new RegExp(`SOURCE  ${git.url}/values.git \\(ref values\\)\\nID +DATE +REVISION +INITIATED BY\\n${entry.id} +\\S+ +HEAD \\(${valuesCommit.slice(0, 7)}\\)`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    agent.close();
  });

  it('refreshes a multi-source application when its ref source\'s repository is pushed to', async () => {
    const refreshedAt = async (name: string) => (await t.api('GET', `/api/v1/applications/${name}`)).body.status.refreshedAt;
    const before = { layered: await refreshedAt('layered'), valued: await refreshedAt('valued') };
    const push = JSON.stringify({ ref: 'refs/heads/main', after: git.revParse('values', 'HEAD'), repository: { clone_url: `${git.url}/values.git` }, commits: [] });
    const res = await t.api('POST', '/api/webhook', push, { token: null, headers: { 'x-github-event': 'push' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.refreshed.includes('layered'), JSON.stringify(res.body));
    assert.ok(res.body.refreshed.includes('valued'), JSON.stringify(res.body));
    assert.equal(res.body.refreshed.includes('merged'), false, JSON.stringify(res.body));
    // The refreshes run in the background: both render (from the cache) before the hub stops.
    await eventually('both refreshed', async () => (await refreshedAt('layered')) !== before.layered && (await refreshedAt('valued')) !== before.valued);
  });
});

/** Waits for an assignment of `layered` with these source revisions (acking what it reads, as an agent does). */
async function assignedWith(agent: TestAgent, revisions: string[]): Promise<Assignment> {
  return eventually(`an assignment with revisions ${revisions.join(', ')}`, async () => {
    const delta = await agent.next('delta');
    agent.send({ type: 'ack', revision: delta.revision });
    const assignment = delta.changes.filter((c) => c.app === 'layered').at(-1)?.assignment;
    return assignment && JSON.stringify(assignment.revisions) === JSON.stringify(revisions) ? assignment : undefined;
  });
}
