// The CLI config: which server and token win (flags, env, file), URL checks, and a 0600 file.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPath, loadConfig, normalizeServer, resolveTarget, saveConfig } from './config.ts';

describe('cli config', () => {
  const file = { server: 'http://file:1', token: 'flt_s_file', username: 'admin' };
  const cases: [string, Parameters<typeof resolveTarget>, { server?: string; token?: string }][] = [
    ['the file alone', [{}, {}, file], { server: 'http://file:1', token: 'flt_s_file' }],
    ['env over the file', [{}, { FLOTILLA_SERVER: 'http://env:2/', FLOTILLA_AUTH_TOKEN: 'flt_s_env' }, file], { server: 'http://env:2', token: 'flt_s_env' }],
    ['flags over env', [{ server: 'http://flag:3', authToken: 'flt_s_flag' }, { FLOTILLA_SERVER: 'http://env:2', FLOTILLA_AUTH_TOKEN: 'flt_s_env' }, file], { server: 'http://flag:3', token: 'flt_s_flag' }],
    ['nothing anywhere', [{}, {}, {}], { server: undefined, token: undefined }],
  ];
  for (const [name, args, want] of cases) {
    it(name, () => {
      const got = resolveTarget(...args);
      assert.deepEqual({ server: got.server, token: got.token }, want);
    });
  }

  it('accepts only http(s) URLs and drops trailing slashes', () => {
    assert.equal(normalizeServer('https://hub.example.com//'), 'https://hub.example.com');
    assert.throws(() => normalizeServer('hub.example.com'), /is not a URL/);
    assert.throws(() => normalizeServer('ftp://hub'), /not an http\(s\) URL/);
  });

  it('finds the file through FLOTILLA_CONFIG, writes it 0600 and reads it back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-'));
    try {
      const path = configPath({ FLOTILLA_CONFIG: join(dir, 'sub', 'config.json') });
      assert.deepEqual(loadConfig(path), {});
      saveConfig(file, path);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.deepEqual(loadConfig(path), file);
      writeFileSync(path, 'not json');
      assert.throws(() => loadConfig(path), /cannot read the config file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
