// The bundle cache on a real state directory: bundles are read back verified (keyed by their
// manifests alone, or by inputs and manifests when stored before issue 14), a corrupted copy is not
// used, and retain() drops every bundle no assignment names, from memory and from disk.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleKeyOf, contentKey } from '@flotilla/shared';
import { FileBackend } from './backend.ts';
import { StateStore } from './state.ts';
import { BundleCache, type Bundle } from './bundles.ts';

function bundle(value: string): Bundle {
  const manifests = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { value } }];
  return { key: bundleKeyOf(manifests), manifests };
}

/** A bundle as a hub before issue 14 named it: by its render inputs and manifests together. */
function legacyBundle(value: string): Bundle {
  const inputs = { repoURL: 'git.example/apps', commit: 'a'.repeat(40), path: 'app', params: {} };
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

  it('keeps serving a bundle stored under a key from before issue 14 (inputs and manifests), and counts where bundles came from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-bundles-'));
    const [old, current] = [legacyBundle('old'), bundle('new')];
    assert.notEqual(old.key, bundleKeyOf(old.manifests));
    const first = await cacheIn(dir);
    for (const b of [old, current]) await first.store.write(`bundle-${b.key}`, JSON.stringify(b));
    const { cache } = await cacheIn(dir);
    assert.deepEqual((await cache.get(old.key)).manifests, old.manifests);
    assert.deepEqual((await cache.get(current.key)).manifests, current.manifests);
    await cache.get(current.key); // from memory now
    assert.deepEqual(cache.stats, { fetched: 0, fromStore: 2 });
  });

  it('does not use a stored copy whose content no longer hashes to its key, is not JSON, or names another key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-bundles-'));
    const [a, b, c, d] = [bundle('a'), bundle('b'), legacyBundle('c'), bundle('d')];
    const { store, cache } = await cacheIn(dir);
    await store.write(`bundle-${a.key}`, JSON.stringify({ ...a, manifests: [{ ...a.manifests[0], data: { value: 'tampered' } }] }));
    await store.write(`bundle-${b.key}`, '{"key":');
    // A legacy key with its inputs dropped cannot be checked, so it is not used.
    await store.write(`bundle-${c.key}`, JSON.stringify({ key: c.key, manifests: c.manifests }));
    await store.write(`bundle-${d.key}`, JSON.stringify(a));
    for (const x of [a, b, c, d]) await assert.rejects(cache.get(x.key), /not cached/);
    assert.deepEqual(cache.stats, { fetched: 0, fromStore: 0 });
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
