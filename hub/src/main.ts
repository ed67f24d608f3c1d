// `flotilla-hub`: runs the hub until SIGINT/SIGTERM.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@flotilla/shared';
import { startHub } from './hub.ts';
import { parseTrustProxy } from './api/trust-proxy.ts';
import { ssoConfigFromFlags, ssoFlagOptions } from './api/sso/sso-flags.ts';
import { parseExpiresIn } from './accounts/token-expiry.ts';
import type { TlsSource } from './tls/server-tls.ts';

const USAGE = `usage: flotilla-hub [--listen 127.0.0.1:8080] [--data-dir DIR] [--external-url URL] [--poll-interval SECONDS] [--audit-retention 90d]
                    [--tls-cert FILE --tls-key FILE | --tls-self-signed]
  --tls-cert, --tls-key        serve HTTPS with this PEM certificate (chain) and private key
  --tls-self-signed            serve HTTPS with a certificate generated once into DIR/tls (agents pin its fingerprint)
  --oidc-config FILE           OIDC SSO from Argo CD's oidc.config (YAML/JSON, or an argocd-cm ConfigMap); docs/sso.md
  --oidc-issuer URL --oidc-client-id ID --oidc-client-secret-file FILE   OIDC SSO from flags (win over the file)
  --oidc-redirect-url URL      default <external URL>/auth/callback
  --oidc-scopes LIST           default openid,profile,email,groups     --oidc-root-ca FILE   CA of the issuer
  --oidc-name NAME             the login button's name (default SSO)
  FLOTILLA_OIDC_CLIENT_SECRET=…  the client secret (or FLOTILLA_OIDC_<FLAG>=… for any --oidc-* flag)
  --audit-retention DURATION   keep audit entries this long (default 90d; 0 keeps them forever; FLOTILLA_AUDIT_RETENTION)
  DATABASE_URL=postgres://…  use that PostgreSQL instead of the embedded one
  FLOTILLA_WEBHOOK_SECRET=…    verify Git webhooks (GitHub/Gitea HMAC, GitLab token) with it
  FLOTILLA_SECRET_KEY=…        base64 32-byte key for credentials at rest (else generated in the data dir)
  FLOTILLA_REPO_ALLOW=…        fetch repositories only from these host globs and CIDRs (comma-separated)
  FLOTILLA_REMOTE_SOURCES=…    allow Helm value-file URLs and remote Kustomize bases from these host globs and CIDRs (default: refused)
  FLOTILLA_KUSTOMIZE_BUILD_OPTIONS=…  extra \`kustomize build\` arguments for every app (Argo CD's kustomize.buildOptions)
  FLOTILLA_HELM, FLOTILLA_KUSTOMIZE, FLOTILLA_JSONNET=…  the render tools (else the tool cache, else PATH)
  FLOTILLA_KUSTOMIZE_PATHS=v4.5.7=/path,…  more kustomize binaries by version (spec.source.kustomize.version)
  FLOTILLA_RENDER_TIMEOUT=…    seconds one render tool run may take (default 90)
  FLOTILLA_TRUST_PROXY=…       reverse proxies whose X-Forwarded-For names the client: their addresses
                               and CIDRs, comma-separated (default: none)`;

const log = createLogger('flotilla-hub');
let parsed;
try {
  parsed = parseArgs({
    options: {
      listen: { type: 'string', default: process.env.FLOTILLA_LISTEN ?? '127.0.0.1:8080' },
      'data-dir': { type: 'string', default: process.env.FLOTILLA_DATA_DIR ?? join(homedir(), '.local', 'share', 'flotilla', 'hub') },
      'external-url': { type: 'string' },
      'poll-interval': { type: 'string', default: '180' },
      'heartbeat-interval': { type: 'string', default: '10' },
      'audit-retention': { type: 'string', default: process.env.FLOTILLA_AUDIT_RETENTION ?? '90d' },
      'tls-cert': { type: 'string', default: process.env.FLOTILLA_TLS_CERT },
      'tls-key': { type: 'string', default: process.env.FLOTILLA_TLS_KEY },
      'tls-self-signed': { type: 'boolean', default: process.env.FLOTILLA_TLS_SELF_SIGNED === 'true' },
      ...ssoFlagOptions(process.env),
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
/** A positive number of seconds, in ms; `name` is a flag (`--poll-interval`) or an environment variable. */
const seconds = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`${name} wants a positive number of seconds, not ${value}`);
    process.exit(2);
  }
  return n * 1000;
};
/** --audit-retention: a duration (90d, 12h) or seconds; 0 keeps every entry. */
function auditRetentionMs(value: string): number {
  const parsed = parseExpiresIn(value);
  if ('error' in parsed) usage(`--audit-retention ${parsed.error}`);
  return parsed.seconds * 1000;
}
const trustProxy = parseTrustProxy(process.env.FLOTILLA_TRUST_PROXY);
if (!trustProxy.ok) {
  console.error(`FLOTILLA_TRUST_PROXY: ${trustProxy.message}`);
  process.exit(2);
}
const secret = process.env.FLOTILLA_WEBHOOK_SECRET;
let sso;
try {
  sso = ssoConfigFromFlags(parsed.values, process.env);
} catch (error) {
  usage((error as Error).message);
}
const tls = tlsSource(parsed.values['tls-cert'], parsed.values['tls-key'], parsed.values['tls-self-signed']);
try {
  const hub = await startHub({
    listen: parsed.values.listen,
    dataDir: resolve(parsed.values['data-dir']),
    databaseUrl: process.env.DATABASE_URL || undefined,
    externalUrl: parsed.values['external-url'],
    pollIntervalMs: seconds('--poll-interval', parsed.values['poll-interval']),
    heartbeatIntervalMs: seconds('--heartbeat-interval', parsed.values['heartbeat-interval']),
    webhookSecrets: secret ? { github: secret, gitlab: secret, gitea: secret, bitbucketServer: secret } : {},
    repoAllowList: (process.env.FLOTILLA_REPO_ALLOW ?? '').split(/[\s,]+/).filter((e) => e !== ''),
    remoteSources: (process.env.FLOTILLA_REMOTE_SOURCES ?? '').split(/[\s,]+/).filter((e) => e !== ''),
    trustProxy: trustProxy.value,
    auditRetentionMs: auditRetentionMs(parsed.values['audit-retention']),
    kustomizeBuildOptions: (process.env.FLOTILLA_KUSTOMIZE_BUILD_OPTIONS ?? '').split(/\s+/).filter((e) => e !== ''),
    ...(process.env.FLOTILLA_RENDER_TIMEOUT ? { renderTimeoutMs: seconds('FLOTILLA_RENDER_TIMEOUT', process.env.FLOTILLA_RENDER_TIMEOUT) } : {}),
    ...(tls ? { tls } : {}),
    ...(sso ? { sso } : {}),
    log,
  });
  if (hub.initialPassword) {
    // Shown once, on a terminal only: stdout redirected (systemd, a container, a file) is a log, and
    // the password would stay in it. `flotilla admin initial-password` reads it from the data directory.
    const readIt = `flotilla admin initial-password --data-dir ${resolve(parsed.values['data-dir'])}`;
    console.log(process.stdout.isTTY ? `admin password: ${hub.initialPassword}  (read it again with: ${readIt})` : `admin password: not shown (stdout is not a terminal); read it with: ${readIt}`);
  }
  if (hub.tls?.selfSigned) {
    // Agents and the CLI pin this (flotilla cluster add prints it in the install command too).
    console.log(`TLS certificate fingerprint (SHA-256): ${hub.tls.fingerprint}  (${hub.tls.certFile})`);
  }
  const stop = () => {
    log.info('shutting down');
    hub.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  log.fatal({ err: error }, 'the hub could not start');
  // Also one plain line, the first thing a person (or `npm run demo`) reads: why it stopped.
  console.error(`flotilla-hub could not start: ${(error as Error).message}`);
  process.exit(1);
}

/** --tls-cert with --tls-key, or --tls-self-signed, or plain HTTP; anything else is a usage error. */
function tlsSource(cert: string | undefined, key: string | undefined, selfSigned: boolean | undefined): TlsSource | undefined {
  if (selfSigned && (cert || key)) usage('--tls-self-signed generates its own certificate: leave out --tls-cert and --tls-key');
  if (selfSigned) return { selfSigned: true };
  if (cert && key) return { certFile: resolve(cert), keyFile: resolve(key) };
  if (cert || key) usage('--tls-cert and --tls-key go together');
  return undefined;
}

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}
