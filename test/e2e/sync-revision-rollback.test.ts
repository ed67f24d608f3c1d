// Sync to a revision, dry run, history and rollback on a real cluster (issue 15), through the real
// `flotilla` CLI against a real hub, Git server, cluster and agent, asserted on the live objects:
// `app sync --revision A` applies commit A (and not what B added), `app sync --dry-run` prints the
// ChangeSet and leaves every resourceVersion as it was, `app rollback` restores an entry's objects
// (an object added later is pruned only with --prune, as Argo CD's rollback passes its Prune flag to
// the sync), a rollback under automated sync is refused in Argo CD's words, and an unknown revision
// is a 400 that changes nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, configMapYaml, deploymentYaml, isNotFound, type Fleet } from '../support/fleet.ts';
import { eventually } from '../support/hub.ts';
import { runCli, type Run } from '../support/cli.ts';

const APP = 'shop';
const NS = 'shop';

describe('sync to a revision, dry run, history and rollback on a real cluster', () => {
  let f: Fleet;
  let dir: string;
  let config: string;
  let commitA: string;
  let commitB: string;
  let commitC: string;
  const cli = (...args: string[]): Promise<Run> => runCli(config, args);
  const ok = async (...args: string[]): Promise<Run> => {
    const run = await cli(...args);
    assert.equal(run.code, 0, `flotilla ${args.join(' ')}: ${run.stderr}${run.stdout}`);
    return run;
  };
  const core = () => f.kube(0).core;
  const value = async (name: string) => (await core().readNamespacedConfigMap({ name, namespace: NS })).data?.value;
  const absent = (name: string) => core().readNamespacedConfigMap({ name, namespace: NS }).then(() => false, (e) => isNotFound(e));
  /** The namespace and every ConfigMap and Deployment in it, with its resourceVersion. */
  const versions = async () => {
    const ns = await core().readNamespace({ name: NS });
    const cms = (await core().listNamespacedConfigMap({ namespace: NS })).items;
    const deps = (await f.kube(0).apps.listNamespacedDeployment({ namespace: NS })).items;
    return Object.fromEntries([[`Namespace/${NS}`, ns.metadata!.resourceVersion],
      ...cms.map((o) => [`ConfigMap/${o.metadata!.name}`, o.metadata!.resourceVersion]), ...deps.map((o) => [`Deployment/${o.metadata!.name}`, o.metadata!.resourceVersion])]);
  };
  /** The application's history entries, oldest first. */
  const history = async () => ((await f.app(APP)).status.history ?? []) as { id: number; revision: string; bundle: string }[];

  before(async () => {
    f = await startFleet(['solo'], {
      'shop/config.yaml': configMapYaml('settings', 'v1'),
      'shop/deployment.yaml': deploymentYaml('web', 1),
    });
    commitA = f.git.revParse('apps', 'main');
    commitB = await f.push({ 'shop/config.yaml': configMapYaml('settings', 'v2'), 'shop/extra.yaml': configMapYaml('extra', 'v2') }, 'B: v2 and an extra ConfigMap');
    dir = mkdtempSync(join(tmpdir(), 'flotilla-e2e-rollback-'));
    config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ server: f.hub.url, token: f.hub.token, username: 'admin' }), { mode: 0o600 });
    await f.createApp(APP, 'shop', 'solo', NS, { syncOptions: ['CreateNamespace=true'] });
    await eventually('the app rendered at B', async () => (await f.app(APP)).status.sync.revision === commitB, 30_000);
  });
  after(async () => {
    await f?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('app sync --revision A applies commit A: v1, and not the ConfigMap B added; app get shows revision A', async () => {
    const run = await ok('app', 'sync', APP, '--revision', commitA, '--wait', '--timeout', '60');
    assert.match(run.stdout, new RegExp(`sync operation \\S+ requested \\(revision ${commitA.slice(0, 7)}\\)`));
    assert.match(run.stdout, /Succeeded: successfully synced/);
    assert.equal(await value('settings'), 'v1');
    assert.ok(await absent('extra'), 'the ConfigMap commit B added is not applied');
    // The Deployment rolled out (kwok runs its Pod): the cluster is quiet before the dry run compares resourceVersions.
    await eventually('the Deployment available', async () => {
      const d = await f.kube(0).apps.readNamespacedDeployment({ name: 'web', namespace: NS });
      return d.status?.availableReplicas === 1 && d.status.observedGeneration === d.metadata?.generation;
    }, 30_000);
    const got = await ok('app', 'get', APP);
    assert.match(got.stdout, new RegExp(`Sync Revision: +${commitA}`), got.stdout);
    // The target is still main at B: OutOfSync against it, as Argo CD shows it after a sync to another revision.
    assert.match(got.stdout, new RegExp(`Sync Status: +OutOfSync from main \\(${commitB.slice(0, 7)}\\)`), got.stdout);
    assert.equal((await history()).at(-1)!.revision, commitA);
  });

  it('app sync --dry-run after commit C prints the ChangeSet and changes nothing on the cluster', async () => {
    commitC = await f.push({ 'shop/config.yaml': configMapYaml('settings', 'v3') }, 'C: v3');
    await eventually('the app rendered at C and compared', async () => {
      const a = await f.app(APP);
      return a.status.sync.revision === commitC && a.status.resources.some((r: any) => r.name === 'settings' && /v3/.test(r.diff ?? ''));
    }, 30_000);
    const entries = (await history()).length;
    const before = await versions();
    const run = await ok('app', 'sync', APP, '--dry-run', '--wait', '--timeout', '60');
    // The ChangeSet names what would change (C's settings, B's extra) and only that; the Deployment, the same in A and C, is unchanged.
    assert.match(run.stdout, /Succeeded: dry run: 2 change\(s\), 2 unchanged, nothing written: (configure \/ConfigMap\/shop\/settings, create \/ConfigMap\/shop\/extra|create \/ConfigMap\/shop\/extra, configure \/ConfigMap\/shop\/settings)/, run.stdout);
    assert.match(run.stdout, /Sync +0 +apply +\/ConfigMap\/shop\/settings +Succeeded +configured \(dry run\)/, run.stdout);
    assert.match(run.stdout, /Sync +0 +apply +\/ConfigMap\/shop\/extra +Succeeded +created \(dry run\)/, run.stdout);
    assert.match(run.stdout, /Sync +0 +apply +apps\/Deployment\/shop\/web +Succeeded +unchanged/, run.stdout);
    assert.match(run.stdout, /PreSync +0 +namespace +\/Namespace\/\/shop +Succeeded +unchanged/, run.stdout);
    // Not one object was written: every resourceVersion is as it was.
    assert.deepEqual(await versions(), before);
    assert.equal(await value('settings'), 'v1');
    assert.ok(await absent('extra'));
    assert.equal((await history()).length, entries, 'a dry run is not recorded in the history');
  });

  it('app history lists the syncs; app rollback restores the entry, pruning what was added later only with --prune', async () => {
    await ok('app', 'sync', APP, '--wait', '--timeout', '60');
    assert.equal(await value('settings'), 'v3');
    assert.equal(await value('extra'), 'v2');
    const web = (await f.kube(0).apps.readNamespacedDeployment({ name: 'web', namespace: NS })).metadata!.uid;
    const entries = await history();
    assert.deepEqual(entries.map((e) => e.revision), [commitA, commitC]);
    const listed = await ok('app', 'history', APP);
    for (const e of entries) assert.match(listed.stdout, new RegExp(`^${e.id} +\\S+ +main \\(${e.revision.slice(0, 7)}\\) +admin$`, 'm'), listed.stdout);

    const back = await ok('app', 'rollback', APP, String(entries[0]!.id), '--wait', '--timeout', '60');
    assert.match(back.stdout, new RegExp(`rollback operation \\S+ requested \\(revision ${commitA.slice(0, 7)}\\)`));
    assert.equal(await value('settings'), 'v1', 'the earlier object is restored');
    // Argo CD's rollback passes its Prune flag to the sync: without --prune, what C added stays.
    assert.equal(await value('extra'), 'v2', 'not pruned without --prune');
    assert.equal((await f.kube(0).apps.readNamespacedDeployment({ name: 'web', namespace: NS })).metadata!.uid, web, 'the Deployment is the same object');
    const got = await ok('app', 'get', APP);
    assert.match(got.stdout, new RegExp(`Sync Revision: +${commitA}`), got.stdout);
    assert.match(got.stdout, new RegExp(`Sync Status: +OutOfSync from main \\(${commitC.slice(0, 7)}\\)`), got.stdout);

    const pruned = await ok('app', 'rollback', APP, String(entries[0]!.id), '--prune', '--wait', '--timeout', '60');
    assert.match(pruned.stdout, /Sync +0 +prune +\/ConfigMap\/shop\/extra +Succeeded +pruned/, pruned.stdout);
    assert.ok(await absent('extra'), 'pruned with --prune');
    assert.equal(await value('settings'), 'v1');
    // A rollback is a sync: recorded in the history with the entry's revision.
    assert.deepEqual((await history()).map((e) => e.revision), [commitA, commitC, commitA, commitA]);
  });

  it('app sync --revision of an unknown commit is a 400 naming it and changes nothing', async () => {
    const before = await versions();
    const entries = (await history()).length;
    const unknown = 'deadbeef'.repeat(5);
    const run = await cli('app', 'sync', APP, '--revision', unknown);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, new RegExp(`cannot sync application "${APP}" to revision "${unknown}": .*commit ${unknown} is not in the repository`));
    const res = await f.hub.api('POST', `/api/v1/applications/${APP}/sync`, { revision: unknown });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error.issues[0].path, 'revision');
    assert.equal((await f.app(APP)).operation, undefined, 'no operation was queued');
    assert.deepEqual(await versions(), before);
    assert.equal((await history()).length, entries);
  });

  it('with automated sync on, app rollback is refused with Argo CD\'s answer, exit code 1', async () => {
    const current = await f.app(APP);
    const put = await f.hub.api('PUT', `/api/v1/applications/${APP}`, { apiVersion: current.apiVersion, kind: current.kind, metadata: { name: APP }, spec: { ...current.spec, syncPolicy: { ...current.spec.syncPolicy, automated: {} } } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const entries = await history();
    const run = await cli('app', 'rollback', APP, String(entries[0]!.id));
    assert.equal(run.code, 1, run.stdout);
    assert.equal(run.stderr.trim(), 'error: rollback cannot be initiated when auto-sync is enabled');
    const res = await f.hub.api('POST', `/api/v1/applications/${APP}/rollback`, { id: entries[0]!.id });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.message, 'rollback cannot be initiated when auto-sync is enabled');
    assert.ok((await f.app(APP)).operation?.kind !== 'rollback', 'no rollback was queued');
    // Automated sync follows Git again: C's objects come back.
    await eventually('settings at v3 again', async () => (await value('settings')) === 'v3', 30_000);
  });
});
