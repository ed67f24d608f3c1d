// The suite's last step (`npm test`, after test:all): nothing the hubs and agents logged during
// the run holds a password, token or Secret value the tests used (test/logs/no-secrets.ts). Needs
// FLOTILLA_TEST_LOG_DIR, set for the whole run by test/logs/with-log-dir.ts.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { checkLogDir } from './no-secrets.ts';

it('no secret used by the suite appears in any hub or agent log', () => {
  const dir = process.env.FLOTILLA_TEST_LOG_DIR;
  assert.ok(dir, 'FLOTILLA_TEST_LOG_DIR is not set: run the suite through test/logs/with-log-dir.ts (npm test)');
  const started = Date.now();
  const result = checkLogDir(dir);
  console.log(`# ${result.secrets} secrets checked against ${result.files} log files (${(result.bytes / 1e6).toFixed(1)} MB) in ${Date.now() - started} ms`);
  assert.equal(result.vacuous, undefined, result.vacuous);
  assert.deepEqual(result.leaks, [], `secrets in logs:\n${result.leaks.map((l) => `  ${l.file}:${l.line}: ${l.kind} (${l.form}, starts ${l.hint})`).join('\n')}`);
});
