// Reading kubeconfig files: contexts, CA and client certificates inline or in files, tokens, and a
// clear refusal of exec plugins.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadKubeconfig } from './kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
writeFileSync(join(dir, 'ca.crt'), 'CA FROM FILE');
writeFileSync(join(dir, 'token'), 'token-from-file\n');
const b64 = (s: string) => Buffer.from(s).toString('base64');

function write(name: string, doc: object): string {
  const path = join(dir, name);
  writeFileSync(path, stringify(doc));
  return path;
}

const config = (user: object, cluster: object = { server: 'https://127.0.0.1:6443/', 'certificate-authority-data': b64('CA INLINE') }) => ({
  apiVersion: 'v1', kind: 'Config', 'current-context': 'main',
  contexts: [{ name: 'main', context: { cluster: 'c', user: 'u' } }, { name: 'other', context: { cluster: 'c2', user: 'u' } }],
  clusters: [{ name: 'c', cluster }, { name: 'c2', cluster: { server: 'https://other:443', 'certificate-authority': 'ca.crt', 'insecure-skip-tls-verify': true } }],
  users: [{ name: 'u', user }],
});

describe('loadKubeconfig', () => {
  it('reads the current context with an inline CA and token', () => {
    const access = loadKubeconfig(write('a.yaml', config({ token: 'abc' })));
    assert.equal(access.server, 'https://127.0.0.1:6443');
    assert.equal(access.ca, 'CA INLINE');
    assert.equal(access.token?.(), 'abc');
  });

  it('reads a named context with a CA file (relative to the kubeconfig) and a token file', () => {
    const access = loadKubeconfig(write('b.yaml', config({ tokenFile: join(dir, 'token') })), 'other');
    assert.equal(access.server, 'https://other:443');
    assert.equal(access.ca, 'CA FROM FILE');
    assert.equal(access.insecure, true);
    assert.equal(access.token?.(), 'token-from-file');
  });

  it('reads a relative tokenFile from the kubeconfig\'s folder, whatever the working directory', () => {
    const access = loadKubeconfig(write('f.yaml', config({ tokenFile: 'token' })));
    const cwd = process.cwd();
    process.chdir(tmpdir());
    try {
      assert.equal(access.token?.(), 'token-from-file');
    } finally {
      process.chdir(cwd);
    }
  });

  it('reads client certificates and basic auth', () => {
    const cert = loadKubeconfig(write('c.yaml', config({ 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') })));
    assert.deepEqual([cert.cert, cert.key, cert.token], ['CERT', 'KEY', undefined]);
    const basic = loadKubeconfig(write('d.yaml', config({ username: 'admin', password: 'pw' })));
    assert.deepEqual(basic.basic, { username: 'admin', password: 'pw' });
  });

  // user | message fragment
  const refusals: [object, string, string | undefined][] = [
    [{ exec: { command: 'aws' } }, 'exec or auth-provider plugin', undefined],
    [{ token: 'x' }, 'no context "missing"', 'missing'],
  ];
  for (const [user, message, context] of refusals) {
    it(`refuses: ${message}`, () => assert.throws(() => loadKubeconfig(write('e.yaml', config(user)), context), new RegExp(message)));
  }
});
