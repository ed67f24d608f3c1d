// Repository edge cases (issue 13, point 18), against a real Git server: a bare repository whose
// HEAD dangles (initialised on master, only main pushed), a force-pushed branch, a deleted tag an
// application points at, and a 50 MB repository (within the default fetch limit, and over a lower
// one). targetRevision resolves where it can; a revision that is gone, or a repository over a
// limit, is a condition on the application, and its cluster's assignment keeps the last good
// bundle: the cluster's revision does not move, so its agent is told of no change and prunes nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { bundleByKey } from '../../hub/src/store/bundles.ts';

const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@flotilla.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@flotilla.invalid', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

function application(name: string, repoURL: string, targetRevision: string) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name },
    spec: { project: 'default', source: { repoURL, path: 'config', targetRevision }, destination: { name: 'edge', namespace: 'demo' } },
  };
}

/** Runs git in a directory of the Git server (its bare repos are under repos/, the pushing work trees under work/). */
function gitIn(server: GitServer, dir: string, args: string[], input?: Buffer): string {
  return execFileSync('git', args, { cwd: join(server.root, dir), env: { ...process.env, ...GIT_ENV }, input, maxBuffer: 256 * 1024 * 1024 }).toString().trim();
}

/** Adds a commit of `count` random 1 MiB blobs (plus config/) on top of main, written by git fast-import straight into the bare repository. */
function addRandomBlobs(server: GitServer, repo: string, count: number): string {
  const bare = `repos/${repo}.git`;
  const parent = gitIn(server, bare, ['rev-parse', 'refs/heads/main']);
  const message = Buffer.from('50 MB of random blobs\n');
  const parts: Buffer[] = [Buffer.from(`commit refs/heads/main\ncommitter t <t@flotilla.invalid> 1700000000 +0000\ndata ${message.length}\n`), message, Buffer.from(`from ${parent}\n`)];
  for (let i = 0; i < count; i++) {
    const blob = randomBytes(1024 * 1024);
    parts.push(Buffer.from(`M 100644 inline blobs/blob-${i}.bin\ndata ${blob.length}\n`), blob, Buffer.from('\n'));
  }
  gitIn(server, bare, ['-c', 'fastimport.unpackLimit=0', '-c', 'pack.compression=0', '-c', 'core.compression=0', 'fast-import', '--quiet'], Buffer.concat(parts));
  return gitIn(server, bare, ['rev-parse', 'refs/heads/main']);
}

describe('repository edge cases', () => {
  let t: TestHub;
  let git: GitServer;
  let agent: TestAgent;
  before(async () => {
    git = await startGitServer();
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    const added = await t.api('POST', '/api/v1/clusters', { name: 'edge' });
    agent = await connectAgent(t.hub.url, added.body.bootstrapToken);
    agent.hello(0);
    await agent.next('snapshot');
  });
  after(async () => {
    agent.close();
    await t.stop(true);
    await git.close();
  });

  const app = async (name: string) => (await t.api('GET', `/api/v1/applications/${name}`)).body;
  const refresh = async (name: string) => (await t.api('POST', `/api/v1/applications/${name}/refresh`)).body;
  const rendered = (name: string, revision?: string) => eventually(`${name} rendered${revision ? ` at ${revision.slice(0, 7)}` : ''}`, async () => {
    const a = await app(name);
    return a.status.bundle && (!revision || a.status.sync.revision === revision) ? a : undefined;
  }, 60_000);
  const clusterRevision = async () => Number((await t.hub.ctx.pool.query("SELECT revision FROM clusters WHERE name = 'edge'")).rows[0].revision);

  /** The refresh left a condition matching `pattern`, the last good bundle and commit, and no new revision for the cluster. */
  async function assertKept(name: string, good: { bundle: string; revision: string }, pattern: RegExp): Promise<void> {
    const before = await clusterRevision();
    const after = await refresh(name);
    assert.ok(after.status.conditions.some((c: any) => c.type === 'ComparisonError' && pattern.test(c.message)), JSON.stringify(after.status.conditions));
    assert.equal(after.status.bundle, good.bundle);
    assert.equal(after.status.sync.revision, good.revision);
    assert.equal(await clusterRevision(), before, 'the cluster was sent a change');
    const log = await t.hub.ctx.pool.query("SELECT assignment FROM assignment_log WHERE app_name = $1 ORDER BY revision DESC LIMIT 1", [name]);
    assert.equal(log.rows[0].assignment.bundle, good.bundle);
  }

  it('resolves a branch of a repository whose HEAD dangles; HEAD itself is a condition until the branch exists', async () => {
    git.createRepo('dangling', { 'config/cm.yaml': configMap('dangling', 'main') });
    gitIn(git, 'repos/dangling.git', ['symbolic-ref', 'HEAD', 'refs/heads/master']);
    assert.equal((await t.api('POST', '/api/v1/applications', application('on-main', `${git.url}/dangling.git`, 'main'))).status, 201);
    assert.equal((await t.api('POST', '/api/v1/applications', application('on-head', `${git.url}/dangling.git`, 'HEAD'))).status, 201);
    assert.equal((await rendered('on-main', git.revParse('dangling', 'main'))).status.conditions.length, 0);
    const head = await eventually('a HEAD condition', async () => {
      const a = await app('on-head');
      return a.status.conditions.find((c: any) => c.type === 'ComparisonError');
    });
    assert.match(head.message, /HEAD/);
    assert.match(head.message, /name a branch or tag in targetRevision/);
    assert.equal((await app('on-head')).status.bundle, undefined);

    // Once master is pushed, HEAD resolves to it.
    const master = git.commit('dangling', { 'config/cm.yaml': configMap('dangling', 'master') }, 'master', { branch: 'master' });
    await refresh('on-head');
    assert.deepEqual((await rendered('on-head', master)).status.conditions, []);
  });

  it('follows a force-pushed branch to its new, unrelated history', async () => {
    git.createRepo('forced', { 'config/cm.yaml': configMap('forced', 'v1') });
    const first = git.commit('forced', { 'config/cm.yaml': configMap('forced', 'release-1') }, 'release 1', { branch: 'release' });
    assert.equal((await t.api('POST', '/api/v1/applications', application('forced', `${git.url}/forced.git`, 'release'))).status, 201);
    const before = await rendered('forced', first);

    // Rewrite release as an orphan commit with other content and force-push it: the old commit is no ancestor.
    gitIn(git, 'work/forced', ['checkout', '-q', '--orphan', 'rewritten']);
    gitIn(git, 'work/forced', ['rm', '-rq', '--cached', '.']);
    execFileSync('sh', ['-c', `mkdir -p config && printf '%s' "$0" > config/cm.yaml`, configMap('forced', 'rewritten')], { cwd: join(git.root, 'work/forced') });
    gitIn(git, 'work/forced', ['add', 'config/cm.yaml']);
    gitIn(git, 'work/forced', ['commit', '-qm', 'rewritten history']);
    gitIn(git, 'work/forced', ['push', '-qf', 'origin', 'rewritten:refs/heads/release']);
    const rewritten = git.revParse('forced', 'release');
    assert.throws(() => execFileSync('git', ['merge-base', '--is-ancestor', first, rewritten], { cwd: join(git.root, 'repos/forced.git'), stdio: 'ignore' }), 'the old commit is no ancestor');

    const after = await refresh('forced');
    assert.equal(after.status.sync.revision, rewritten);
    assert.deepEqual(after.status.conditions, []);
    assert.notEqual(after.status.bundle, before.status.bundle);
    const bundle = await bundleByKey(t.hub.ctx.pool, t.hub.ctx.secrets, after.status.bundle);
    assert.equal((bundle?.manifests[0] as any).data.value, 'rewritten');
  });

  it('a deleted tag is a condition that keeps the last bundle; the tag pushed again resolves', async () => {
    git.createRepo('tags', { 'config/cm.yaml': configMap('tags', 'v1') });
    const tagged = git.tag('tags', 'v1');
    assert.equal((await t.api('POST', '/api/v1/applications', application('tagged', `${git.url}/tags.git`, 'v1'))).status, 201);
    const good = (await rendered('tagged', tagged)).status;
    const delta = await eventually('the agent told of the bundle', async () => {
      const d = await agent.next('delta');
      return d.changes.find((c) => c.app === 'tagged' && c.assignment?.bundle === good.bundle);
    });
    assert.ok(delta);

    gitIn(git, 'work/tags', ['push', '-q', 'origin', ':refs/tags/v1']);
    await assertKept('tagged', { bundle: good.bundle, revision: tagged }, /targetRevision "v1" is neither a branch, a tag nor a commit SHA/);

    const retagged = git.commit('tags', { 'config/cm.yaml': configMap('tags', 'v1-again') }, 'v1 again');
    git.tag('tags', 'v1');
    const back = await refresh('tagged');
    assert.equal(back.status.sync.revision, retagged);
    assert.deepEqual(back.status.conditions, []);
  });

  it('fetches a 50 MB repository within the default fetch limit', async () => {
    git.createRepo('big', { 'config/cm.yaml': configMap('big', 'small') });
    const started = Date.now();
    const big = addRandomBlobs(git, 'big', 50);
    const generated = Date.now() - started;
    const packBytes = Number(/size-pack: (\d+)/.exec(gitIn(git, 'repos/big.git', ['count-objects', '-v']))?.[1]) * 1024;
    assert.ok(packBytes >= 50 * 1024 * 1024, `pack of ${packBytes} bytes`);
    assert.equal((await t.api('POST', '/api/v1/applications', application('big', `${git.url}/big.git`, 'main'))).status, 201);
    const fetchStarted = Date.now();
    await rendered('big', big);
    const fetched = Date.now() - fetchStarted;
    console.log(`# 50 MB repository: generated in ${generated} ms, fetched and rendered in ${fetched} ms`);
    assert.ok(fetched < 60_000, `fetch took ${fetched} ms`);
  });

  it('over a lower fetch limit, a 50 MB commit is a condition and the last good bundle stays', async () => {
    const limited = await startTestHub({ pollIntervalMs: 3_600_000, repoMaxFetchBytes: 16 * 1024 * 1024 });
    try {
      assert.equal((await limited.api('POST', '/api/v1/clusters', { name: 'edge' })).status, 201);
      git.createRepo('grows', { 'config/cm.yaml': configMap('grows', 'small') });
      const small = git.revParse('grows', 'main');
      assert.equal((await limited.api('POST', '/api/v1/applications', application('grows', `${git.url}/grows.git`, 'main'))).status, 201);
      const good = await eventually('grows rendered', async () => {
        const a = (await limited.api('GET', '/api/v1/applications/grows')).body;
        return a.status.bundle ? a.status : undefined;
      });
      assert.equal(good.sync.revision, small);

      addRandomBlobs(git, 'grows', 50);
      const revision = async () => Number((await limited.hub.ctx.pool.query("SELECT revision FROM clusters WHERE name = 'edge'")).rows[0].revision);
      const clusterBefore = await revision();
      const after = (await limited.api('POST', '/api/v1/applications/grows/refresh')).body;
      const condition = after.status.conditions.find((c: any) => c.type === 'ComparisonError');
      assert.match(condition?.message ?? '', /the repository download exceeds the hub's limit of 16 MiB \(setting repoMaxFetchBytes\)/);
      assert.equal(after.status.bundle, good.bundle);
      assert.equal(after.status.sync.revision, small);
      assert.equal(await revision(), clusterBefore);
    } finally {
      await limited.stop(true);
    }
  });
});
