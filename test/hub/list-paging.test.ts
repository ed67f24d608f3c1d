// Lists that scale (issue 16 §7) through the real HTTP API: `limit` and `continue` page through
// every application exactly once while applications are added; project, cluster, namespace,
// repo, sync, health, label selector and name search filters answer what they say (paged or not);
// a tenant's pages hold only its project's applications and their counts include no other; a
// policy in regex match mode (not decided in SQL) still fills its pages and gives no counts;
// clusters and projects page and filter the same way; the CLI follows `continue` itself.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { runCli } from '../support/cli.ts';
import { createSession } from '../../hub/src/store/accounts.ts';
import { saveStatus } from '../../hub/src/store/status.ts';
import { matchesSelector, parseSelector } from '../../hub/src/api/list-selector.ts';
import { ApiClient } from '../../hub/src/cli/client.ts';
import { childYaml, parent } from '../support/app-of-apps.ts';
import { listAll } from '../../hub/src/cli/list-pages.ts';

const POLICY = `
p, role:team-a-viewer, applications, get, team-a/*, allow
p, role:team-a-viewer, applications, get, team-a/app-01*, deny
p, role:team-a-viewer, projects, get, team-a, allow
p, role:team-a-viewer, clusters, get, edge-1, allow
g, alice, role:team-a-viewer
`;

/** The seed: what each application is, so every filter's answer can be computed here. */
interface Seed {
  name: string;
  project: string;
  cluster: string;
  namespace: string;
  repo: string;
  labels: Record<string, string>;
  sync: string;
  health: string;
  /** Its agent reported on another bundle than the current one: shown OutOfSync whatever it said. */
  stale?: boolean;
}

const SYNC = ['Synced', 'OutOfSync'];
const HEALTH = ['Healthy', 'Degraded', 'Progressing'];
const ENV = ['prod', 'staging', 'dev'];

function seedOf(i: number): Seed {
  const reported = i % 7 !== 0;
  return {
    name: `app-${String(i).padStart(2, '0')}`,
    project: i % 2 ? 'team-b' : 'team-a',
    cluster: `edge-${(i % 3) + 1}`,
    namespace: `ns-${i % 4}`,
    repo: i % 5 === 4 ? 'other' : 'apps',
    labels: { env: ENV[i % 3]!, ...(i % 5 ? { tier: 'web' } : {}) },
    sync: reported ? (i === 2 ? 'OutOfSync' : SYNC[i % 2]!) : 'Unknown',
    health: reported ? HEALTH[i % 3]! : 'Unknown',
    ...(i === 2 ? { stale: true } : {}),
  };
}

const SEEDS = Array.from({ length: 40 }, (_, i) => seedOf(i));

describe('paged and filtered lists', () => {
  let t: TestHub;
  let git: GitServer;
  let dir: string;
  const tokens: Record<string, string> = {};
  const as = (who: string, path: string) => t.api('GET', path, undefined, { token: tokens[who] ?? t.token });
  const names = (body: any): string[] => body.items.map((a: any) => a.metadata?.name ?? a.name);

  // Every page of a list, in order, following metadata.continue.
  async function pages(who: string, path: string, limit: number): Promise<{ items: string[]; metadata: any }[]> {
    const out: { items: string[]; metadata: any }[] = [];
    let token: string | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res = await as(who, `${path}${sep}limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      out.push({ items: names(res.body), metadata: res.body.metadata });
      token = res.body.metadata.continue;
    } while (token);
    return out;
  }

  const application = (s: Pick<Seed, 'name' | 'project' | 'cluster' | 'namespace' | 'repo' | 'labels'>) => ({
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: s.name, labels: s.labels },
    spec: { project: s.project, source: { repoURL: `${git.url}/${s.repo}.git`, path: 'cm' }, destination: { name: s.cluster, namespace: s.namespace } },
  });

  before(async () => {
    git = await startGitServer();
    for (const repo of ['apps', 'other']) git.createRepo(repo, { 'cm/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n' });
    git.createRepo('parents', { 'apps/child.yaml': childYaml(`${git.url}/apps.git`, 'zz-child', 'edge-1') });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    for (const [i, name] of ['edge-1', 'edge-2', 'edge-3'].entries()) {
      assert.equal((await t.api('POST', '/api/v1/clusters', { name, labels: { region: i === 2 ? 'us' : 'eu', ...(i === 0 ? { tier: 'gold' } : {}) } })).status, 201);
    }
    const open = { sourceRepos: ['*'], destinations: [{ name: '*', namespace: '*', server: '*' }] };
    for (const [name, team] of [['team-a', 'a'], ['team-b', 'b'], ['team-c', 'c']]) {
      const res = await t.api('POST', '/api/v1/projects', { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name, labels: { team: team! } }, spec: open });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    for (const seed of SEEDS) {
      const res = await t.api('POST', '/api/v1/applications', application(seed));
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    // Each cluster's agent reports (the gateway's store call): sync and health as seeded; some never report.
    const pool = t.hub.ctx.pool;
    const clusterIds = new Map((await pool.query<{ id: string; name: string }>('SELECT id, name FROM clusters')).rows.map((r) => [r.name, Number(r.id)]));
    for (const s of SEEDS.filter((x) => x.sync !== 'Unknown')) {
      const sync = s.stale ? { status: 'Synced' as const, bundle: 'sha256:an-older-bundle' } : { status: s.sync as 'Synced' };
      const stored = await saveStatus(pool, clusterIds.get(s.cluster)!, s.name, 1, { sync, health: { status: s.health as 'Healthy' }, resources: [], reconciledAt: new Date().toISOString() });
      assert.equal(stored, 'stored');
    }
    for (const name of ['alice', 'bob']) {
      await pool.query("INSERT INTO accounts (name, password_hash) VALUES ($1, 'unused')", [name]);
      tokens[name] = (await createSession(pool, name, 3600)).token;
    }
    const put = await t.api('PUT', '/api/v1/settings/rbac', POLICY, { contentType: 'text/csv' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    dir = mkdtempSync(join(tmpdir(), 'flotilla-list-paging-'));
  });
  after(async () => {
    await t?.stop(true);
    await git?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pages through every application exactly once while applications are added', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let added = 0;
    let first = true;
    do {
      const res = await t.api('GET', `/api/v1/applications?limit=7${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const page = names(res.body);
      token = res.body.metadata.continue;
      assert.ok(page.length <= 7);
      if (token) assert.equal(page.length, 7, 'a page before the last is full');
      if (first) assert.equal(res.body.metadata.remainingItemCount, SEEDS.length - 7);
      first = false;
      seen.push(...page);
      // Between pages, applications are added behind the cursor and ahead of it.
      for (const name of [`aaa-${added}`, `zzz-${added}`]) {
        const made = await t.api('POST', '/api/v1/applications', application({ ...seedOf(0), name, project: 'team-c' }));
        assert.equal(made.status, 201, JSON.stringify(made.body));
      }
      added++;
    } while (token);
    assert.equal(new Set(seen).size, seen.length, `no application twice: ${seen.join(' ')}`);
    for (const s of SEEDS) assert.equal(seen.filter((n) => n === s.name).length, 1, `${s.name} once`);
    assert.ok(!seen.some((n) => n.startsWith('aaa-')), 'nothing from behind the cursor');
    assert.ok(seen.filter((n) => n.startsWith('zzz-')).length >= added - 1, 'what was added ahead of the cursor is listed');
    assert.deepEqual(seen, [...seen].sort(), 'in name order');
    for (let i = 0; i < added; i++) {
      for (const name of [`aaa-${i}`, `zzz-${i}`]) assert.equal((await t.api('DELETE', `/api/v1/applications/${name}?cascade=false`)).status, 200);
    }
  });

  it('answers every application without limit, with empty metadata (Argo CD clients read items)', async () => {
    const res = await t.api('GET', '/api/v1/applications');
    assert.equal(res.status, 200);
    assert.deepEqual(names(res.body), SEEDS.map((s) => s.name));
    assert.deepEqual(res.body.metadata, {});
    // What the filters select by is what the items show.
    assert.deepEqual(res.body.items.map((a: any) => `${a.status.sync.status}/${a.status.health.status}`), SEEDS.map((s) => `${s.sync}/${s.health}`));
    // Items are the same objects `GET /applications/:name` answers.
    const one = await t.api('GET', '/api/v1/applications/app-03');
    const listed = res.body.items.find((a: any) => a.metadata.name === 'app-03');
    assert.deepEqual(listed.status.sync, one.body.status.sync);
    assert.deepEqual(listed.status.health, one.body.status.health);
    assert.deepEqual(listed.spec, one.body.spec);
  });

  const selected = (text: string) => {
    const parsed = parseSelector(text);
    assert.ok('requirements' in parsed);
    return (s: Seed) => matchesSelector(s.labels, parsed.requirements);
  };
  // query | which seeds it selects
  const filters: [string, (s: Seed) => boolean][] = [
    ['project=team-a', (s) => s.project === 'team-a'],
    ['project=team-a,team-b', () => true],
    ['cluster=edge-2', (s) => s.cluster === 'edge-2'],
    ['cluster=edge-1,edge-3', (s) => s.cluster !== 'edge-2'],
    ['cluster=nowhere', () => false],
    ['namespace=ns-1', (s) => s.namespace === 'ns-1'],
    ['repo=GIT/other.git', (s) => s.repo === 'other'],
    ['sync=Synced', (s) => s.sync === 'Synced'],
    ['sync=OutOfSync,Unknown', (s) => s.sync !== 'Synced'],
    ['health=Degraded', (s) => s.health === 'Degraded'],
    ['health=Unknown', (s) => s.health === 'Unknown'],
    ['selector=env%3Dprod', selected('env=prod')],
    ['selector=env!%3Dprod', selected('env!=prod')],
    ['selector=!tier', selected('!tier')],
    ['selector=tier,env%20in%20(dev,staging)', selected('tier,env in (dev,staging)')],
    ['selector=env%20notin%20(dev)', selected('env notin (dev)')],
    ['search=P-1', (s) => s.name.includes('p-1')],
    ['search=%25', () => false],
    ['project=team-b&health=Healthy&selector=tier', (s) => s.project === 'team-b' && s.health === 'Healthy' && 'tier' in s.labels],
  ];
  for (const [query, predicate] of filters) {
    it(`filters ?${query}, paged or not`, async () => {
      const path = `/api/v1/applications?${query.replace('GIT', encodeURIComponent(git.url))}`;
      const expected = SEEDS.filter(predicate).map((s) => s.name);
      const whole = await t.api('GET', path);
      assert.equal(whole.status, 200, JSON.stringify(whole.body));
      assert.deepEqual(names(whole.body), expected);
      const paged = await pages('admin', path, 3);
      assert.deepEqual(paged.flatMap((p) => p.items), expected);
      if (paged.length > 1) assert.equal(paged[0]!.metadata.remainingItemCount, expected.length - 3);
    });
  }

  // query | message
  const refused: [string, RegExp][] = [
    ['limit=0', /limit/],
    ['limit=5001', /limit/],
    ['limit=ten', /limit/],
    ['continue=garbage', /invalid continue token/],
    ['sync=Fine', /invalid sync "Fine": one of Synced, OutOfSync, Unknown/],
    ['health=Great', /invalid health "Great"/],
    ['selector=env%20in%20prod', /invalid selector "env in prod": expected "\(" after "in"/],
    ['search=a%00b', /invalid search: it holds a NUL character/],
    ['project=a%00', /invalid project: it holds a NUL character/],
  ];
  for (const [query, message] of refused) {
    it(`refuses ?${query} with a 400 naming it`, async () => {
      const res = await t.api('GET', `/api/v1/applications?${query}`);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'FLT_ERR_INVALID_INPUT');
      assert.match(res.body.error.message, message);
    });
  }

  it("refuses a clusters list's continue token on the applications list", async () => {
    const clusters = await t.api('GET', '/api/v1/clusters?limit=1');
    const res = await t.api('GET', `/api/v1/applications?limit=1&continue=${clusters.body.metadata.continue}`);
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /continues a list of clusters, not of applications/);
  });

  it("gives a tenant full pages of its own applications only, counting none of the others'", async () => {
    const visible = SEEDS.filter((s) => s.project === 'team-a' && !s.name.startsWith('app-01')).map((s) => s.name);
    const paged = await pages('alice', '/api/v1/applications', 4);
    assert.deepEqual(paged.flatMap((p) => p.items), visible);
    assert.equal(paged[0]!.metadata.remainingItemCount, visible.length - 4, 'the count is of what alice may get');
    for (const page of paged.slice(0, -1)) assert.equal(page.items.length, 4);
    // Filters narrow within what the tenant sees; asking for team B's project finds nothing.
    const degraded = await as('alice', '/api/v1/applications?health=Degraded');
    assert.deepEqual(names(degraded.body), SEEDS.filter((s) => s.project === 'team-a' && !s.name.startsWith('app-01') && s.health === 'Degraded').map((s) => s.name));
    const b = await as('alice', '/api/v1/applications?project=team-b&limit=2');
    assert.deepEqual(b.body, { items: [], metadata: {} });
    // An account with no rule gets nothing, and no count.
    assert.deepEqual((await as('bob', '/api/v1/applications?limit=2')).body, { items: [], metadata: {} });
  });

  it('pages clusters and projects, with selectors and search, as the caller may see them', async () => {
    assert.deepEqual((await pages('admin', '/api/v1/clusters', 1)).flatMap((p) => p.items), ['edge-1', 'edge-2', 'edge-3']);
    const first = await t.api('GET', '/api/v1/clusters?limit=1');
    assert.equal(first.body.metadata.remainingItemCount, 2);
    assert.deepEqual(names((await t.api('GET', '/api/v1/clusters?selector=region%3Deu')).body), ['edge-1', 'edge-2']);
    assert.deepEqual(names((await t.api('GET', '/api/v1/clusters?selector=!tier&search=EDGE')).body), ['edge-2', 'edge-3']);
    assert.deepEqual(names((await as('alice', '/api/v1/clusters?limit=5')).body), ['edge-1']);
    const projects = (await pages('admin', '/api/v1/projects', 2)).flatMap((p) => p.items);
    assert.deepEqual(projects, ['default', 'team-a', 'team-b', 'team-c']);
    assert.deepEqual(names((await t.api('GET', '/api/v1/projects?selector=team%20in%20(a,c)')).body), ['team-a', 'team-c']);
    assert.deepEqual(names((await t.api('GET', '/api/v1/projects?search=team-b')).body), ['team-b']);
    assert.deepEqual((await as('alice', '/api/v1/projects?limit=1')).body.items.map((p: any) => p.metadata.name), ['team-a']);
    const bad = await t.api('GET', '/api/v1/projects?selector=%3D');
    assert.equal(bad.status, 400);
  });

  it('follows continue in the CLI: app list with filters, and every page of a list', async () => {
    const client = new ApiClient(t.hub.url, t.token);
    assert.deepEqual((await listAll<any>(client, '/api/v1/applications', { project: 'team-b' }, 3)).map((a) => a.metadata.name), SEEDS.filter((s) => s.project === 'team-b').map((s) => s.name));
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ server: t.hub.url, token: t.token }), { mode: 0o600 });
    const run = await runCli(config, ['app', 'list', '-p', 'team-a', '-l', 'env=prod', '--health', 'Healthy', '--health', 'Degraded', '-o', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const expected = SEEDS.filter((s) => s.project === 'team-a' && s.labels.env === 'prod' && ['Healthy', 'Degraded'].includes(s.health)).map((s) => s.name);
    assert.ok(expected.length > 0);
    assert.deepEqual(JSON.parse(run.stdout).map((a: any) => a.metadata.name), expected);
    const clusters = await runCli(config, ['cluster', 'list', '-l', 'region=us', '-o', 'json']);
    assert.equal(clusters.code, 0, clusters.stderr);
    assert.deepEqual(JSON.parse(clusters.stdout).map((c: any) => c.name), ['edge-3']);
    const wrong = await runCli(config, ['app', 'list', '--sync', 'Fine']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /invalid sync "Fine"/);
  });

  it("filters an application the hub applies (app of apps) by the hub's roll-up of its children", async () => {
    const made = await t.api('POST', '/api/v1/applications', parent('root', `${git.url}/parents.git`, 'apps'));
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const got = (await t.api('POST', '/api/v1/applications/root/refresh')).body;
    const { sync, health } = { sync: got.status.sync.status, health: got.status.health.status };
    const otherSync = sync === 'Synced' ? 'OutOfSync' : 'Synced';
    assert.deepEqual(names((await t.api('GET', '/api/v1/applications?cluster=hub')).body), ['root']);
    const listed = (await t.api('GET', `/api/v1/applications?sync=${sync}&health=${health}`)).body;
    assert.ok(names(listed).includes('root'), `root (${sync}, ${health}) is listed`);
    assert.deepEqual(listed.items.find((a: any) => a.metadata.name === 'root').status.sync.status, sync);
    assert.ok(!names((await t.api('GET', `/api/v1/applications?sync=${otherSync}`)).body).includes('root'));
    // A page before it gives no count: the hub's roll-up is not known in SQL.
    const expected = SEEDS.filter((x) => x.sync === sync).map((x) => x.name);
    assert.ok(expected.length > 2, `${sync}: ${expected.length} seeds`);
    const first = await t.api('GET', `/api/v1/applications?sync=${sync}&limit=1`);
    assert.ok(first.body.metadata.continue);
    assert.equal(first.body.metadata.remainingItemCount, undefined);
    assert.deepEqual((await pages('admin', `/api/v1/applications?sync=${sync}`, 2)).flatMap((p) => p.items), [...expected, 'root']);
    assert.equal((await t.api('DELETE', '/api/v1/applications/root?cascade=false')).status, 200);
  });

  it('fills pages under a regex-mode policy (decided by the enforcer, not SQL) and gives no counts', async () => {
    const put = await t.api('PUT', '/api/v1/settings/rbac', { data: { 'policy.csv': 'p, admin, .*, .*, .*, allow\np, role:r, applications, get, team-a/app-(0[0-9]|2[0-9]), allow\ng, alice, role:r\n', 'policy.matchMode': 'regex' } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const visible = SEEDS.filter((s) => s.project === 'team-a' && /^app-(0\d|2\d)$/.test(s.name)).map((s) => s.name);
    const paged = await pages('alice', '/api/v1/applications', 3);
    assert.deepEqual(paged.flatMap((p) => p.items), visible);
    for (const page of paged.slice(0, -1)) {
      assert.equal(page.items.length, 3);
      assert.equal(page.metadata.remainingItemCount, undefined, 'no count when SQL did not decide');
    }
  });
});
