// GET /api/v1/applications/:name/resource: desired from the bundle at the hub, live through the
// agent's WebSocket (`resource.get`/`resource.got`), Secret values masked on both; the replica
// without the agent's socket says so (503), an agent without the feature is never asked (501), an
// agent that does not answer is given up on after 5 s (504), an object outside the inventory is a 404.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import type { HubMessage } from '@flotilla/shared';

const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ntype: Opaque\nstringData:\n  password: hunter2-desired\n';
const CONFIG = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n';

describe('live resources through the agent', () => {
  let a: TestHub;
  let b: TestHub;
  let git: GitServer;
  const agents: TestAgent[] = [];
  /** How the agent of each cluster answers a resource.get ('silent': never). */
  const answers: Record<string, 'live' | 'silent' | 'foreign'> = { east: 'live', mute: 'silent' };

  const connect = async (cluster: string, features: string[] | undefined) => {
    const added = await a.api('POST', '/api/v1/clusters', { name: cluster });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const holder: { agent?: TestAgent } = {};
    const onMessage = (m: HubMessage) => {
      const agent = holder.agent!;
      if (m.type !== 'resource.get' || answers[cluster] === 'silent') return;
      if (m.ref.kind === 'Deployment') return agent.send({ type: 'resource.got', requestId: m.requestId, error: `not in the inventory of application "${m.app}": apps/Deployment x/${m.ref.name}` });
      const live = m.ref.kind === 'Secret'
        ? { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'x', managedFields: [{ manager: 'kubectl' }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"c2VjcmV0"}}' } }, data: { password: 'bGl2ZS1zZWNyZXQ=' } }
        : { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'x' }, data: { mode: 'slow' } };
      agent.send({ type: 'resource.got', requestId: m.requestId, object: live });
    };
    const agent = (holder.agent = await connectAgent(a.hub.url, added.body.bootstrapToken, { onMessage }));
    agent.hello(0, features ? { features } : {});
    await agent.next('snapshot');
    agents.push(agent);
  };
  const create = async (name: string, cluster: string) => {
    const res = await a.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
      spec: { project: 'default', source: { repoURL: `${git.url}/apps.git`, path: 'app' }, destination: { name: cluster, namespace: 'x' } },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await eventually(`a bundle for ${name}`, async () => (await a.api('GET', `/api/v1/applications/${name}`)).body.status?.bundle);
  };
  const resource = (hub: TestHub, app: string, query: string) => hub.api('GET', `/api/v1/applications/${app}/resource?${query}`);

  before(async () => {
    git = await startGitServer();
    git.createRepo('apps', { 'app/secret.yaml': SECRET, 'app/config.yaml': CONFIG });
    a = await startTestHub({ pollIntervalMs: 3_600_000 });
    b = await startTestHub({ dataDir: a.dataDir, databaseUrl: a.hub.database.url, pollIntervalMs: 3_600_000 });
    b.token = a.token;
    await connect('east', ['resource.get']);
    await connect('old', undefined);
    await connect('mute', ['resource.get']);
    await create('web', 'east');
    await create('legacy', 'old');
    await create('quiet', 'mute');
  });
  after(async () => {
    for (const agent of agents) agent.close();
    await b?.stop();
    await a?.stop(true);
    await git?.close();
  });

  it('answers desired from the bundle and live from the agent, Secret values masked in both', async () => {
    const res = await resource(a, 'web', 'kind=Secret&namespace=x&name=creds');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.desired.stringData, { password: '++++++++' });
    assert.deepEqual(res.body.live.data, { password: '++++++++' });
    assert.equal(res.body.live.metadata.managedFields, undefined);
    assert.doesNotMatch(JSON.stringify(res.body), /hunter2|bGl2ZS1zZWNyZXQ|c2VjcmV0/);
    const config = await resource(a, 'web', 'group=&kind=ConfigMap&namespace=x&name=settings');
    assert.equal(config.status, 200);
    assert.deepEqual([config.body.desired.data, config.body.live.data], [{ mode: 'fast' }, { mode: 'slow' }]);
  });

  it('an object outside the inventory is a 404 naming it; a missing application too', async () => {
    const res = await resource(a, 'web', 'group=apps&kind=Deployment&namespace=x&name=other');
    assert.equal(res.status, 404);
    assert.match(res.body.error.message, /not in the inventory of application "web"/);
    assert.equal((await resource(a, 'nope', 'kind=ConfigMap&name=x')).status, 404);
    assert.equal((await resource(a, 'web', 'name=x')).status, 400, 'kind is required');
  });

  it('the replica that does not hold the agent socket answers 503 saying so', async () => {
    const res = await resource(b, 'web', 'kind=ConfigMap&namespace=x&name=settings');
    assert.equal(res.status, 503);
    assert.match(res.body.error.message, /connected to another hub replica/);
  });

  it('an agent without the resource.get feature is never asked: 501', async () => {
    const res = await resource(a, 'legacy', 'kind=ConfigMap&namespace=x&name=settings');
    assert.equal(res.status, 501);
    assert.match(res.body.error.message, /too old to serve live resources/);
  });

  it('an agent that does not answer is given up on after 5 s: 504', async () => {
    const started = Date.now();
    const res = await resource(a, 'quiet', 'kind=ConfigMap&namespace=x&name=settings');
    assert.equal(res.status, 504);
    assert.match(res.body.error.message, /did not answer within 5 s/);
    assert.ok(Date.now() - started < 7_000);
  });
});
