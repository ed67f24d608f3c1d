// `flotilla-hub`: runs the hub until SIGINT/SIGTERM.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@flotilla/shared';
import { startHub } from './hub.ts';

const USAGE = `usage: flotilla-hub [--listen 127.0.0.1:8080] [--data-dir DIR] [--external-url URL] [--poll-interval SECONDS]
  DATABASE_URL=postgres://…  use that PostgreSQL instead of the embedded one
  FLOTILLA_WEBHOOK_SECRET=…    verify Git webhooks (GitHub/Gitea HMAC, GitLab token) with it
  FLOTILLA_SECRET_KEY=…        base64 32-byte key for credentials at rest (else generated in the data dir)`;

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
const seconds = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} wants a positive number of seconds, not ${value}`);
    process.exit(2);
  }
  return n * 1000;
};
const secret = process.env.FLOTILLA_WEBHOOK_SECRET;
try {
  const hub = await startHub({
    listen: parsed.values.listen,
    dataDir: resolve(parsed.values['data-dir']),
    databaseUrl: process.env.DATABASE_URL || undefined,
    externalUrl: parsed.values['external-url'],
    pollIntervalMs: seconds('poll-interval', parsed.values['poll-interval']),
    heartbeatIntervalMs: seconds('heartbeat-interval', parsed.values['heartbeat-interval']),
    webhookSecrets: secret ? { github: secret, gitlab: secret, gitea: secret, bitbucketServer: secret } : {},
    log,
  });
  if (hub.initialPassword) {
    // Shown once, on stdout only (never in the log); `flotilla admin initial-password` reads it later.
    console.log(`admin password: ${hub.initialPassword}  (read it again with: flotilla admin initial-password --data-dir ${resolve(parsed.values['data-dir'])})`);
  }
  const stop = () => {
    log.info('shutting down');
    hub.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  log.fatal({ err: error }, 'the hub could not start');
  process.exit(1);
}
