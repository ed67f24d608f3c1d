// A deletion without cascade at the hub, asserted from what protocol-level agents are sent (issue 15):
// an application whose bundle holds PostDelete hooks goes through an agent that names the
// `deletion.nonCascadeHooks` feature ('deleting', deletion {cascade: false}, gone once the agent
// reports it deleted), also while that agent is offline (it gets the deletion when it comes back);
// an agent without the feature, or a bundle without hooks, gets the immediate drop (the assignment
// removed); a second delete without cascade lets go at once, and a cascade one keeps the first cascade.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NON_CASCADE_HOOKS_FEATURE, type Assignment, type HubMessage } from '@flotilla/shared';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

const CONFIG = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n';
const HOOK = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: farewell\n  annotations:\n    argocd.argoproj.io/hook: PostDelete\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: run, image: busybox, command: ["true"]}]\n';
const HELM_HOOK = HOOK.replace('argocd.argoproj.io/hook: PostDelete', 'helm.sh/hook: post-delete');

/** A protocol-level agent of one cluster that keeps the newest assignment of each app (acking deltas), or null once removed. */
interface Cluster {
  name: string;
  agent: TestAgent;
  credential: string;
  latest: Map<string, Assignment | null>;
  seq: number;
}

describe('deleting without cascade: through the agent only when it runs PostDelete hooks', () => {
  let t: TestHub;
  let git: GitServer;
  const clusters: Record<string, Cluster> = {};

  const open = async (c: Pick<Cluster, 'name' | 'latest'>, token: string, features: string[] | undefined) => {
    const onMessage = (m: HubMessage) => {
      if (m.type === 'snapshot') {
        c.latest.clear();
        for (const a of m.assignments) c.latest.set(a.app, a);
      }
      if (m.type === 'delta') for (const change of m.changes) c.latest.set(change.app, change.assignment);
    };
    const agent = await connectAgent(t.hub.url, token, { onMessage });
    agent.hello(0, features ? { features } : {});
    await agent.next('snapshot');
    return agent;
  };
  const connect = async (name: string, features: string[] | undefined) => {
    const added = await t.api('POST', '/api/v1/clusters', { name });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const latest = new Map<string, Assignment | null>();
    const agent = await open({ name, latest }, added.body.bootstrapToken, features);
    const credential = (await agent.next('registered')).credential;
    clusters[name] = { name, agent, credential, latest, seq: 0 };
  };
  const create = async (name: string, cluster: string, path: string) => {
    const res = await t.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
      spec: { project: 'default', source: { repoURL: `${git.url}/apps.git`, path }, destination: { name: cluster, namespace: 'x' } },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await eventually(`a bundle for ${name}`, async () => (await t.api('GET', `/api/v1/applications/${name}`)).body.status?.bundle);
    await eventually(`${name} assigned with its bundle`, async () => clusters[cluster]!.latest.get(name)?.bundle);
  };
  const remove = async (app: string, query = '?cascade=false') => {
    const res = await t.api('DELETE', `/api/v1/applications/${app}${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.state as string;
  };
  const exists = async (app: string) => (await t.api('GET', `/api/v1/applications/${app}`)).status === 200;
  /** The agent reports the app deleted, as the real one does when its deletion ended. */
  const reportDeleted = async (c: Cluster, app: string) => {
    c.seq += 1;
    c.agent.send({ type: 'status', app, seq: c.seq, status: { sync: { status: 'Unknown' }, health: { status: 'Missing' }, resources: [], reconciledAt: new Date().toISOString(), deleted: true } });
    for (;;) if ((await c.agent.next('status.ack')).seq === c.seq) return;
  };

  before(async () => {
    git = await startGitServer();
    git.createRepo('apps', { 'hooked/config.yaml': CONFIG, 'hooked/hook.yaml': HOOK, 'helm/config.yaml': CONFIG, 'helm/hook.yaml': HELM_HOOK, 'plain/config.yaml': CONFIG });
    t = await startTestHub({ pollIntervalMs: 3_600_000 });
    await connect('new', [NON_CASCADE_HOOKS_FEATURE]);
    await connect('old', undefined);
    await connect('other', ['resource.get']);
    await connect('away', [NON_CASCADE_HOOKS_FEATURE]);
  });
  after(async () => {
    for (const c of Object.values(clusters)) c.agent.close();
    await t?.stop();
    await git?.close();
  });

  it('an agent without the feature gets the immediate drop, hooks or not (an older agent would delete the resources)', async () => {
    await create('old-hooked', 'old', 'hooked');
    await create('other-hooked', 'other', 'hooked');
    assert.equal(await remove('old-hooked'), 'deleted');
    assert.equal(await remove('other-hooked'), 'deleted');
    assert.ok(!(await exists('old-hooked')) && !(await exists('other-hooked')));
    await eventually('the assignments removed, never sent as a deletion', async () => clusters.old!.latest.get('old-hooked') === null && clusters.other!.latest.get('other-hooked') === null);
    const sent = [...clusters.old!.agent.received, ...clusters.other!.agent.received].flatMap((m) => (m.type === 'delta' ? m.changes.map((c) => c.assignment) : m.type === 'snapshot' ? m.assignments : []));
    assert.ok(!sent.some((a) => a?.deletion), 'no deletion was sent to an agent without the feature');
  });

  it('an agent with the feature: a bundle without PostDelete hooks is dropped at once', async () => {
    await create('new-plain', 'new', 'plain');
    assert.equal(await remove('new-plain'), 'deleted');
    assert.ok(!(await exists('new-plain')));
    await eventually('the assignment removed', async () => clusters.new!.latest.get('new-plain') === null);
  });

  it('an agent with the feature and PostDelete hooks (argocd or Helm): deleting until the agent reports it deleted', async () => {
    for (const [app, path] of [['new-hooked', 'hooked'], ['new-helm', 'helm']] as const) {
      await create(app, 'new', path);
      assert.equal(await remove(app), 'deleting');
      const assignment = await eventually(`${app} sent as a deletion without cascade`, async () => clusters.new!.latest.get(app)?.deletion ? clusters.new!.latest.get(app) : undefined);
      assert.deepEqual(assignment!.deletion, { cascade: false });
      assert.ok(await exists(app), 'the application stays while its hooks run');
      await reportDeleted(clusters.new!, app);
      await eventually(`${app} gone`, async () => !(await exists(app)));
      await eventually('the assignment removed', async () => clusters.new!.latest.get(app) === null);
    }
  });

  it('a cascade delete keeps the deletion without cascade; a second delete without cascade lets go at once', async () => {
    await create('twice', 'new', 'hooked');
    assert.equal(await remove('twice'), 'deleting');
    assert.equal(await remove('twice', '?cascade=true&confirm=true'), 'deleting');
    assert.deepEqual((await eventually('the deletion sent', async () => clusters.new!.latest.get('twice')?.deletion))!, { cascade: false }, 'the cascade a deletion started with holds');
    assert.equal(await remove('twice'), 'deleted');
    assert.ok(!(await exists('twice')));
    await eventually('the assignment removed', async () => clusters.new!.latest.get('twice') === null);
  });

  it('an offline agent that named the feature: the app stays deleting until it comes back and reports it deleted', async () => {
    const away = clusters.away!;
    await create('away-hooked', 'away', 'hooked');
    away.agent.close();
    await away.agent.closed;
    assert.equal(await remove('away-hooked'), 'deleting');
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(await exists('away-hooked'), 'stays while the agent is away');
    away.agent = await open(away, away.credential, [NON_CASCADE_HOOKS_FEATURE]);
    assert.deepEqual(away.latest.get('away-hooked')?.deletion, { cascade: false }, 'the snapshot carries the deletion');
    await reportDeleted(away, 'away-hooked');
    await eventually('away-hooked gone', async () => !(await exists('away-hooked')));
  });

  it('an agent that comes back without the feature (downgraded): its non-cascade deletions end before it is sent them', async () => {
    const away = clusters.away!;
    await create('downgraded-hooked', 'away', 'hooked');
    away.agent.close();
    await away.agent.closed;
    assert.equal(await remove('downgraded-hooked'), 'deleting');
    away.agent = await open(away, away.credential, undefined);
    assert.equal(away.latest.has('downgraded-hooked'), false, 'the snapshot does not carry the deletion (an older agent would delete the resources)');
    assert.equal(await exists('downgraded-hooked'), false, 'the application is let go, its resources left');
  });
});
