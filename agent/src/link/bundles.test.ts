// The bundle cache on a real state directory: bundles are read back verified, a corrupted copy is
// not used, and retain() drops every bundle no assignment names, from memory and from disk.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentKey } from '@flotilla/shared';
import { FileBackend } from './backend.ts';
import { StateStore } from './state.ts';
import { BundleCache, type Bundle } from './bundles.ts';

function bundle(value: string): Bundle {
  const inputs = { repoURL: 'https://git.example/apps.git', commit: 'a'.repeat(40), path: 'app', params: {} };
  const manifests = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { value } }];
  return { key: contentKey({ ...inputs, manifests }), inputs, manifests };
}

async function cacheIn(dir: string) {
  const store = new StateStore(new FileBackend(dir));
  await store.load('http://hub.invalid');
  return { store, cache: new BundleCache(store, 'http://127.0.0.1:9', () => undefined) };
}

describe('BundleCache', () => {
  it('serves stored bundles after a restart, and retain() drops the unnamed ones everywhere', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-bundles-'));
    const [one, two, three] = [bundle('1'), bundle('2'), bundle('3')];
    const first = await cacheIn(dir);
    for (const b of [one, two, three]) await first.store.write(`bundle-${b.key}`, JSON.stringify(b));
    await first.store.update((s) => (s.revision = 7));

    const { store, cache } = await cacheIn(dir);
    assert.deepEqual((await cache.get(one.key)).manifests, one.manifests);
    assert.deepEqual((await store.list('bundle-')).sort(), [one, two, three].map((b) => `bundle-${b.key}`).sort());

    const dropped = await cache.retain((key) => key === two.key);
    assert.deepEqual(dropped.sort(), [one.key, three.key].sort());
    assert.deepEqual(await store.list('bundle-'), [`bundle-${two.key}`]);
    assert.ok(readdirSync(dir).includes('state.json'), 'the state document is not a bundle and stays');
    assert.deepEqual((await cache.get(two.key)).manifests, two.manifests);
    // Dropped from memory too: with no copy on disk and no credential, it cannot be had.
    await assert.rejects(cache.get(one.key), /not cached and the agent has no credential/);
  });

  it('does not use a stored bundle whose content no longer hashes to its key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-bundles-'));
    const b = bundle('x');
    const { store, cache } = await cacheIn(dir);
    await store.write(`bundle-${b.key}`, JSON.stringify({ ...b, manifests: [{ ...b.manifests[0], data: { value: 'tampered' } }] }));
    await assert.rejects(cache.get(b.key), /not cached/);
  });

  it('keeps keys with any characters exactly, one file each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-bundles-'));
    const backend = new FileBackend(dir);
    for (const key of ['bundle-sha256:abc', 'bundle-a/b', 'bundle-%41', 'other']) await backend.write(key, key);
    writeFileSync(join(dir, 'stray.json.tmp'), 'half-written');
    assert.deepEqual((await backend.list('bundle-')).sort(), ['bundle-%41', 'bundle-a/b', 'bundle-sha256:abc']);
    for (const key of await backend.list('bundle-')) assert.equal(await backend.read(key), key);
    await backend.remove('bundle-a/b');
    await backend.remove('bundle-never-written');
    assert.deepEqual((await backend.list('')).sort(), ['bundle-%41', 'bundle-sha256:abc', 'other']);
  });
});
