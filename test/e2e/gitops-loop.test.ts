// The whole loop on real clusters: a Git commit reaches the right cluster through the hub and an
// agent, changes and removals follow (pruned only with automated prune), drift is reverted with
// selfHeal and only reported without it, and prune never touches what the app did not create.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { startClusters, toolPath, type ClusterSet } from '../cluster/index.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { startHubProcess, startAgentProcess, type AgentProcess, type HubProcess } from '../support/processes.ts';
import { eventually } from '../support/hub.ts';

const SECRET = 'e2e-webhook-secret';
const deployment = (name: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;
const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

function application(name: string, repoURL: string, path: string, cluster: string, namespace: string, syncPolicy: object) {
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
    spec: { project: 'default', source: { repoURL, path, targetRevision: 'main' }, destination: { name: cluster, namespace }, syncPolicy },
  };
}

describe('GitOps loop on real clusters', () => {
  let clusters: ClusterSet;
  let git: GitServer;
  let hub: HubProcess;
  const agents: AgentProcess[] = [];
  let repoURL: string;
  const api = (i: number) => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(clusters.clusters[i]!.kubeconfigPath);
    return { core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api) };
  };
  const kubectl = (i: number, ...args: string[]) => execFileSync(toolPath('kubectl'), ['--kubeconfig', clusters.clusters[i]!.kubeconfigPath, ...args], { encoding: 'utf8' });
  const push = async (commit: string) => {
    const body = JSON.stringify({ ref: 'refs/heads/main', after: commit, repository: { clone_url: repoURL, html_url: repoURL.replace(/\.git$/, '') }, commits: [] });
    const sig = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const res = await hub.api('POST', '/api/webhook', body, { 'x-github-event': 'push', 'x-hub-signature-256': sig });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  const app = async (name: string) => (await hub.api('GET', `/api/v1/applications/${name}`)).body;
  const isNotFound = (e: unknown) => (e as { code?: number }).code === 404;

  before(async () => {
    [clusters, git] = await Promise.all([startClusters({ count: 2, names: ['east', 'west'] }), startGitServer()]);
    git.createRepo('apps', {
      'guestbook/deployment.yaml': deployment('guestbook', 1),
      'guestbook/config.yaml': configMap('guestbook-config', 'v1'),
      'manual/config.yaml': configMap('manual-config', 'v1'),
      'manual/extra.yaml': configMap('manual-extra', 'v1'),
    });
    repoURL = `${git.url}/apps.git`;
    hub = await startHubProcess({ env: { FLOTILLA_WEBHOOK_SECRET: SECRET } });
    for (const [i, name] of ['east', 'west'].entries()) {
      const added = await hub.api('POST', '/api/v1/clusters', { name });
      assert.equal(added.status, 201);
      agents.push(startAgentProcess(hub.url, added.body.bootstrapToken, clusters.clusters[i]!.kubeconfigPath));
    }
    await eventually('both agents connected', async () => {
      const list = (await hub.api('GET', '/api/v1/clusters')).body.items;
      return list.every((c: any) => c.info.connectionState.status === 'Successful');
    }, 30_000);
  });

  after(async () => {
    for (const a of agents) await a.stop().catch(() => {});
    await hub?.stop().catch(() => {});
    await git?.close();
    await clusters?.stop();
  });

  it('applies a commit to the destination cluster only, and reports Synced and Healthy', async () => {
    const created = await hub.api('POST', '/api/v1/applications', application('guestbook', repoURL, 'guestbook', 'east', 'web', { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const east = api(0);
    await eventually('guestbook Available on east', async () => {
      const d = await east.apps.readNamespacedDeployment({ name: 'guestbook', namespace: 'web' });
      return d.status?.availableReplicas === 1;
    }, 60_000);
    const cm = await east.core.readNamespacedConfigMap({ name: 'guestbook-config', namespace: 'web' });
    assert.equal(cm.data?.value, 'v1');
    assert.equal(cm.metadata?.labels?.['app.flotilla.dev/instance'], 'guestbook');
    await assert.rejects(api(1).core.readNamespace({ name: 'web' }), isNotFound);
    const status = await eventually('Synced and Healthy', async () => {
      const a = await app('guestbook');
      return a.status.sync.status === 'Synced' && a.status.health.status === 'Healthy' ? a.status : undefined;
    }, 60_000);
    assert.equal(status.sync.revision, git.revParse('apps', 'main'));
    assert.ok(status.resources.some((r: any) => r.kind === 'Deployment' && r.health?.status === 'Healthy'));
    assert.ok(status.resources.some((r: any) => r.kind === 'Pod' && r.parentRefs?.[0]?.kind === 'ReplicaSet'), 'the tree reaches the Pods');
  });

  it('applies a commit that changes replicas, and prunes a file removed from Git', async () => {
    const unmanaged = api(0);
    await unmanaged.core.createNamespacedConfigMap({ namespace: 'web', body: { metadata: { name: 'not-from-git' }, data: { keep: 'me' } } });
    await push(git.commit('apps', { 'guestbook/deployment.yaml': deployment('guestbook', 3), 'guestbook/config.yaml': null }, 'scale to 3, drop config'));
    const east = api(0);
    await eventually('3 replicas available', async () => (await east.apps.readNamespacedDeployment({ name: 'guestbook', namespace: 'web' })).status?.availableReplicas === 3, 60_000);
    await eventually('guestbook-config pruned', () => east.core.readNamespacedConfigMap({ name: 'guestbook-config', namespace: 'web' }).then(() => false, isNotFound), 30_000);
    // What the app never created stays.
    const kept = await east.core.readNamespacedConfigMap({ name: 'not-from-git', namespace: 'web' });
    assert.equal(kept.data?.keep, 'me');
  });

  it('reverts a kubectl scale at once with selfHeal', async () => {
    kubectl(0, 'scale', 'deployment/guestbook', '-n', 'web', '--replicas=5');
    const east = api(0);
    await eventually('replicas back to 3', async () => (await east.apps.readNamespacedDeployment({ name: 'guestbook', namespace: 'web' })).spec?.replicas === 3, 20_000, 50);
  });

  it('without automation: drift is reported OutOfSync, a removed file is left alone, and a sync applies', async () => {
    const created = await hub.api('POST', '/api/v1/applications', application('manual', repoURL, 'manual', 'west', 'manual', { syncOptions: ['CreateNamespace=true'] }));
    assert.equal(created.status, 201);
    await eventually('manual OutOfSync (never synced)', async () => (await app('manual')).status.sync.status === 'OutOfSync', 30_000);
    const west = api(1);
    await assert.rejects(west.core.readNamespace({ name: 'manual' }), isNotFound);
    const sync = await hub.api('POST', '/api/v1/applications/manual/sync', {});
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    await eventually('manual synced', async () => {
      const a = await app('manual');
      return a.status.sync.status === 'Synced' && a.status.operationState?.phase === 'Succeeded' && !a.operation;
    }, 30_000);
    assert.equal((await west.core.readNamespacedConfigMap({ name: 'manual-config', namespace: 'manual' })).data?.value, 'v1');

    kubectl(1, 'patch', 'configmap/manual-config', '-n', 'manual', '--type=merge', '-p', '{"data":{"value":"hand-edited"}}');
    await eventually('manual OutOfSync after the edit', async () => (await app('manual')).status.sync.status === 'OutOfSync', 20_000);
    assert.equal((await west.core.readNamespacedConfigMap({ name: 'manual-config', namespace: 'manual' })).data?.value, 'hand-edited');

    await push(git.commit('apps', { 'manual/extra.yaml': null }, 'drop extra'));
    await eventually('extra requires pruning', async () => (await app('manual')).status.resources.some((r: any) => r.name === 'manual-extra' && r.requiresPruning), 20_000);
    assert.equal((await west.core.readNamespacedConfigMap({ name: 'manual-extra', namespace: 'manual' })).data?.value, 'v1');
  });
});
