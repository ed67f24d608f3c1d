// One benchmark's world: real clusters, a Git server, a hub process (embedded PostgreSQL) and one
// agent process per cluster, wired the way a user wires them (register, bootstrap token, agent),
// plus the calls every benchmark makes: the webhook, an application's status, kubectl, clients.
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as k8s from '@kubernetes/client-node';
import { startClusters, toolPath, type ClusterSet } from '../cluster/index.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { startHubProcess, startAgentProcess, type AgentProcess, type HubProcess } from '../support/processes.ts';
import { eventually } from '../support/hub.ts';
import type { BenchOptions, BenchResult } from './report.ts';

export const WEBHOOK_SECRET = 'bench-webhook-secret';

/** Kubernetes API clients for one cluster. */
export interface Kube {
  config: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
}

/** A running world; stop() takes it down (and keeps the logs when asked to). */
export interface BenchEnv {
  git: GitServer;
  clusters: ClusterSet;
  hub: HubProcess;
  agents: AgentProcess[];
  /** The URL of a repo on the Git server. */
  repoURL(repo: string): string;
  kube(cluster?: number): Kube;
  /** Runs the built kubectl against a cluster (without blocking the event loop); answers its wall time. */
  kubectl(cluster: number, ...args: string[]): Promise<{ ms: number; stdout: string }>;
  /** Sends a GitHub push webhook for a commit of a repo. */
  webhook(repo: string, commit: string): Promise<void>;
  /** Creates an Argo CD Application on the hub. */
  createApp(app: object): Promise<void>;
  /** An application as the hub presents it. */
  app(name: string): Promise<any>;
  /** Where to look when something went wrong. */
  logs(): string[];
  stop(keepLogs: boolean): Promise<void>;
}

/** An Argo CD Application with a directory source. */
export function application(name: string, repoURL: string, path: string, cluster: string, namespace: string, syncPolicy: object): object {
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
    spec: { project: 'default', source: { repoURL, path, targetRevision: 'main' }, destination: { name: cluster, namespace }, syncPolicy },
  };
}

/** Starts clusters and the Git server in parallel, then the hub, then one registered agent per cluster. */
export async function startEnv(options: { clusters: string[]; repos: Record<string, Record<string, string>>; nodesPerCluster?: number }): Promise<BenchEnv> {
  const [clusterSet, git] = await Promise.all([
    startClusters({ count: options.clusters.length, names: options.clusters, nodesPerCluster: options.nodesPerCluster }),
    startGitServer(),
  ]);
  let hub: HubProcess | undefined;
  const agents: AgentProcess[] = [];
  const stopAll = async () => {
    for (const a of agents) await a.stop().catch(() => {});
    await hub?.stop().catch(() => {});
    await git.close();
    await clusterSet.stop();
  };
  try {
    for (const [name, files] of Object.entries(options.repos)) git.createRepo(name, files);
    hub = await startHubProcess({ env: { FLOTILLA_WEBHOOK_SECRET: WEBHOOK_SECRET, FLOTILLA_LOG_LEVEL: 'info' } });
    for (const [i, name] of options.clusters.entries()) {
      const added = await hub.api('POST', '/api/v1/clusters', { name });
      if (added.status !== 201) throw new Error(`registering ${name}: ${JSON.stringify(added.body)}`);
      agents.push(startAgentProcess(hub.url, added.body.bootstrapToken, clusterSet.clusters[i]!.kubeconfigPath));
    }
    const h = hub;
    await eventually('every agent connected', async () => {
      const list = (await h.api('GET', '/api/v1/clusters')).body.items;
      return list.length === options.clusters.length && list.every((c: any) => c.info.connectionState.status === 'Successful');
    }, 60_000, 100);
  } catch (error) {
    await stopAll();
    throw error;
  }
  const theHub = hub;
  const kubes = new Map<number, Kube>();
  return {
    git,
    clusters: clusterSet,
    hub: theHub,
    agents,
    repoURL: (repo) => `${git.url}/${repo}.git`,
    kube(cluster = 0) {
      let kube = kubes.get(cluster);
      if (!kube) {
        const config = new k8s.KubeConfig();
        config.loadFromFile(clusterSet.clusters[cluster]!.kubeconfigPath);
        kube = { config, core: config.makeApiClient(k8s.CoreV1Api), apps: config.makeApiClient(k8s.AppsV1Api) };
        kubes.set(cluster, kube);
      }
      return kube;
    },
    kubectl(cluster, ...args) {
      const started = performance.now();
      return new Promise((resolve, reject) => {
        execFile(toolPath('kubectl'), ['--kubeconfig', clusterSet.clusters[cluster]!.kubeconfigPath, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
          const ms = performance.now() - started;
          if (error) reject(new Error(`kubectl ${args.join(' ')}: ${stderr || error.message}`));
          else resolve({ ms, stdout });
        });
      });
    },
    async webhook(repo, commit) {
      const repoURL = `${git.url}/${repo}.git`;
      const body = JSON.stringify({ ref: 'refs/heads/main', after: commit, repository: { clone_url: repoURL, html_url: repoURL.replace(/\.git$/, '') }, commits: [] });
      const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
      const res = await theHub.api('POST', '/api/webhook', body, { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': signature });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${JSON.stringify(res.body)}`);
    },
    async createApp(app) {
      const res = await theHub.api('POST', '/api/v1/applications', app);
      if (res.status !== 201) throw new Error(`creating an application answered ${res.status}: ${JSON.stringify(res.body)}`);
    },
    async app(name) {
      const res = await theHub.api('GET', `/api/v1/applications/${name}`);
      if (res.status !== 200) throw new Error(`GET application ${name} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    logs: () => [join(theHub.dataDir, 'hub.log'), ...agents.map((a) => a.logFile)],
    async stop(keepLogs) {
      await stopAll();
      if (!keepLogs) {
        rmSync(theHub.dataDir, { recursive: true, force: true });
        for (const a of agents) rmSync(a.stateDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Runs fn in a fresh world and always takes the world down; when fn throws, the hub and agent logs
 * stay on disk and are named in the result (with --keep-logs they always stay).
 */
export async function withEnv<T>(options: Parameters<typeof startEnv>[0], bench: BenchOptions, result: BenchResult, fn: (env: BenchEnv) => Promise<T>): Promise<T> {
  const env = await startEnv(options);
  let failed = true;
  try {
    const value = await fn(env);
    failed = false;
    return value;
  } finally {
    if (failed || bench.keepLogs) result.logs.push(...env.logs());
    await env.stop(failed || bench.keepLogs).catch((error: unknown) => console.error(`stopping the ${result.name} world failed: ${(error as Error).message}`));
  }
}

/** Polls fn every intervalMs until it answers a truthy value; throws after timeoutMs naming what, the last error and explain(). */
export async function poll<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, intervalMs = 50, explain?: () => string): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = undefined;
    } catch (error) {
      last = error;
    }
    if (performance.now() > deadline) throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}${last ? `: ${(last as Error).message}` : ''}${explain ? ` (last seen: ${explain()})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A short account of an application's status, for error messages. */
export function describeApp(app: any): string {
  const s = app?.status ?? {};
  const conditions = (s.conditions ?? []).map((c: any) => `${c.type}: ${String(c.message).slice(0, 300)}`).join('; ');
  return `sync=${s.sync?.status} health=${s.health?.status} operation=${s.operationState?.phase ?? '-'}${s.operationState?.message ? ` (${String(s.operationState.message).slice(0, 300)})` : ''}${conditions ? ` conditions=[${conditions}]` : ''}`;
}

/** Polls an application until test holds; answers it. The error names the last status seen. */
export async function waitForApp(env: BenchEnv, name: string, what: string, test: (app: any) => boolean, timeoutMs: number, intervalMs = 50): Promise<any> {
  let last: any;
  return poll(`${name}: ${what}`, async () => {
    last = await env.app(name);
    return test(last) ? last : undefined;
  }, timeoutMs, intervalMs, () => describeApp(last));
}
