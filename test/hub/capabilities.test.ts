// A cluster's capabilities (issue 14): what its agent reports at hello (server version, API
// versions) is stored, shown by the API and `flotilla cluster get` as a version and a count, and
// answered whole to the renderer by capabilitiesOf; a hello that changes them refreshes that
// cluster's applications (and only those), one that repeats them does not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, startTestHub, type TestHub } from '../support/hub.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';
import { runCli } from '../support/cli.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { capabilitiesOf, getCluster } from '../../hub/src/store/clusters.ts';
import { readInitialPassword } from '../../hub/src/store/accounts.ts';

const configMap = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  value: "1"\n`;
const V1 = { kubeVersion: 'v1.34.4', apiVersions: ['v1/ConfigMap', 'apps/v1', 'v1', 'apps/v1/Deployment', 'v1'] };

describe('cluster capabilities', () => {
  let t: TestHub;
  let git: GitServer;
  let cliDir: string;
  before(async () => {
    git = await startGitServer();
    git.createRepo('edge-apps', { 'settings/cm.yaml': configMap });
    git.createRepo('core-apps', { 'settings/cm.yaml': configMap });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    cliDir = mkdtempSync(join(tmpdir(), 'flotilla-caps-cli-'));
  });
  after(async () => {
    await t.stop(true);
    await git.close();
    rmSync(cliDir, { recursive: true, force: true });
  });

  const addCluster = async (name: string): Promise<string> => {
    const res = await t.api('POST', '/api/v1/clusters', { name });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.bootstrapToken as string;
  };
  /** Connects with a token (bootstrap or credential), says hello, waits for the welcome. */
  const session = async (token: string, hello: Record<string, unknown>): Promise<{ agent: TestAgent; credential: string }> => {
    const agent = await connectAgent(t.hub.url, token);
    agent.hello(0, hello);
    const credential = token.startsWith('flt_b_') ? (await agent.next('registered')).credential : token;
    await agent.next('welcome');
    return { agent, credential };
  };
  const clusterId = async (name: string) => (await getCluster(t.hub.ctx.pool, name))!.id;
  const createApp = async (name: string, cluster: string, repo: string) => {
    const res = await t.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
      spec: { source: { repoURL: `${git.url}/${repo}.git`, path: 'settings' }, destination: { name: cluster, namespace: 'demo' } },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await eventually(`${name} rendered`, async () => (await t.api('GET', `/api/v1/applications/${name}`)).body.status?.bundle);
  };
  const requests = (repo: string) => git.requests.get(repo) ?? 0;

  it('stores what the agent reports and shows a version and a count; capabilitiesOf answers the list, sorted', async () => {
    const { agent } = await session(await addCluster('reported'), { kubernetesVersion: 'v1.34.4', capabilities: V1 });
    const shown = (await t.api('GET', '/api/v1/clusters/reported')).body;
    assert.deepEqual(shown.info.capabilities, { kubeVersion: 'v1.34.4', apiVersionsCount: 4 });
    assert.equal(shown.info.agent.kubernetesVersion, 'v1.34.4');
    assert.equal(JSON.stringify(shown).includes('apps/v1/Deployment'), false, 'the API shows a count, not the list');
    const listed = (await t.api('GET', '/api/v1/clusters')).body.items.find((c: any) => c.name === 'reported');
    assert.deepEqual(listed.info.capabilities, { kubeVersion: 'v1.34.4', apiVersionsCount: 4 });
    assert.deepEqual(await capabilitiesOf(t.hub.ctx.pool, await clusterId('reported')), { kubeVersion: 'v1.34.4', apiVersions: ['apps/v1', 'apps/v1/Deployment', 'v1', 'v1/ConfigMap'] });

    const config = join(cliDir, 'config.json');
    const login = await runCli(config, ['login', t.hub.url, '--username', 'admin', '--password', readInitialPassword(t.dataDir)!]);
    assert.equal(login.code, 0, login.stderr);
    const get = await runCli(config, ['cluster', 'get', 'reported']);
    assert.equal(get.code, 0, get.stderr);
    assert.match(get.stdout, /^Kubernetes:\s+v1\.34\.4$/m);
    assert.match(get.stdout, /^API Versions:\s+4 /m);
    agent.close();
  });

  it('answers an empty version and list for a cluster whose agent never reported, and a version alone from an older agent', async () => {
    await addCluster('silent');
    assert.deepEqual(await capabilitiesOf(t.hub.ctx.pool, await clusterId('silent')), { kubeVersion: '', apiVersions: [] });
    assert.equal((await t.api('GET', '/api/v1/clusters/silent')).body.info.capabilities, null);

    const { agent } = await session(await addCluster('older'), { kubernetesVersion: 'v1.29.2' });
    assert.deepEqual(await capabilitiesOf(t.hub.ctx.pool, await clusterId('older')), { kubeVersion: 'v1.29.2', apiVersions: [] });
    assert.deepEqual((await t.api('GET', '/api/v1/clusters/older')).body.info.capabilities, { kubeVersion: 'v1.29.2', apiVersionsCount: 0 });
    agent.close();
  });

  it('keeps the stored capabilities when a hello carries none (the agent could not read them in time)', async () => {
    const first = await session(await addCluster('flaky'), { capabilities: V1 });
    first.agent.close();
    await first.agent.closed;
    const second = await session(first.credential, {});
    assert.deepEqual((await capabilitiesOf(t.hub.ctx.pool, await clusterId('flaky'))).kubeVersion, 'v1.34.4');
    assert.equal((await t.api('GET', '/api/v1/clusters/flaky')).body.info.agent.kubernetesVersion, 'v1.34.4');
    second.agent.close();
  });

  it("refreshes a cluster's applications when its capabilities change, not when they repeat, and not other clusters'", async () => {
    const edge = await session(await addCluster('edge'), { capabilities: V1 });
    const core = await session(await addCluster('core'), { capabilities: V1 });
    await createApp('edge-settings', 'edge', 'edge-apps');
    await createApp('core-settings', 'core', 'core-apps');
    // Let the background refreshes of the creations finish.
    await new Promise((r) => setTimeout(r, 500));
    const before = { edge: requests('edge-apps'), core: requests('core-apps') };

    // The same capabilities again: a reconnect costs no refresh.
    edge.agent.close();
    await edge.agent.closed;
    const same = await session(edge.credential, { capabilities: { ...V1, apiVersions: [...V1.apiVersions].reverse() } });
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(requests('edge-apps'), before.edge, 'a hello with unchanged capabilities refreshed the applications');

    // A CRD installed: the next hello's API versions differ, and the cluster's applications are refreshed.
    same.agent.close();
    await same.agent.closed;
    const changed = await session(edge.credential, { capabilities: { ...V1, apiVersions: [...V1.apiVersions, 'cert-manager.io/v1', 'cert-manager.io/v1/Certificate'] } });
    await eventually('the edge applications refreshed', async () => requests('edge-apps') > before.edge);
    assert.equal((await capabilitiesOf(t.hub.ctx.pool, await clusterId('edge'))).apiVersions.includes('cert-manager.io/v1'), true);

    // An upgrade: another version.
    const afterCrd = requests('edge-apps');
    changed.agent.close();
    await changed.agent.closed;
    const upgraded = await session(edge.credential, { capabilities: { ...V1, kubeVersion: 'v1.35.0' } });
    await eventually('the edge applications refreshed after the upgrade', async () => requests('edge-apps') > afterCrd);
    assert.equal((await t.api('GET', '/api/v1/clusters/edge')).body.info.capabilities.kubeVersion, 'v1.35.0');

    await new Promise((r) => setTimeout(r, 500));
    assert.equal(requests('core-apps'), before.core, "another cluster's applications were refreshed");
    upgraded.agent.close();
    core.agent.close();
  });
});
