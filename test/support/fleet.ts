// A whole Flotilla fleet for end-to-end tests: real clusters, a Git server with an apps repo, a hub
// process, one agent process per cluster, and helpers to push commits and read state.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { startClusters, toolPath, type ClusterSet } from '../cluster/index.ts';
import { startGitServer, type FileChanges, type GitServer } from '../git/server.ts';
import { startHubProcess, startAgentProcess, type AgentProcess, type HubProcess } from './processes.ts';
import { eventually } from './hub.ts';

const SECRET = 'e2e-webhook-secret';

/** A running fleet. */
export interface Fleet {
  clusters: ClusterSet;
  git: GitServer;
  hub: HubProcess;
  agents: AgentProcess[];
  repoURL: string;
  /** client-node APIs for cluster i. */
  kube(i: number): { core: k8s.CoreV1Api; apps: k8s.AppsV1Api };
  kubectl(i: number, ...args: string[]): string;
  /** Commits to the apps repo and sends the signed push webhook; returns the commit. */
  push(changes: FileChanges, message?: string): Promise<string>;
  app(name: string): Promise<any>;
  createApp(name: string, path: string, cluster: string, namespace: string, syncPolicy: object): Promise<void>;
  waitConnected(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts clusters (by name), the Git server with `files`, the hub and one agent per cluster. */
export async function startFleet(names: string[], files: FileChanges, options: { agentArgs?: string[] } = {}): Promise<Fleet> {
  const [clusters, git] = await Promise.all([startClusters({ count: names.length, names }), startGitServer()]);
  git.createRepo('apps', files);
  const repoURL = `${git.url}/apps.git`;
  const hub = await startHubProcess({ env: { FLOTILLA_WEBHOOK_SECRET: SECRET } });
  const agents: AgentProcess[] = [];
  for (const [i, name] of names.entries()) {
    const added = await hub.api('POST', '/api/v1/clusters', { name });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    agents.push(startAgentProcess(hub.url, added.body.bootstrapToken, clusters.clusters[i]!.kubeconfigPath, undefined, options.agentArgs));
  }
  const fleet: Fleet = {
    clusters, git, hub, agents, repoURL,
    kube(i) {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(clusters.clusters[i]!.kubeconfigPath);
      return { core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api) };
    },
    kubectl(i, ...args) {
      return execFileSync(toolPath('kubectl'), ['--kubeconfig', clusters.clusters[i]!.kubeconfigPath, ...args], { encoding: 'utf8' });
    },
    async push(changes, message = 'update') {
      const commit = git.commit('apps', changes, message);
      const body = JSON.stringify({ ref: 'refs/heads/main', after: commit, repository: { clone_url: repoURL, html_url: repoURL.replace(/\.git$/, '') }, commits: [] });
      const sig = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
      const res = await hub.api('POST', '/api/webhook', body, { 'x-github-event': 'push', 'x-hub-signature-256': sig });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return commit;
    },
    async app(name) {
      return (await hub.api('GET', `/api/v1/applications/${name}`)).body;
    },
    async createApp(name, path, cluster, namespace, syncPolicy) {
      const res = await hub.api('POST', '/api/v1/applications', {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
        spec: { project: 'default', source: { repoURL, path, targetRevision: 'main' }, destination: { name: cluster, namespace }, syncPolicy },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    },
    async waitConnected() {
      await eventually('every agent connected', async () => {
        const list = (await hub.api('GET', '/api/v1/clusters')).body.items;
        return list.every((c: any) => c.info.connectionState.status === 'Successful');
      }, 30_000);
    },
    async stop() {
      for (const a of agents) await a.stop().catch(() => {});
      await hub.stop().catch(() => {});
      await git.close();
      await clusters.stop();
    },
  };
  await fleet.waitConnected();
  return fleet;
}

export { configMapYaml, deploymentYaml } from './manifests.ts';

/** 404 from client-node. */
export const isNotFound = (e: unknown) => (e as { code?: number }).code === 404;
