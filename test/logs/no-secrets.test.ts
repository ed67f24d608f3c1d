// The suite's log check catches what it must: a secret planted in a log line written through the
// test logger (test/support/secret-ledger.ts), as is or as a Secret's base64, fails it; the same
// secret under a redacted key does not (the product's redaction holds); and a run that recorded no
// secret or logged nothing fails rather than passing vacuously.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLogDir } from './no-secrets.ts';

const ledger = new URL('../support/secret-ledger.ts', import.meta.url).pathname;

/** Runs `script` in a fresh process whose suite log directory is `dir` (with recordSecret and a testLogger named log). */
function inRun(dir: string, script: string): void {
  const code = `import { recordSecret, testLogger } from ${JSON.stringify(ledger)};\nconst log = testLogger('hub-test');\n${script}`;
  execFileSync(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, FLOTILLA_TEST_LOG_DIR: dir, FLOTILLA_TEST_LOG_LEVEL: 'silent' } });
}

describe('the no-secrets check', () => {
  it('finds a planted password and a Secret value in base64, naming where, and not a redacted one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-no-secrets-'));
    inRun(dir, `
      recordSecret('repo password', 'planted-pass-1');
      recordSecret('Secret data', 'planted-db-value');
      recordSecret('admin password', 'redacted-by-key');
      log.info({ password: 'redacted-by-key', repo: { password: 'redacted-by-key' } }, 'login');
      log.debug({ url: 'https://git:planted-pass-1@git.example/a.git' }, 'cloning');
      log.info({ manifest: { data: { pw: Buffer.from('planted-db-value').toString('base64') } } }, 'applying');
    `);
    const result = checkLogDir(dir);
    assert.equal(result.vacuous, undefined);
    assert.equal(result.secrets, 3);
    assert.deepEqual(result.leaks.map((l) => [l.kind, l.form, l.line]), [['repo password', 'as is', 2], ['Secret data', 'base64', 3]]);
    assert.match(result.leaks[0]!.file, /logs\/hub-test-\d+-1\.log$/);
  });

  it('passes a run whose logs hold none of its secrets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-no-secrets-'));
    inRun(dir, `recordSecret('token', 'flt_a_not-logged-anywhere'); log.info({ password: 'flt_a_not-logged-anywhere' }, 'token created');`);
    const result = checkLogDir(dir);
    assert.deepEqual([result.vacuous, result.leaks, result.files], [undefined, [], 1]);
  });

  it('fails vacuous runs: no secret recorded, or nothing logged', () => {
    const none = mkdtempSync(join(tmpdir(), 'flotilla-no-secrets-'));
    inRun(none, `log.info('started');`);
    assert.match(checkLogDir(none).vacuous ?? '', /no secret was recorded/);
    const silent = mkdtempSync(join(tmpdir(), 'flotilla-no-secrets-'));
    inRun(silent, `recordSecret('token', 'flt_a_never-logged');`);
    assert.match(checkLogDir(silent).vacuous ?? '', /nothing was logged/);
  });
});
