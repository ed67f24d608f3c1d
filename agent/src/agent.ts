// The agent put together: durable state, the hub link, bundle cache, Kubernetes edge, watches, and
// the reconcile queue. It reconciles from stored state at once, so it works while the hub is away.
import type { ClusterAccess } from './engine/kubeconfig.ts';
import type { Logger } from 'pino';
import type { TlsTrust } from '@flotilla/shared';
import { StateStore } from './link/state.ts';
import { FileBackend, SecretBackend } from './link/backend.ts';
import { BundleCache } from './link/bundles.ts';
import { HubLink } from './link/hub-link.ts';
import { Kube } from './engine/kube.ts';
import { CapabilitiesCache } from './engine/capabilities.ts';
import { FIELD_MANAGER } from './engine/objects.ts';
import { AppQueue } from './engine/queue.ts';
import { Reconciler } from './engine/reconciler.ts';
import { RequeueTimers } from './runtime/requeue-timers.ts';
import { desiredSourceOf, engineStateOf } from './engine-state.ts';
import { Watcher } from './watch/watcher.ts';
import { EventForwarder } from './watch/events.ts';
import type { TreeEntry } from './link/resource-request.ts';

const BUNDLE_GC_DELAY_MS = 10_000;
const CAPABILITIES_REFRESH_MS = 300_000;

/** The agent's version, reported in its hello. */
export const AGENT_VERSION = '0.1.0';

/** How to run an agent. */
export interface AgentOptions {
  hubUrl: string;
  token?: string;
  /** How to reach the cluster (kubeconfig or in-cluster). */
  cluster: ClusterAccess;
  /** Where state is kept: a directory, or Secrets in a namespace (in-cluster). */
  state: { dir: string } | { secretNamespace: string };
  resyncMs?: number;
  /** How to trust an https hub: a CA, a pinned fingerprint (system CAs when absent). */
  tls?: TlsTrust;
  /** Largest bundle downloaded, in bytes (default MAX_BUNDLE_BYTES). */
  maxBundleBytes?: number;
  /** How often the cluster's version and API versions are read again; a change reconnects to report it (default 5 min). */
  capabilitiesRefreshMs?: number;
  log: Logger;
}

/** A running agent. */
export interface Agent {
  link: HubLink;
  queue: AppQueue;
  store: StateStore;
  stop(): Promise<void>;
}

/** Starts an agent: loads its state, reconciles what it has, connects to the hub. */
export async function startAgent(options: AgentOptions): Promise<Agent> {
  const { log } = options;
  const kube = new Kube(options.cluster, FIELD_MANAGER);
  const backend = 'dir' in options.state ? new FileBackend(options.state.dir) : new SecretBackend(kube, options.state.secretNamespace);
  const store = new StateStore(backend);
  await store.load(options.hubUrl);
  // The cluster's version and API versions, for the hub's renders (.Capabilities): read now, kept, read again at most every few minutes.
  const capabilitiesRefreshMs = options.capabilitiesRefreshMs ?? CAPABILITIES_REFRESH_MS;
  const capabilities = new CapabilitiesCache({
    maxAgeMs: capabilitiesRefreshMs,
    load: async () => {
      const { dropped, ...read } = await kube.capabilities();
      if (dropped) log.warn({ dropped, kept: read.apiVersions.length }, 'the cluster serves more API versions than a hello carries; kinds left out');
      return read;
    },
  });
  const first = await capabilities.get();
  if (first.error) log.warn({ err: first.error.message }, 'the cluster API is not reachable yet');
  // One pending requeue per application, the earliest (runtime/requeue-timers.ts).
  const timers = new RequeueTimers((app) => queue.add(app));
  const requeue = (app: string, afterMs: number) => timers.requeue(app, afterMs);
  // Bundles no assignment names any more are dropped a while after assignments change (bursts coalesce).
  let bundleGc: NodeJS.Timeout | undefined;
  const collectBundles = () => {
    if (bundleGc) return;
    bundleGc = setTimeout(() => {
      // A sync to another revision or a rollback applies its operation's bundle: kept while named there or by a run.
      const named = (key: string) => Object.values(store.current.assignments).some((a) => a.bundle === key || a.operation?.bundle === key)
        || Object.values(store.current.runs).some((r) => (r as { bundle?: string } | undefined)?.bundle === key);
      bundles.retain(named).then(
        (dropped) => dropped.length && log.info({ dropped: dropped.length }, 'dropped bundles no assignment names'),
        (error: unknown) => log.warn({ err: (error as Error).message }, 'cannot drop unused bundles'),
      ).finally(() => (bundleGc = undefined));
    }, BUNDLE_GC_DELAY_MS);
  };
  const watcher = new Watcher(kube, log, (app) => queue.add(app));
  const bundles = new BundleCache(store, options.hubUrl, () => store.current.credential, {
    ...(options.maxBundleBytes ? { maxBytes: options.maxBundleBytes } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  });
  const link = new HubLink({
    hubUrl: options.hubUrl,
    token: options.token,
    store,
    log,
    agentVersion: AGENT_VERSION,
    capabilities: async () => (await capabilities.get()).capabilities,
    serverUrl: kube.server,
    ...(options.tls ? { tls: options.tls } : {}),
    // The UI's live resource reads: the handler is loaded on the first one (link/resource-request.ts).
    onResourceGet: async (request) => (await import('./link/resource-request.ts')).answerResourceGet({ inventory: (app) => store.current.inventories[app], tree: (app): readonly TreeEntry[] | undefined => reconciler.tree(app), get: (ref) => kube.get(ref) as Promise<Record<string, unknown> | undefined> }, request),
    onAssignments: (apps) => {
      queue.add(...apps);
      collectBundles();
    },
  });
  const events = new EventForwarder(kube, log, (event, app) => link.reportEvent(event, app));
  events.start();
  const reconciler = new Reconciler({
    kube, watcher, log, requeue, events,
    desired: desiredSourceOf(store, bundles),
    state: engineStateOf(store),
    sink: link,
    clock: { now: () => Date.now() },
  });
  const queue = new AppQueue((app) => reconciler.reconcile(app), 4);
  const all = () => [...new Set([...Object.keys(store.current.assignments), ...Object.keys(store.current.inventories)])];
  queue.add(...all());
  collectBundles();
  link.start();
  const resync = setInterval(() => queue.add(...all()), options.resyncMs ?? 180_000);
  // A cluster upgraded or a CRD installed: the hub hears it through a new hello (a reconnect resumes cheaply).
  const capabilitiesTimer = setInterval(() => {
    if (!link.isConnected) return;
    void capabilities.refresh().then((changed) => changed && link.reconnect('the cluster capabilities changed'));
  }, capabilitiesRefreshMs);
  log.info({ hub: options.hubUrl, state: backend.description, apps: Object.keys(store.current.assignments).length, kubernetesVersion: first.capabilities?.kubeVersion, apiVersions: first.capabilities?.apiVersions.length }, 'agent started');
  return {
    link,
    queue,
    store,
    async stop() {
      clearInterval(resync);
      clearInterval(capabilitiesTimer);
      clearTimeout(bundleGc);
      timers.clear();
      link.stop();
      await queue.stop();
      await watcher.stop();
      await events.stop();
    },
  };
}
