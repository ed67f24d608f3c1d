// The applications of one repository render concurrently (issue 14): a refresh of N applications
// of one repository runs up to the render concurrency (here 2) at once, never more, and each one
// ends as it would alone (its bundle, or its condition: a failing render stops no other). Renders
// of one content run once even when refreshed at the same time: two applications with identical
// inputs cost one render, in one refresh and in two concurrent ones (a hard refresh of one while
// the other refreshes from its known inputs). A RepoService of its own, with concurrency 2, runs on
// the test hub's store and counts only its own renders.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createLogger } from '@flotilla/shared';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { fixtureFiles } from '../support/fixture-files.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { RepoService } from '../../hub/src/repo/service.ts';
import { listApplications, type ApplicationRecord } from '../../hub/src/store/applications.ts';

const CHARTS = 4;
const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

describe('render concurrency', () => {
  let t: TestHub;
  let git: GitServer;
  let repo: RepoService;
  let repoURL: string;
  before(async () => {
    git = await startGitServer();
    git.createRepo('mono', { ...fixtureFiles('sources'), 'shared/cm.yaml': configMap('shared', 'v1') });
    repoURL = `${git.url}/mono.git`;
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'edge' })).status, 201);
    const apps = [
      // One chart in four namespaces: four source keys, four renders.
      ...Array.from({ length: CHARTS }, (_, i) => application(`web-${i}`, { path: 'charts/web', helm: { valueFiles: ['values-prod.yaml'] } }, `ns-${i}`)),
      application('broken', { path: 'charts/web', helm: { valueFiles: ['missing.yaml'] } }, 'ns-broken'),
      // One directory for two applications: a directory renders the same for any app, so one source key.
      application('same-a', { path: 'shared' }, 'ns-a'),
      application('same-b', { path: 'shared' }, 'ns-b'),
    ];
    for (const app of apps) assert.equal((await t.api('POST', '/api/v1/applications', app)).status, 201);
    // The hub renders each new application in the background: let it finish first.
    await eventually('the hub rendered the applications', async () => {
      const listed = await listApplications(t.hub.ctx.pool);
      return listed.length === apps.length && listed.every((a) => a.bundleKey || a.conditions.length);
    }, 60_000);
    repo = new RepoService({
      pool: t.hub.ctx.pool, secrets: t.hub.ctx.secrets, log: createLogger('repo-test', 'error'),
      cacheDir: join(t.dataDir, 'git-concurrency'), render: { concurrency: 2 },
    });
  });
  after(async () => {
    repo?.close();
    await t?.stop(true);
    await git?.close();
  });

  function application(name: string, source: object, namespace: string) {
    return {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
      spec: { project: 'default', source: { repoURL, targetRevision: 'main', ...source }, destination: { name: 'edge', namespace } },
    };
  }
  const apps = async (names: string[]): Promise<ApplicationRecord[]> => (await listApplications(t.hub.ctx.pool)).filter((a) => names.includes(a.name));
  const app = async (name: string) => (await apps([name]))[0]!;
  const bundleCount = async () => Number((await t.hub.ctx.pool.query<{ n: string }>('SELECT count(*) AS n FROM bundles')).rows[0]!.n);

  it('renders the applications of one repository two at a time, a failing one stopping none', async () => {
    const names = [...Array.from({ length: CHARTS }, (_, i) => `web-${i}`), 'broken'];
    const before = { renders: repo.stats.renders, failures: repo.stats.failures };
    await repo.refresh(await apps(names), { hard: true });
    assert.equal(repo.stats.renders - before.renders, CHARTS + 1, 'every application rendered (hard refresh)');
    assert.equal(repo.stats.rendersRunningPeak, 2, 'two renders ran at once, never more (the limit)');
    assert.equal(repo.stats.rendersRunning, 0);
    assert.equal(repo.stats.failures - before.failures, 1, 'one failure');
    const after = await apps(names);
    const commit = git.revParse('mono', 'main');
    for (const a of after.filter((x) => x.name !== 'broken')) {
      assert.deepEqual(a.conditions, [], `${a.name} has no condition`);
      assert.ok(a.bundleKey, `${a.name} has a bundle`);
      assert.equal(a.revision, commit);
    }
    assert.equal(new Set(after.filter((x) => x.name !== 'broken').map((a) => a.bundleKey)).size, CHARTS, 'a bundle per namespace');
    const broken = after.find((a) => a.name === 'broken')!;
    assert.equal(broken.bundleKey, null, 'the broken application has no bundle');
    assert.match(broken.conditions.map((c) => `${c.type}: ${c.message}`).join(), /ComparisonError: .*missing\.yaml/);
  });

  it('renders two applications with identical inputs once in one refresh', async () => {
    git.commit('mono', { 'shared/cm.yaml': configMap('shared', 'v2') });
    const renders = repo.stats.renders;
    const bundles = await bundleCount();
    await repo.refresh(await apps(['same-a', 'same-b']));
    assert.equal(repo.stats.renders - renders, 1, 'one render for two applications');
    assert.equal(await bundleCount() - bundles, 1, 'one new bundle');
    const [a, b] = [await app('same-a'), await app('same-b')];
    assert.equal(a.bundleKey, b.bundleKey);
    assert.equal(a.revision, git.revParse('mono', 'main'));
    assert.equal(b.revision, a.revision);
  });

  it('renders two applications with identical inputs once in a hard refresh of both', async () => {
    const renders = repo.stats.renders;
    await repo.refresh(await apps(['same-a', 'same-b']), { hard: true });
    assert.equal(repo.stats.renders - renders, 1, 'the two share one render');
  });

  it('renders two applications with identical inputs once when refreshed at the same time, one of them hard', async () => {
    git.commit('mono', { 'shared/cm.yaml': configMap('shared', 'v3') });
    const renders = repo.stats.renders;
    const [a, b] = [await app('same-a'), await app('same-b')];
    // A hard refresh keys its render by the sources at their commits only; the other application
    // knows its inputs and keys its own by the content too: the two keys meet in the sources.
    await Promise.all([repo.refresh([a], { hard: true }), repo.refresh([b])]);
    assert.equal(repo.stats.renders - renders, 1, 'one render for the two refreshes');
    const [a2, b2] = [await app('same-a'), await app('same-b')];
    assert.equal(a2.bundleKey, b2.bundleKey);
    assert.notEqual(a2.bundleKey, a.bundleKey, 'the new content rendered');
    assert.deepEqual([a2.conditions, b2.conditions], [[], []]);
  });
});
