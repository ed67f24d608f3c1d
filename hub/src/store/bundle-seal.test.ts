// The sealed form of a bundle at rest: it opens to the same body under the same secret key and
// bundle key, holds no plaintext, is smaller than the JSON for repetitive manifests, and fails with
// BundleSealError (never a wrong body) under another secret key, another bundle key, or any byte changed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadSecretBox } from './secrets.ts';
import { BundleSealError, openBundle, sealBundle } from './bundle-seal.ts';

const box = loadSecretBox('/nonexistent', randomBytes(32).toString('base64'));
const other = loadSecretBox('/nonexistent', randomBytes(32).toString('base64'));
const PASSWORD = 'hunter2-correct-horse';
const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: PASSWORD } };
const body = { manifests: [secret, ...Array.from({ length: 200 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { value: 'same text in every object' } }))] };
const KEY = `sha256:${'a'.repeat(64)}`;

describe('sealBundle and openBundle', () => {
  it('round-trips a body, with and without legacy inputs', async () => {
    assert.deepEqual(await openBundle(box, KEY, await sealBundle(box, KEY, body)), body);
    const legacy = { manifests: [secret], inputs: { repoURL: 'git.example/a', commit: 'c'.repeat(40), path: 'p', params: {} } };
    assert.deepEqual(await openBundle(box, KEY, await sealBundle(box, KEY, legacy)), legacy);
  });

  it('holds no plaintext and is gzipped before sealing', async () => {
    const sealed = await sealBundle(box, KEY, body);
    for (const text of [PASSWORD, Buffer.from(PASSWORD).toString('base64'), 'ConfigMap', 'manifests']) {
      assert.ok(!sealed.includes(Buffer.from(text)), `the sealed form shows ${text}`);
    }
    assert.ok(sealed.length * 10 < JSON.stringify(body).length, `${sealed.length} bytes sealed for ${JSON.stringify(body).length} of JSON`);
    assert.notDeepEqual(sealed, await sealBundle(box, KEY, body), 'a fresh IV each time');
  });

  // [case, how the sealed bytes are opened]
  const failures: [string, (sealed: Buffer) => Promise<unknown>][] = [
    ['another secret key', (s) => openBundle(other, KEY, s)],
    ['another bundle key (a sealed body moved onto another row)', (s) => openBundle(box, `sha256:${'b'.repeat(64)}`, s)],
    ['a ciphertext byte flipped', (s) => openBundle(box, KEY, Buffer.concat([s.subarray(0, 40), Buffer.of(s[40]! ^ 1), s.subarray(41)]))],
    ['an unknown format byte', (s) => openBundle(box, KEY, Buffer.concat([Buffer.of(9), s.subarray(1)]))],
    ['cut short', (s) => openBundle(box, KEY, s.subarray(0, 20))],
    ['empty', () => openBundle(box, KEY, Buffer.alloc(0))],
  ];
  for (const [name, open] of failures) {
    it(`fails with BundleSealError: ${name}`, async () => {
      const sealed = await sealBundle(box, KEY, body);
      await assert.rejects(open(sealed), (error: unknown) => error instanceof BundleSealError && /cannot be decrypted/.test(error.message));
    });
  }
});
