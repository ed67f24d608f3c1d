// GET /api/v1/applications/:name/resource: desired from the bundle at the hub, live through the
// agent's WebSocket (`resource.get`/`resource.got`, answered by the agent's own handler), Secret
// values masked on both so that a changed value shows a different mask and an unchanged one the
// same (HMACs under a per-request key, never passed on); every node of the tree the agent reported
// (ReplicaSet, Pod) is readable, an object outside it is a 404; the replica without the agent's
// socket says so (503), an agent without the feature is never asked (501), an agent that does not
// answer is given up on after 5 s (504).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';
import { startGitServer, type GitServer } from '../git/server.ts';
import { SECRET_VALUE_MASK as M, type HubMessage } from '@flotilla/shared';
import { answerResourceGet } from '../../agent/src/link/resource-request.ts';
import { predictedLive } from '../../hub/ui/src/lib/predicted-live.ts';
import { toYaml } from '../../hub/ui/src/lib/to-yaml.ts';

const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ntype: Opaque\nstringData:\n  password: hunter2-desired\n';
const SAME = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: same\ntype: Opaque\nstringData:\n  token: unchanged-token\n  user: admin\n';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const ns = { namespace: 'x' };
// The agent's view: its inventory, the nodes it reported below it, and the cluster's objects.
const inventory = [
  { group: '', version: 'v1', kind: 'Secret', ...ns, name: 'creds' },
  { group: '', version: 'v1', kind: 'Secret', ...ns, name: 'same' },
  { group: '', version: 'v1', kind: 'ConfigMap', ...ns, name: 'settings' },
  { group: 'apps', version: 'v1', kind: 'Deployment', ...ns, name: 'web' },
];
const tree = [
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', ...ns, name: 'web-7c9', parentRefs: [{ group: 'apps', kind: 'Deployment', ...ns, name: 'web' }] },
  { group: '', version: 'v1', kind: 'Pod', ...ns, name: 'web-7c9-q2x', parentRefs: [{ group: 'apps', kind: 'ReplicaSet', ...ns, name: 'web-7c9' }] },
];
const objects: Record<string, Record<string, unknown>> = {
  'Secret/creds': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', ...ns, managedFields: [{ manager: 'kubectl' }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"c2VjcmV0"}}' } }, type: 'Opaque', data: { password: 'bGl2ZS1zZWNyZXQ=' } },
  'Secret/same': { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'same', ...ns }, type: 'Opaque', data: { token: b64('unchanged-token'), user: b64('root') } },
  'ConfigMap/settings': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', ...ns }, data: { mode: 'slow' } },
  'ReplicaSet/web-7c9': { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-7c9', ...ns }, spec: { replicas: 1 } },
  'Pod/web-7c9-q2x': { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-7c9-q2x', ...ns }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
};
const CONFIG = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n';

describe('live resources through the agent', () => {
  let a: TestHub;
  let b: TestHub;
  let git: GitServer;
  const agents: TestAgent[] = [];
  /** How the agent of each cluster answers a resource.get ('silent': never). */
  const answers: Record<string, 'live' | 'silent' | 'foreign'> = { east: 'live', mute: 'silent' };
  /** Every digest key the hub sent and every digest the agent answered. */
  const exchanged: string[] = [];

  const connect = async (cluster: string, features: string[] | undefined) => {
    const added = await a.api('POST', '/api/v1/clusters', { name: cluster });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const holder: { agent?: TestAgent } = {};
    const onMessage = (m: HubMessage) => {
      const agent = holder.agent!;
      if (m.type !== 'resource.get' || answers[cluster] === 'silent') return;
      const reader = { inventory: () => inventory, tree: () => tree, get: async (ref: { kind: string; name: string }) => objects[`${ref.kind}/${ref.name}`] };
      void answerResourceGet(reader, m).then((answer) => {
        exchanged.push(...(m.digestKey ? [m.digestKey] : []), ...Object.values(answer.secretDigests ?? {}));
        agent.send(answer);
      });
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
    git.createRepo('apps', { 'app/secret.yaml': SECRET, 'app/same.yaml': SAME, 'app/config.yaml': CONFIG });
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
    assert.deepEqual(res.body.desired.data, { password: M }, 'stringData is shown folded into data, as the API server stores it');
    assert.equal(res.body.desired.stringData, undefined);
    assert.match(res.body.live.data.password, /^\++$/);
    assert.equal(res.body.live.metadata.managedFields, undefined);
    assert.doesNotMatch(JSON.stringify(res.body), /hunter2|bGl2ZS1zZWNyZXQ|c2VjcmV0/);
    const config = await resource(a, 'web', 'group=&kind=ConfigMap&namespace=x&name=settings');
    assert.equal(config.status, 200);
    assert.deepEqual([config.body.desired.data, config.body.live.data], [{ mode: 'fast' }, { mode: 'slow' }]);
  });

  it('a changed Secret value shows different masks, an unchanged one the same, and the Diff tab shows only the change', async () => {
    const changed = await resource(a, 'web', 'kind=Secret&namespace=x&name=creds');
    const same = await resource(a, 'web', 'kind=Secret&namespace=x&name=same');
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(same.status, 200, JSON.stringify(same.body));
    assert.deepEqual([changed.body.desired.data, changed.body.live.data], [{ password: M }, { password: `${M}++++` }]);
    assert.deepEqual([same.body.desired.data, same.body.live.data], [{ token: M, user: M }, { token: M, user: `${M}++++` }], 'per key: token unchanged, user changed');
    // The UI's Diff tab: live against predicted live (hub/ui/src/lib/predicted-live.ts); the lines that differ.
    const changedLines = (body: { live: unknown; desired: unknown }) => {
      const [live, predicted] = [toYaml(body.live).split('\n'), toYaml(predictedLive(body.live, body.desired)).split('\n')];
      assert.equal(live.length, predicted.length);
      return live.flatMap((line, i) => (line === predicted[i] ? [] : [`${line.trim()} -> ${predicted[i]!.trim()}`]));
    };
    assert.deepEqual(changedLines(changed.body), [`password: "${M}++++" -> password: "${M}"`]);
    assert.deepEqual(changedLines(same.body), [`user: "${M}++++" -> user: "${M}"`], 'the unchanged token is not shown as a change');
    // The keys and digests stay between hub and agent: one key per request, none in an answer.
    assert.ok(exchanged.length >= 4, `keys and digests were exchanged: ${exchanged.length}`);
    const keys = exchanged.filter((v) => Buffer.from(v, 'base64').length === 32);
    assert.equal(new Set(keys).size, keys.length, 'a fresh key per request');
    for (const body of [changed.body, same.body]) for (const value of exchanged) assert.ok(!JSON.stringify(body).includes(value), 'no key or digest reaches the browser');
  });

  it('every node of the tree the agent reported is readable: the ReplicaSet and Pod below a Deployment', async () => {
    const rs = await resource(a, 'web', 'group=apps&kind=ReplicaSet&namespace=x&name=web-7c9');
    assert.equal(rs.status, 200, JSON.stringify(rs.body));
    assert.deepEqual([rs.body.live.spec, rs.body.desired], [{ replicas: 1 }, null]);
    const pod = await resource(a, 'web', 'kind=Pod&namespace=x&name=web-7c9-q2x');
    assert.equal(pod.status, 200, JSON.stringify(pod.body));
    assert.equal(pod.body.live.spec.containers[0].image, 'nginx');
  });

  it('an object outside the tree is a 404 naming it; a missing application too', async () => {
    const res = await resource(a, 'web', 'group=apps&kind=Deployment&namespace=x&name=other');
    assert.equal(res.status, 404);
    assert.match(res.body.error.message, /not in the resource tree of application "web"/);
    const pod = await resource(a, 'web', 'kind=Pod&namespace=x&name=web-7c9-other');
    assert.equal(pod.status, 404, 'a Pod not in the tree');
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
