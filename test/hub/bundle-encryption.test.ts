// Bundles at rest (issue 14): a rendered Secret's value is nowhere in the bundles table, yet the
// agent whose cluster runs the app downloads it in the clear and can check its key (the hash of its
// manifests alone). A row stored in plaintext before migration 007 is sealed at the next start and
// still served under its old key, which the agent's own bundle cache accepts; a row that does not
// open under the hub's key is a 503 for the agent, healed by a hard refresh.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { bundleKeyOf, contentKey, isBundleKeyValid } from '@flotilla/shared';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { loadSecretBox } from '../../hub/src/store/secrets.ts';
import { sealBundle } from '../../hub/src/store/bundle-seal.ts';
import { BundleCache } from '../../agent/src/link/bundles.ts';
import { FileBackend } from '../../agent/src/link/backend.ts';
import { StateStore } from '../../agent/src/link/state.ts';

const PASSWORD = 'swordfish-7f3a9c-at-rest';
const LEGACY_PASSWORD = 'legacy-plaintext-91bd2e';
const secretYaml = (name: string, password: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\nstringData:\n  password: "${password}"\n`;
/** Every form a value could take in the text of a row: as written, base64 (Secret data), hex (bytea's text form). */
const formsOf = (value: string) => [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('hex')];

describe('bundles encrypted at rest', () => {
  let t: TestHub;
  let git: GitServer;
  let agent: TestAgent;
  let credential: string;
  let bundleKey: string;
  const get = (key: string) => fetch(`${t.hub.url}/api/v1/agent/bundles/${key}`, { headers: { authorization: `Bearer ${credential}` } });
  const tableText = async () => (await t.hub.ctx.pool.query<{ row: string }>('SELECT b::text AS row FROM bundles b')).rows.map((r) => r.row).join('\n');

  before(async () => {
    git = await startGitServer();
    git.createRepo('secrets', { 'app/db.yaml': secretYaml('db', PASSWORD) });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    const added = await t.api('POST', '/api/v1/clusters', { name: 'vault' });
    agent = await connectAgent(t.hub.url, added.body.bootstrapToken);
    agent.hello(0);
    const registered = await agent.next('registered');
    credential = registered.credential;
    const created = await t.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'db' },
      spec: { project: 'default', source: { repoURL: `${git.url}/secrets.git`, path: 'app', targetRevision: 'main' }, destination: { name: 'vault', namespace: 'db' } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    bundleKey = await eventually('rendered', async () => (await t.api('GET', '/api/v1/applications/db')).body.status.bundle);
  });
  after(async () => {
    agent?.close();
    await t?.stop(true);
    await git?.close();
  });

  it('stores no plaintext: the Secret value is in no column of the bundles table', async () => {
    const text = await tableText();
    assert.ok(text.includes(bundleKey), 'the row is there');
    for (const form of formsOf(PASSWORD)) assert.ok(!text.includes(form), `the bundles table shows ${form}`);
    const row = (await t.hub.ctx.pool.query('SELECT manifests, sealed, size_bytes FROM bundles WHERE key = $1', [bundleKey])).rows[0];
    assert.equal(row.manifests, null);
    assert.ok(Buffer.isBuffer(row.sealed) && row.sealed.length > 28);
    assert.ok(row.size_bytes > 0);
  });

  it("serves the agent its bundle in the clear, keyed by the hash of its manifests alone", async () => {
    const res = await get(bundleKey);
    assert.equal(res.status, 200);
    const bundle = await res.json() as { key: string; manifests: any[] };
    assert.equal(bundle.key, bundleKey);
    assert.equal(bundle.manifests[0].stringData.password, PASSWORD);
    assert.equal(bundleKeyOf(bundle.manifests), bundleKey);
    assert.ok(isBundleKeyValid(bundle));
  });

  it('seals a plaintext row from before migration 007 at the next start, and serves it under its old key to a real bundle cache', async () => {
    // A bundle as a hub before issue 14 stored it: keyed by inputs and manifests, plaintext jsonb.
    const manifests = [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: LEGACY_PASSWORD } }];
    const inputs = { repoURL: git.url.replace(/^https?:\/\//, '') + '/secrets', commit: git.revParse('secrets', 'main'), path: 'app', params: { type: 'directory', recurse: false, include: '', exclude: '' } };
    const legacyKey = contentKey({ ...inputs, manifests });
    await t.hub.ctx.pool.query('INSERT INTO bundles (key, manifests, size_bytes) VALUES ($1, $2, 1)', [legacyKey, JSON.stringify({ inputs, manifests })]);
    await t.hub.ctx.pool.query('UPDATE applications SET bundle_key = $1 WHERE name = $2', [legacyKey, 'db']);
    assert.ok((await tableText()).includes(LEGACY_PASSWORD), 'plaintext before the restart');

    agent.close();
    await t.stop();
    t = await startTestHub({ dataDir: t.dataDir, pollIntervalMs: 3_600_000 });
    const text = await tableText();
    for (const form of [...formsOf(LEGACY_PASSWORD), ...formsOf(PASSWORD)]) assert.ok(!text.includes(form), `after the restart the bundles table shows ${form}`);
    const row = (await t.hub.ctx.pool.query('SELECT manifests, sealed FROM bundles WHERE key = $1', [legacyKey])).rows[0];
    assert.equal(row.manifests, null);
    assert.ok(Buffer.isBuffer(row.sealed));

    // The agent's own cache downloads it from the hub and verifies the old key.
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-agent-state-'));
    const store = new StateStore(new FileBackend(dir));
    await store.load(t.hub.url);
    const cache = new BundleCache(store, t.hub.url, () => credential);
    const got = await cache.get(legacyKey);
    assert.deepEqual(got.manifests, manifests);
    assert.deepEqual(cache.stats, { fetched: 1, fromStore: 0 });
    // A start with nothing left to seal changes nothing.
    await t.stop();
    t = await startTestHub({ dataDir: t.dataDir, pollIntervalMs: 3_600_000 });
    assert.deepEqual((await t.hub.ctx.pool.query('SELECT sealed FROM bundles WHERE key = $1', [legacyKey])).rows[0].sealed, row.sealed);
  });

  it('a row that does not open under the hub key is a 503 with a reason, and a hard refresh heals it', async () => {
    await t.hub.ctx.pool.query('UPDATE applications SET bundle_key = $1 WHERE name = $2', [bundleKey, 'db']);
    const stranger = loadSecretBox('/nonexistent', randomBytes(32).toString('base64'));
    const foreign = await sealBundle(stranger, bundleKey, { manifests: [{ kind: 'Secret' }] });
    await t.hub.ctx.pool.query('UPDATE bundles SET sealed = $2 WHERE key = $1', [bundleKey, foreign]);
    const refused = await get(bundleKey);
    assert.equal(refused.status, 503);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /cannot be read by the hub/);

    const refreshed = await t.api('POST', '/api/v1/applications/db/refresh?hard=true');
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    const healed = await eventually('the row sealed again', async () => {
      const res = await get(bundleKey);
      return res.status === 200 ? await res.json() as { manifests: any[] } : undefined;
    });
    assert.equal(healed.manifests[0].stringData.password, PASSWORD);
  });
});
