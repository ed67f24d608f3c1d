// The agent's project guard on a real cluster (issue 16, defence in depth): two tenants on one
// cluster, team A limited to namespace team-a with no cluster-scoped kinds. A bundle holding a
// ClusterRole and an object in team B's namespace is forced past the hub (stored and assigned with
// the store's functions, so neither the API's check nor the after-render check ran): the real agent
// applies none of it, reports a condition naming the rules, and leaves the app's live objects
// as they were, while team A's other application keeps syncing. The same assignment without the
// project's limits (as an older hub sends it) is applied, so it was the guard that refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as k8s from '@kubernetes/client-node';
import { startClusters, type ClusterSet } from '../cluster/index.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { eventually, startTestHub, type TestHub } from '../support/hub.ts';
import { startAgentProcess, type AgentProcess } from '../support/processes.ts';
import { configMapYaml } from '../support/manifests.ts';
import { saveRender } from '../../hub/src/store/bundles.ts';
import { getApplication, recordRender } from '../../hub/src/store/applications.ts';
import { assignmentOf, CLUSTER_CHANNEL, recordAssignment } from '../../hub/src/store/assignments.ts';
import { bundleKey } from '../../hub/src/repo/content-key.ts';

const isNotFound = (e: unknown) => (e as { code?: number }).code === 404;
const cm = (name: string, value: string, namespace?: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}) }, data: { value } });

describe('the agent refuses a forbidden assignment written past the hub', () => {
  let clusters: ClusterSet;
  let git: GitServer;
  let t: TestHub;
  let agent: AgentProcess;
  let clusterId: number;
  let core: k8s.CoreV1Api;
  let rbac: k8s.RbacAuthorizationV1Api;
  const forced = [cm('keep-1', 'forced'), { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'team-a-escalate' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] }, cm('intruder', 'from-a', 'team-b')];

  before(async () => {
    [clusters, git] = await Promise.all([startClusters({ count: 1, names: ['edge'] }), startGitServer()]);
    git.createRepo('team-a-web', { 'web/cm.yaml': configMapYaml('web-a', 'v1') });
    git.createRepo('team-a-app', { 'app/keep-1.yaml': configMapYaml('keep-1', 'v1'), 'app/keep-2.yaml': configMapYaml('keep-2', 'v1') });
    git.createRepo('team-b-web', { 'web/cm.yaml': configMapYaml('web-b', 'v1') });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(clusters.clusters[0]!.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
    rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    // Team A may not create Namespaces (cluster-scoped): an admin made both beforehand.
    for (const name of ['team-a', 'team-b']) await core.createNamespace({ body: { metadata: { name } } });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    const added = await t.api('POST', '/api/v1/clusters', { name: 'edge' });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    clusterId = Number((await t.hub.ctx.pool.query<{ id: string }>("SELECT id FROM clusters WHERE name = 'edge'")).rows[0]!.id);
    for (const team of ['a', 'b']) {
      const res = await t.api('POST', '/api/v1/projects', {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: `team-${team}` },
        // No clusterResourceWhitelist: every cluster-scoped kind is refused.
        spec: { sourceRepos: [`${git.url}/team-${team}-*`], destinations: [{ name: 'edge', namespace: `team-${team}` }] },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    agent = startAgentProcess(t.hub.url, added.body.bootstrapToken, clusters.clusters[0]!.kubeconfigPath);
    const app = (name: string, team: string, repo: string, path: string) => ({
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
      spec: { project: `team-${team}`, source: { repoURL: `${git.url}/${repo}.git`, path, targetRevision: 'main' }, destination: { name: 'edge', namespace: `team-${team}` }, syncPolicy: { automated: { prune: true, selfHeal: true } } },
    });
    for (const body of [app('a-web', 'a', 'team-a-web', 'web'), app('a-forced', 'a', 'team-a-app', 'app'), app('b-web', 'b', 'team-b-web', 'web')]) {
      const res = await t.api('POST', '/api/v1/applications', body);
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    for (const name of ['a-web', 'a-forced', 'b-web']) {
      await eventually(`${name} Synced and Healthy`, async () => {
        const got = (await t.api('GET', `/api/v1/applications/${name}`)).body;
        return got.status?.sync?.status === 'Synced' && got.status?.health?.status === 'Healthy';
      }, 90_000, 200);
    }
  });
  after(async () => {
    await agent?.stop().catch(() => {});
    await t?.stop(true).catch(() => {});
    await git?.close();
    await clusters?.stop();
  });

  /** Stores a bundle and points the app's assignment at it with the store's own functions: no API route, no after-render check. */
  const force = async (app: string, manifests: object[], withLimits: boolean) => {
    const key = bundleKey(manifests);
    await saveRender(t.hub.ctx.pool, t.hub.ctx.secrets, `forced:${key}`, { key, manifests });
    await recordRender(t.hub.ctx.pool, app, { bundleKey: key, conditions: [] });
    const assignment = assignmentOf((await getApplication(t.hub.ctx.pool, app))!);
    if (withLimits) {
      await recordAssignment(t.hub.ctx.pool, clusterId, app, assignment);
    } else {
      // As a hub from before projectLimits logs it (recordAssignment would add the limits).
      const bumped = await t.hub.ctx.pool.query<{ revision: string }>('UPDATE clusters SET revision = revision + 1 WHERE id = $1 RETURNING revision', [clusterId]);
      await t.hub.ctx.pool.query('INSERT INTO assignment_log (cluster_id, revision, app_name, assignment) VALUES ($1, $2, $3, $4)', [clusterId, bumped.rows[0]!.revision, app, assignment]);
      await t.hub.ctx.pool.query('SELECT pg_notify($1, $2)', [CLUSTER_CHANNEL, JSON.stringify({ cluster: clusterId, kind: 'revision' })]);
    }
    return key;
  };
  const value = async (name: string, namespace = 'team-a') => (await core.readNamespacedConfigMap({ name, namespace })).data?.value;

  it('applies nothing of a bundle with a ClusterRole and an object in team B\'s namespace, and reports the rules', async () => {
    const key = await force('a-forced', forced, true);
    const logged = await t.hub.ctx.pool.query<{ assignment: any }>("SELECT assignment FROM assignment_log WHERE app_name = 'a-forced' ORDER BY revision DESC LIMIT 1");
    assert.equal(logged.rows[0]!.assignment.bundle, key, 'the forced bundle is what the agent is told to run');
    assert.equal(logged.rows[0]!.assignment.projectLimits.destinations[0].namespace, 'team-a');
    const condition = await eventually('the agent\'s refusal at the hub', async () => {
      const got = (await t.api('GET', '/api/v1/applications/a-forced')).body;
      return (got.status?.conditions ?? []).find((c: any) => /refused by the agent/.test(c.message));
    }, 30_000, 200);
    assert.equal(condition.type, 'ComparisonError');
    assert.match(condition.message, /breaks project "team-a"/);
    assert.match(condition.message, /ClusterRole\/team-a-escalate: cluster-scoped kind rbac\.authorization\.k8s\.io\/ClusterRole is not in project 'team-a''s spec\.clusterResourceWhitelist/);
    assert.match(condition.message, /ConfigMap\/team-b\/intruder: namespace 'team-b' on cluster .* is not permitted by project 'team-a''s spec\.destinations/);
    // Give an agent that would apply it time to do so (automated prune and selfHeal are on).
    await sleep(3000);
    await assert.rejects(rbac.readClusterRole({ name: 'team-a-escalate' }), isNotFound);
    await assert.rejects(core.readNamespacedConfigMap({ name: 'intruder', namespace: 'team-b' }), isNotFound);
    assert.equal(await value('keep-1'), 'v1', 'not changed');
    assert.equal(await value('keep-2'), 'v1', 'not pruned');
    assert.equal(await value('web-b', 'team-b'), 'v1', "team B's application is untouched");
  });

  it("syncs team A's permitted application beside it as usual", async () => {
    git.commit('team-a-web', { 'web/cm.yaml': configMapYaml('web-a', 'v2') }, 'v2');
    assert.equal((await t.api('POST', '/api/v1/applications/a-web/refresh')).status, 200);
    await eventually('web-a v2 on the cluster', async () => (await value('web-a')) === 'v2', 30_000, 200);
    await eventually('a-web Synced', async () => (await t.api('GET', '/api/v1/applications/a-web')).body.status?.sync?.status === 'Synced', 30_000, 200);
    assert.equal(await value('keep-2'), 'v1');
  });

  it('applies the same assignment without the project\'s limits (an older hub\'s): the guard refused it, not the cluster', async () => {
    await force('a-forced', forced, false);
    await eventually('the ClusterRole applied', () => rbac.readClusterRole({ name: 'team-a-escalate' }).then(() => true), 30_000, 200);
    await eventually('keep-1 changed and keep-2 pruned', async () => (await value('keep-1')) === 'forced' && await core.readNamespacedConfigMap({ name: 'keep-2', namespace: 'team-a' }).then(() => false, isNotFound), 30_000, 200);
    assert.equal(await value('intruder', 'team-b'), 'from-a');
  });
});
