// The hub process put together: store (embedded or DATABASE_URL), migrations, the admin account,
// the repo service and poller, the HTTP API and the agent gateway on one listening socket.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createLogger, MAX_AGENT_MESSAGE_BYTES, type Logger } from '@flotilla/shared';
import { openDatabase, type Database } from './store/postgres.ts';
import { migrate } from './store/migrate.ts';
import { ensureAdmin } from './store/accounts.ts';
import { loadSecretBox } from './store/secrets.ts';
import { getApplication } from './store/applications.ts';
import { RepoService } from './repo/service.ts';
import { Poller } from './repo/poller.ts';
import { buildApi } from './api/server.ts';
import type { HubContext, HubSettings } from './api/context.ts';
import { Gateway } from './gateway/server.ts';

/** How to run a hub. */
export interface HubOptions extends Partial<Omit<HubSettings, 'dataDir'>> {
  dataDir: string;
  databaseUrl?: string;
  /** host:port to listen on (port 0: any free port). */
  listen?: string;
  log?: Logger;
}

/** A running hub. */
export interface Hub {
  url: string;
  api: FastifyInstance;
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
  const database = await openDatabase({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, log });
  try {
    const applied = await migrate(database.pool);
    if (applied.length) log.info({ applied }, 'schema migrated');
    const initialPassword = await ensureAdmin(database.pool, options.dataDir);
    const secrets = loadSecretBox(options.dataDir);
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
    };
    const repo = new RepoService({ pool: database.pool, log: log.child({ component: 'repo' }), cacheDir: join(options.dataDir, 'git'), secrets });
    const ctx: HubContext = {
      pool: database.pool,
      log,
      settings,
      secrets,
      repo,
      refreshInBackground(names) {
        if (!names.length) return;
        void (async () => {
          const apps = (await Promise.all(names.map((n) => getApplication(database.pool, n)))).filter((a) => a !== undefined && !a.deletion);
          if (apps.length) await repo.refresh(apps as NonNullable<(typeof apps)[number]>[]);
        })().catch((error: unknown) => log.error({ err: error, apps: names }, 'background refresh failed'));
      },
    };
    const gateway = new Gateway({
      pool: database.pool,
      databaseUrl: database.url,
      log,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      missedHeartbeats: settings.missedHeartbeats,
      maxMessageBytes: settings.maxAgentMessageBytes,
    });
    const api = await buildApi(ctx, () => gateway.connectedClusters);
    await gateway.attach(api.server);
    await api.listen({ host, port });
    const address = api.server.address();
    const url = `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
    if (!settings.externalUrl) settings.externalUrl = url;
    const poller = new Poller(database.pool, repo, log.child({ component: 'poller' }), settings.pollIntervalMs);
    poller.start();
    if (initialPassword) log.info({ url }, 'created the admin account; its initial password is in the data directory (flotilla admin initial-password)');
    log.info({ url, dataDir: options.dataDir, embeddedPostgres: database.embedded }, 'hub listening');
    let closing: Promise<void> | undefined;
    return {
      url,
      api,
      ctx,
      gateway,
      database,
      initialPassword,
      close() {
        closing ??= (async () => {
          await poller.stop();
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
