// One suite run's logs and secrets, so a final check can prove no secret reached a log (issue 16):
// every in-process hub logs at debug into a file of the run's log directory, every hub and agent
// process's log file is listed there, and each password, token and Secret value a test helper
// creates or sends is appended to the ledger. The directory is $FLOTILLA_TEST_LOG_DIR (set for the
// whole suite by test/logs/with-log-dir.ts), else one per test run under the temporary directory.
// The ledger holds test secrets only, in the clear, by design: the check needs them.
import { appendFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type DestinationStream } from 'pino';
import { createLogger, type Logger } from '@flotilla/shared';

/** The ledger's file name inside the log directory (JSON lines: {kind, value}). */
export const LEDGER_FILE = 'secrets.jsonl';
/** The file listing log files written elsewhere (a process's log in its data or state directory), one path a line. */
export const LOG_PATHS_FILE = 'log-paths.txt';
/** Where in-process loggers write, inside the log directory. */
export const LOGS_SUBDIR = 'logs';
/** Values shorter than this are not recorded: they would match by chance (and no generated secret is that short). */
export const MIN_SECRET_LENGTH = 6;

/** Whether this process is part of a test run (node --test, or a run given a log directory); outside one (the demo, benches) nothing is recorded. */
export const ledgerActive = !!(process.env.NODE_TEST_CONTEXT || process.env.FLOTILLA_TEST_LOG_DIR);

let dir: string | undefined;
const recorded = new Set<string>();
let files = 0;

/** This run's log directory (created on first use). */
export function testLogDir(): string {
  if (!dir) {
    // node --test runs each file in a child of one runner: its pid names the run when no wrapper set a directory.
    dir = process.env.FLOTILLA_TEST_LOG_DIR || join(tmpdir(), `flotilla-test-logs-${process.env.NODE_TEST_CONTEXT ? process.ppid : process.pid}`);
    mkdirSync(join(dir, LOGS_SUBDIR), { recursive: true });
  }
  return dir;
}

/** Appends a secret to the ledger (once per process; masks and short values are skipped). */
export function recordSecret(kind: string, value: unknown): void {
  if (!ledgerActive || typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || /^(\*+|\[redacted\])$/.test(value) || recorded.has(value)) return;
  recorded.add(value);
  appendFileSync(join(testLogDir(), LEDGER_FILE), `${JSON.stringify({ kind, value })}\n`);
}

/** Keys whose string values are secrets, in API bodies and fixtures (`tokenId`, `tokens` are not). */
const SECRET_KEY = /(password|token|secret|credential|privatekey|certkey|clientkey)$/i;

/** Records every string under a secret-named key anywhere in a JSON value (an API request or answer). */
export function recordSecretsIn(source: string, value: unknown, depth = 0): void {
  if (depth > 20 || value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && SECRET_KEY.test(key)) recordSecret(`${source}.${key}`, v);
    else recordSecretsIn(source, v, depth + 1);
  }
}

/** Records the values of a Kubernetes Secret manifest (data decoded, and stringData) and each token-shaped string of a text. */
export function recordSecretsInText(source: string, text: string): void {
  for (const token of text.match(/flt_[a-z]_[A-Za-z0-9_-]{16,}/g) ?? []) recordSecret(`${source}.token`, token);
  if (!/^kind:\s*Secret\s*$/m.test(text)) return;
  // Secret fixtures are small YAML: `data:`/`stringData:` blocks of `key: value` lines.
  let block: 'data' | 'stringData' | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\s*)(data|stringData):\s*$/.exec(line);
    if (head) {
      block = head[2] as 'data' | 'stringData';
      continue;
    }
    const entry = /^\s+[\w.-]+:\s*["']?([^"'\s]+)["']?\s*$/.exec(line);
    if (block && entry) recordSecret(`${source}.${block}`, block === 'data' ? Buffer.from(entry[1]!, 'base64').toString('utf8') : entry[1]);
    else if (!/^\s/.test(line)) block = undefined;
  }
}

/** Lists a log file written outside the log directory (a hub or agent process's), for the final check. */
export function recordLogFile(path: string): void {
  if (!ledgerActive) return;
  appendFileSync(join(testLogDir(), LOG_PATHS_FILE), `${path}\n`);
}

/**
 * A logger for an in-process hub or agent: everything from `debug` up into a file of the log
 * directory, and from FLOTILLA_TEST_LOG_LEVEL (default `error`) up on stderr, with the product's
 * redaction (createLogger's). A test that reads what was logged passes its own sink as `capture`
 * (it gets everything from `debug` up too); `stderrLevel` quiets a test whose errors are expected.
 */
export function testLogger(name: string, options: { capture?: DestinationStream; stderrLevel?: string } = {}): Logger {
  const stderrLevel = (options.stderrLevel ?? process.env.FLOTILLA_TEST_LOG_LEVEL ?? 'error') as pino.Level;
  const streams: pino.StreamEntry[] = stderrLevel === ('silent' as pino.Level) ? [] : [{ level: stderrLevel, stream: pino.destination(2) }];
  if (options.capture) streams.push({ level: 'debug', stream: options.capture });
  if (ledgerActive) streams.push({ level: 'debug', stream: pino.destination({ dest: join(testLogDir(), LOGS_SUBDIR, `${name}-${process.pid}-${++files}.log`), sync: true }) });
  if (!options.capture && !ledgerActive) return createLogger(name, stderrLevel);
  return createLogger(name, 'debug', pino.multistream(streams));
}

/** The ledger's entries (for the final check). */
export function readLedger(logDir: string): { kind: string; value: string }[] {
  const file = join(logDir, LEDGER_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { kind: string; value: string });
}

/** The log files listed as written elsewhere (for the final check). */
export function readLogPaths(logDir: string): string[] {
  const file = join(logDir, LOG_PATHS_FILE);
  return existsSync(file) ? [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))] : [];
}

/** Records the secrets a hub keeps in its data directory: the initial admin password, its PostgreSQL password and its sealing key. */
export function recordHubSecrets(dataDir: string): void {
  for (const name of ['initial-admin-password', 'postgres-password', 'secret.key']) {
    const file = join(dataDir, name);
    if (existsSync(file)) recordSecret(`hub ${name}`, readFileSync(file, 'utf8').trim());
  }
}

/** Records the secrets of one API call a test made: its body (JSON or text), its credentials, and the answer's. */
export function recordRequestSecrets(what: string, body: unknown, headers: Record<string, string>, answer: unknown): void {
  if (typeof body === 'string') {
    recordSecretsInText(what, body);
    try {
      recordSecretsIn(what, JSON.parse(body));
    } catch {
      // YAML or text: the token shapes above are all it holds
    }
  } else {
    recordSecretsIn(what, body);
  }
  const auth = headers.authorization ?? headers.Authorization;
  if (auth) recordSecret(`${what} authorization`, auth.replace(/^(Bearer|Basic)\s+/i, ''));
  recordSecretsIn(`${what} answer`, answer);
}
