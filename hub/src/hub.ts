// The hub process put together: store (embedded or DATABASE_URL), migrations, the admin account,
// the repo service and poller, the HTTP API and the agent gateway on one listening socket.
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createLogger, MAX_AGENT_MESSAGE_BYTES, type Logger } from '@flotilla/shared';
import { openDatabase, type Database } from './store/postgres.ts';
import { migrate } from './store/migrate.ts';
import { ensureAdmin } from './store/accounts.ts';
import { loadSecretBox } from './store/secrets.ts';
import { sealPlaintextBundles } from './store/bundles.ts';
import { PasswordHasher } from './store/password-hasher.ts';
import { DEFAULT_LOGIN_SETTINGS } from './api/login.ts';
import { getApplication, listApplications } from './store/applications.ts';
import { RepoService } from './repo/service.ts';
import { missingTool, TOOL_NAMES } from './repo/render/tools.ts';
import { capabilitiesOf } from './store/clusters.ts';
import { DEFAULT_REPO_LIMITS } from './repo/repo-limits.ts';
import { urlPolicyOf } from './repo/url-policy.ts';
import { remotePolicyOf } from './repo/render/remote-sources.ts';
import { Poller } from './repo/poller.ts';
import { AuditRetention, DEFAULT_AUDIT_RETENTION_MS } from './store/audit-retention.ts';
import { buildApi } from './api/server.ts';
import type { HubContext, HubSettings } from './api/context.ts';
import { Gateway } from './gateway/server.ts';
import { ParentDriver } from './controllers/parent-driver.ts';
import { pruneChanges } from './store/change-feed.ts';
import { FEED_DEFAULTS } from './api/stream/feed-reader.ts';
import { loadServerTls, selfSignedHosts, type ServerTls, type TlsSource } from './tls/server-tls.ts';

/** How to run a hub. */
export interface HubOptions extends Partial<Omit<HubSettings, 'dataDir' | 'tls' | 'hubFingerprint'>> {
  dataDir: string;
  databaseUrl?: string;
  /** host:port to listen on (port 0: any free port). */
  listen?: string;
  /** Serve HTTPS with these files, or with a certificate generated into the data directory. */
  tls?: TlsSource;
  log?: Logger;
}

/** A running hub. */
export interface Hub {
  url: string;
  api: FastifyInstance;
  /** The certificate served, when HTTPS. */
  tls?: ServerTls;
  ctx: HubContext;
  gateway: Gateway;
  database: Database;
  /** The initial admin password, when this start created the admin account. */
  initialPassword?: string;
  close(): Promise<void>;
}

/** Starts a hub and resolves once it listens. */
export async function startHub(options: HubOptions): Promise<Hub> {
  const log = options.log ?? createLogger('flotilla-hub');
  mkdirSync(options.dataDir, { recursive: true });
  // The certificate is checked (or generated) before anything starts: a wrong path fails fast.
  const tls = options.tls ? loadServerTls(options.tls, options.dataDir, selfSignedHosts(splitListen(options.listen ?? '127.0.0.1:8080')[0], options.externalUrl, hostname())) : undefined;
  const database = await openDatabase({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, log });
  try {
    const applied = await migrate(database.pool);
    if (applied.length) log.info({ applied }, 'schema migrated');
    const login = options.login ?? DEFAULT_LOGIN_SETTINGS;
    const passwords = new PasswordHasher({ params: login.scrypt, maxConcurrent: login.maxConcurrentHashes, maxQueued: login.maxQueuedHashes });
    const initialPassword = await ensureAdmin(database.pool, passwords, options.dataDir);
    const secrets = loadSecretBox(options.dataDir);
    // Bundles stored before encryption at rest (migration 007) are sealed once, before anything serves them.
    const sealedBundles = await sealPlaintextBundles(database.pool, secrets);
    if (sealedBundles) log.info({ bundles: sealedBundles }, 'encrypted the bundles stored in plaintext before migration 007');
    const [host, port] = splitListen(options.listen ?? '127.0.0.1:8080');
    const settings: HubSettings = {
      dataDir: options.dataDir,
      externalUrl: options.externalUrl ?? '',
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 10_000,
      missedHeartbeats: options.missedHeartbeats ?? 3,
      bootstrapTokenTtlSeconds: options.bootstrapTokenTtlSeconds ?? 3600,
      sessionTtlSeconds: options.sessionTtlSeconds ?? 24 * 3600,
      pollIntervalMs: options.pollIntervalMs ?? 180_000,
      maxAgentMessageBytes: options.maxAgentMessageBytes ?? MAX_AGENT_MESSAGE_BYTES,
      webhookSecrets: options.webhookSecrets ?? {},
      repoAllowList: options.repoAllowList ?? [],
      remoteSources: options.remoteSources ?? [],
      repoMaxFetchBytes: options.repoMaxFetchBytes ?? DEFAULT_REPO_LIMITS.maxFetchBytes,
      repoMaxFileBytes: options.repoMaxFileBytes ?? DEFAULT_REPO_LIMITS.maxFileBytes,
      repoMaxBundleBytes: options.repoMaxBundleBytes ?? DEFAULT_REPO_LIMITS.maxBundleBytes,
      kustomizeBuildOptions: options.kustomizeBuildOptions ?? [],
      renderTimeoutMs: options.renderTimeoutMs ?? 90_000,
      trustProxy: options.trustProxy ?? false,
      auditRetentionMs: options.auditRetentionMs ?? DEFAULT_AUDIT_RETENTION_MS,
      tls: tls !== undefined,
      ...(tls?.selfSigned ? { hubFingerprint: tls.fingerprint } : {}),
      login,
      ...(options.sso ? { sso: options.sso } : {}),
    };
    const repo = new RepoService({
      pool: database.pool, log: log.child({ component: 'repo' }), cacheDir: join(options.dataDir, 'git'), secrets,
      policy: urlPolicyOf(settings.repoAllowList),
      limits: { maxFetchBytes: settings.repoMaxFetchBytes, maxFileBytes: settings.repoMaxFileBytes, maxBundleBytes: settings.repoMaxBundleBytes },
      // A tool may print twice the bundle limit (YAML is wordier than the JSON a bundle is measured in).
      render: {
        kustomizeBuildOptions: settings.kustomizeBuildOptions, bounds: { timeoutMs: settings.renderTimeoutMs, maxOutputBytes: 2 * settings.repoMaxBundleBytes },
        // Remote value files and Kustomize bases (render/remote-sources.ts): only with hosts listed.
        ...(settings.remoteSources.length ? { remoteSources: { policy: remotePolicyOf(settings.remoteSources), maxFileBytes: settings.repoMaxFileBytes } } : {}),
      },
      capabilitiesOf: (clusterId) => capabilitiesOf(database.pool, clusterId),
    });
    log.info({ tools: repo.tools, kustomizeBuildOptions: settings.kustomizeBuildOptions }, 'render tools');
    for (const missing of TOOL_NAMES.filter((t) => !repo.tools[t])) log.warn({ tool: missing }, missingTool(missing));
    const ctx: HubContext = {
      pool: database.pool,
      log,
      settings,
      secrets,
      passwords,
      repo,
      recheckParent: (name) => parents.recheck(name),
      refreshInBackground(names) {
        if (!names.length) return;
        void (async () => {
          const apps = (await Promise.all(names.map((n) => getApplication(database.pool, n)))).filter((a) => a !== undefined && !a.deletion);
          if (apps.length) await repo.refresh(apps as NonNullable<(typeof apps)[number]>[]);
        })().catch((error: unknown) => log.error({ err: error, apps: names }, 'background refresh failed'));
      },
    };
    const parents = new ParentDriver({ pool: database.pool, secrets }, (names) => ctx.refreshInBackground(names), log.child({ component: 'app-of-apps' }));
    const gateway = new Gateway({
      pool: database.pool,
      databaseUrl: database.url,
      log,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      missedHeartbeats: settings.missedHeartbeats,
      maxMessageBytes: settings.maxAgentMessageBytes,
      // A cluster upgraded or given new APIs renders differently (.Capabilities): refresh its applications.
      // A child's report may let its parent's next sync wave start.
      onOwnedStatus: (parent) => parents.continue(parent),
      onCapabilitiesChanged: (clusterId) => void listApplications(database.pool, { clusterId }).then(
        (apps) => ctx.refreshInBackground(apps.map((a) => a.name)),
        (error: unknown) => log.error({ err: error, cluster: clusterId }, 'cannot list the applications of a cluster whose capabilities changed'),
      ),
    });
    ctx.agentSession = (clusterId) => gateway.sessionOf(clusterId);
    const api = await buildApi(ctx, () => gateway.connectedClusters, tls);
    await gateway.attach(api.server);
    await api.listen({ host, port });
    const address = api.server.address();
    const url = `${tls ? 'https' : 'http'}://${host}:${typeof address === 'object' && address ? address.port : port}`;
    if (!settings.externalUrl) settings.externalUrl = url;
    const poller = new Poller(database.pool, repo, log.child({ component: 'poller' }), settings.pollIntervalMs);
    poller.start();
    const auditRetention = new AuditRetention(database.pool, settings.auditRetentionMs, log.child({ component: 'audit' }));
    auditRetention.start();
    // The change feed the streams read is pruned whether or not a stream is open on this replica.
    const feedLog = log.child({ component: 'change-feed' });
    const feedPrune = setInterval(() => void pruneChanges(database.pool, FEED_DEFAULTS.maxAgeMs, FEED_DEFAULTS.maxRows).catch((error: unknown) => feedLog.warn({ err: error }, 'pruning the change feed failed')), FEED_DEFAULTS.pruneEveryMs);
    feedPrune.unref();
    if (initialPassword) log.info({ url }, 'created the admin account; its initial password is in the data directory (flotilla admin initial-password)');
    if (tls) log.info({ certificate: tls.certFile, fingerprint: tls.fingerprint, selfSigned: tls.selfSigned, names: tls.subjectAltName, validTo: tls.validTo.toISOString() }, 'serving HTTPS');
    log.info({ url, dataDir: options.dataDir, embeddedPostgres: database.embedded }, 'hub listening');
    let closing: Promise<void> | undefined;
    return {
      url,
      api,
      ...(tls ? { tls } : {}),
      ctx,
      gateway,
      database,
      initialPassword,
      close() {
        closing ??= (async () => {
          await poller.stop();
          clearInterval(feedPrune);
          await auditRetention.stop();
          await parents.close();
          repo.close();
          await gateway.close();
          await api.close();
          await database.stop();
        })();
        return closing;
      },
    };
  } catch (error) {
    await database.stop().catch(() => {});
    throw error;
  }
}

function splitListen(listen: string): [string, number] {
  const i = listen.lastIndexOf(':');
  const host = i > 0 ? listen.slice(0, i) : '127.0.0.1';
  const port = Number(listen.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--listen wants host:port, not ${listen}`);
  return [host, port];
}
