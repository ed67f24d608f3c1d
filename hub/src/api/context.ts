// What the API's routes and the gateway share: the store, the repo service, settings, logger.
import type pg from 'pg';
import type { Logger } from 'pino';
import type { RepoService } from '../repo/service.ts';
import type { SecretBox } from '../store/secrets.ts';
import type { PasswordHasher } from '../store/password-hasher.ts';
import type { LoginSettings } from './login.ts';
import type { SsoConfig } from './sso/sso-config.ts';
import type { AgentSession } from '../gateway/session.ts';

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
  /** Host globs and CIDRs repositories may be fetched from (FLOTILLA_REPO_ALLOW); empty: any host but link-local and metadata addresses. */
  repoAllowList: string[];
  /** Host globs and CIDRs remote Helm value files and Kustomize bases may come from (FLOTILLA_REMOTE_SOURCES); empty: refused. */
  remoteSources: string[];
  /** Bytes one repository fetch may download, one manifest file may hold, one rendered bundle may take (repo/repo-limits.ts). */
  repoMaxFetchBytes: number;
  repoMaxFileBytes: number;
  repoMaxBundleBytes: number;
  /** Arguments added to every `kustomize build` (Argo CD's `kustomize.buildOptions`, e.g. `--enable-helm`). */
  kustomizeBuildOptions: string[];
  /** Wall time of one render tool run (helm, kustomize, jsonnet) before it is killed and the render fails. */
  renderTimeoutMs: number;
  /** The hub serves HTTPS: session cookies get `Secure`. */
  tls: boolean;
  /** SHA-256 fingerprint of the hub's self-signed certificate, which agents pin (install commands print it). */
  hubFingerprint?: string;
  /** Password hashing and login throttling. */
  login: LoginSettings;
  /** Reverse proxies whose `X-Forwarded-For` names the client (api/trust-proxy.ts): none, or their addresses and CIDRs. */
  trustProxy: false | string[];
  /** How long audit entries are kept (store/audit-retention.ts); 0: forever. */
  auditRetentionMs: number;
  /** OIDC single sign-on (api/sso/sso-config.ts), when configured. */
  sso?: SsoConfig;
}

/** Everything a request handler may use. */
export interface HubContext {
  pool: pg.Pool;
  log: Logger;
  settings: HubSettings;
  secrets: SecretBox;
  /** scrypt for passwords, a few derivations at a time. */
  passwords: PasswordHasher;
  repo: RepoService;
  /** Starts a refresh of these applications in the background (errors are logged). */
  refreshInBackground(names: string[]): void;
  /** Runs an app-of-apps parent's next pass soon: a later sync wave waits (controllers/parent-driver.ts). */
  recheckParent(name: string): void;
  /** The session of a cluster's agent when it is connected to this replica (set once the gateway exists; live resource reads). */
  agentSession?(clusterId: number): AgentSession | undefined;
}
