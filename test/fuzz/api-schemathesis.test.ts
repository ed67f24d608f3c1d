// The hub's API fuzzed from its own OpenAPI document by schemathesis (PyPI; installed into a
// cached virtualenv by install-schemathesis.sh, which .ci/run also runs): authenticated as admin,
// a fixed example budget and seed, the not_a_server_error check. Zero 5xx and the hub still ready.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, type TestHub } from '../support/hub.ts';

const INSTALLER = new URL('./install-schemathesis.sh', import.meta.url).pathname;
/** Test cases per operation in the fuzzing phase (the coverage phase adds its own boundary cases). */
const MAX_EXAMPLES = 25;
const SEED = 13;
const RUN_TIMEOUT_MS = 270_000;

/** Runs a command; resolves with its exit code and output, kills it past timeoutMs. */
function run(command: string, args: string[], options: { cwd: string; timeoutMs: number }): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

// A NUL character in a query value reached PostgreSQL, which refuses it in text: found by the run
// below as a 500 (issue 13); kept as rows so that it is checked whatever the seed draws.
describe('values the store cannot hold', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub();
  });
  after(() => t?.stop(true));

  // path | status
  const rows: [string, number][] = [
    ['/api/v1/applications?project=a%00b', 400],
    ['/api/v1/applications?cluster=a%00b', 400],
    ['/api/v1/audit?object=a%00b', 400],
  ];
  for (const [path, status] of rows) {
    it(`GET ${path} → ${status}`, async () => {
      const res = await t.api('GET', path);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'FLT_ERR_INVALID_INPUT');
    });
  }
});

describe('the API under schemathesis', { timeout: 300_000 }, () => {
  let t: TestHub;
  let schemathesis: string;
  let workDir: string;
  before(async () => {
    // Installs it on a machine that never ran .ci/run; a no-op once it is in the cache.
    schemathesis = execFileSync('bash', [INSTALLER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 240_000 }).trim();
    workDir = mkdtempSync(join(tmpdir(), 'flotilla-schemathesis-'));
    t = await startTestHub();
  });
  after(async () => {
    await t?.stop(true);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('answers every generated request without a 5xx, and stays ready', async () => {
    const started = Date.now();
    const result = await run(schemathesis, [
      'run', `${t.hub.url}/api/openapi.json`,
      '--header', `Authorization: Bearer ${t.token}`,
      // Logging out would end the session the run is authenticated with.
      '--exclude-name', 'DELETE /api/v1/session',
      '--exclude-name', 'GET /auth/logout',
      '--checks', 'not_a_server_error',
      '--phases', 'coverage,fuzzing',
      '--max-examples', String(MAX_EXAMPLES),
      '--seed', String(SEED),
      '--suppress-health-check', 'all',
      // Shrinking a failure has no time bound; the unshrunk case is reported as it was sent.
      '--no-shrink',
      '--generation-database', 'none',
      '--request-timeout', '20',
      // One worker: hypothesis on CPython 3.11 hit "AST constructor recursion depth mismatch" with two.
      '--workers', '1',
      '--no-color',
    ], { cwd: workDir, timeoutMs: RUN_TIMEOUT_MS });
    const summary = result.output.split('\n').filter((l) => /generated|passed|failed|error/i.test(l)).slice(-6).join('\n');
    console.log(`# schemathesis ${Math.round((Date.now() - started) / 1000)} s\n${summary.replace(/^/gm, '# ')}`);
    assert.equal(result.timedOut, false, `schemathesis ran over ${RUN_TIMEOUT_MS / 1000} s:\n${result.output.slice(-4000)}`);
    assert.equal(result.code, 0, `schemathesis found failures:\n${result.output.slice(-12_000)}`);
    assert.equal((await fetch(`${t.hub.url}/readyz`)).status, 200);
    // The session it used is still good: nothing it sent logged admin out or broke the store.
    assert.equal((await t.api('GET', '/api/v1/session/userinfo')).status, 200);
  });
});
