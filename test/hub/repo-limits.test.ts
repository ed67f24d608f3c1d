// Size limits on what a repository may cost the hub (issue 13): a manifest file over the per-file
// limit and a rendered bundle over the bundle limit are conditions naming the limit and its
// setting, and the application keeps its last good bundle. (The fetch limit is exercised with a
// 50 MB repository in repo-edge-cases.test.ts.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const KiB = 1024;
const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

function application(name: string, repoURL: string) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: { project: 'default', source: { repoURL, path: 'config', targetRevision: 'main' }, destination: { name: 'edge', namespace: 'demo' } },
  };
}

describe('repository size limits', () => {
  let t: TestHub;
  let git: GitServer;
  before(async () => {
    git = await startGitServer();
    t = await startTestHub({ pollIntervalMs: 3_600_000, repoMaxFileBytes: 64 * KiB, repoMaxBundleBytes: 256 * KiB });
    assert.equal((await t.api('POST', '/api/v1/clusters', { name: 'edge' })).status, 201);
  });
  after(async () => {
    await t.stop(true);
    await git.close();
  });

  /** Renders the repo's first commit, pushes `changes`, refreshes: the condition, with the good bundle and commit kept. */
  async function overLimit(name: string, changes: Record<string, string>): Promise<string> {
    const first = git.createRepo(name, { 'config/cm.yaml': configMap(name, 'small'), 'README.md': 'x'.repeat(100 * KiB) });
    assert.equal((await t.api('POST', '/api/v1/applications', application(name, `${git.url}/${name}.git`))).status, 201);
    const good = await eventually(`${name} rendered`, async () => {
      const a = (await t.api('GET', `/api/v1/applications/${name}`)).body;
      return a.status.bundle ? a.status : undefined;
    });
    assert.equal(good.sync.revision, first);
    git.commit(name, changes, 'grow');
    const after = (await t.api('POST', `/api/v1/applications/${name}/refresh`)).body;
    assert.equal(after.status.bundle, good.bundle);
    assert.equal(after.status.sync.revision, first);
    const condition = after.status.conditions.find((c: any) => c.type === 'ComparisonError');
    assert.ok(condition, JSON.stringify(after.status.conditions));
    return condition.message;
  }

  it('a manifest file over the per-file limit is a condition; a large file that is no manifest is not read', async () => {
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  value: "${'x'.repeat(100 * KiB)}"\n`;
    const message = await overLimit('big-file', { 'config/big.yaml': big });
    assert.match(message, /config\/big\.yaml: the file \(100\.\d KiB\) exceeds the hub's limit of 64 KiB \(setting repoMaxFileBytes\)/);
  });

  it('a rendered bundle over the bundle limit is a condition', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 10; i++) many[`config/cm-${i}.yaml`] = configMap(`cm-${i}`, 'y'.repeat(40 * KiB));
    const message = await overLimit('big-bundle', many);
    assert.match(message, /the rendered bundle \(400\.\d KiB\) exceeds the hub's limit of 256 KiB \(setting repoMaxBundleBytes\)/);
  });
});
