// Issue 13, point 5: a hub that cannot start says why at once. The hub exits non-zero within
// seconds with one plain line naming the cause, and the helper `npm run demo` and the tests start
// hubs with (startHubProcess) passes that cause on as soon as the process exits, instead of
// waiting out its minute for /readyz.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHubProcess } from '../support/processes.ts';

const root = new URL('../../', import.meta.url).pathname;
const SOON_MS = 20_000; // a fresh embedded PostgreSQL takes 1-8 s here (2 cores, shared)

function runHub(args: string[]): { status: number | null; stderr: string; ms: number } {
  const t0 = Date.now();
  const run = spawnSync(process.execPath, [join(root, 'hub/bin/flotilla-hub.js'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, FLOTILLA_LOG_LEVEL: 'info' } });
  return { status: run.status, stderr: run.stderr, ms: Date.now() - t0 };
}

describe('a hub that cannot start', () => {
  let scratch: string;
  let taken: Server;
  let port: number;
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'flotilla-start-failure-'));
    chmodSync(scratch, 0o711); // as root, data directories inside a 0700 folder get their PostgreSQL data elsewhere (root-first-run.test.ts)
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as { port: number }).port;
  });
  after(() => {
    taken?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('exits non-zero at once and names the cause when its port is taken', () => {
    const run = runHub(['--listen', `127.0.0.1:${port}`, '--data-dir', join(scratch, 'port')]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`^flotilla-hub could not start: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${port}$`, 'm'));
    assert.ok(run.ms < SOON_MS, `took ${run.ms} ms`);
  });

  it('exits non-zero at once and names the cause when its data directory cannot be made', () => {
    writeFileSync(join(scratch, 'a-file'), '');
    const run = runHub(['--listen', '127.0.0.1:0', '--data-dir', join(scratch, 'a-file', 'hub')]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /^flotilla-hub could not start: ENOTDIR: not a directory, mkdir '.*a-file\/hub'$/m);
    assert.ok(run.ms < SOON_MS, `took ${run.ms} ms`);
  });

  it("is reported by the demo's and tests' hub starter as soon as it exits, with the cause", async () => {
    const t0 = Date.now();
    await assert.rejects(startHubProcess({ dataDir: join(scratch, 'starter'), port }), (error: Error) => {
      assert.match(error.message, /flotilla-hub exited \(code 1\) before it was ready: listen EADDRINUSE: address already in use/);
      return true;
    });
    assert.ok(Date.now() - t0 < SOON_MS, `took ${Date.now() - t0} ms`);
  });
});
