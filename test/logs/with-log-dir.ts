// Runs a command (the test suite) with FLOTILLA_TEST_LOG_DIR set, so every test process writes its
// logs and secret ledger into one directory for test/logs/no-secrets.check.ts; an already set
// directory is kept. Usage: node test/logs/with-log-dir.ts COMMAND [ARGS...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node test/logs/with-log-dir.ts COMMAND [ARGS...]');
  process.exit(2);
}
const dir = process.env.FLOTILLA_TEST_LOG_DIR || mkdtempSync(join(tmpdir(), 'flotilla-test-logs-'));
console.log(`# test logs and secret ledger: ${dir}`);
const run = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, FLOTILLA_TEST_LOG_DIR: dir } });
if (run.error) throw run.error;
process.exit(run.status ?? 1);
