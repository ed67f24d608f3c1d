// What the API's routes and the gateway share: the store, the repo service, settings, logger.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { RepoService } from '../repo/service.ts';
import type { SecretBox } from '../store/secrets.ts';

/** Settings the hub runs with. */
export interface HubSettings {
  dataDir: string;
  /** The URL agents and the CLI reach the hub at (printed in install commands). */
  externalUrl: string;
  heartbeatIntervalMs: number;
  /** Missed heartbeats before a cluster shows Unknown (and its socket is closed). */
  missedHeartbeats: number;
  bootstrapTokenTtlSeconds: number;
  sessionTtlSeconds: number;
  pollIntervalMs: number;
  maxAgentMessageBytes: number;
  webhookSecrets: { github?: string; gitlab?: string; gitea?: string; bitbucketServer?: string };
}

/** Everything a request handler may use. */
export interface HubContext {
  pool: pg.Pool;
  log: Logger;
  settings: HubSettings;
  secrets: SecretBox;
  repo: RepoService;
  /** Starts a refresh of these applications in the background (errors are logged). */
  refreshInBackground(names: string[]): void;
}
