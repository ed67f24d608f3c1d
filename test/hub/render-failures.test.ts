// Render failures (issue 14): a broken chart template, an invalid kustomization, a Jsonnet error, a
// path that escapes the repository, a symlink out of it, a render that runs past the hub's time
// limit and an output over the size limits. For each: a good commit renders first and the agent
// receives its bundle; then the failure is a condition naming the file, the application keeps its
// last good bundle (its agent is sent no new one, so nothing is pruned), the hub still answers
// /readyz, and another application still renders. Each case has a repository of its own (a copy
// of test/fixtures/sources), since Argo CD's symlink check looks at the whole repository.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, eventually, type TestHub } from '../support/hub.ts';
import { connectAgent, type TestAgent } from '../support/test-agent.ts';
import { fixturePath } from '../support/fixture-files.ts';
import { startGitServer, type GitServer } from '../git/server.ts';

/** The hub's wall-time limit of one tool run, and its bundle limit (tools may print twice that). */
const RENDER_TIMEOUT_MS = 5_000;
const MAX_BUNDLE_BYTES = 256 * 1024;

const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;

/** The source of each fixture type, as an Application's `spec.source` (repoURL added per case). */
const HELM = { path: 'charts/web', helm: { valueFiles: ['values-prod.yaml'] } };
const KUSTOMIZE = { path: 'kustomize/overlays/prod' };
const JSONNET = { path: 'jsonnet/web' };

describe('render failures', () => {
  let t: TestHub;
  let git: GitServer;
  let agent: TestAgent;
  let canaryValue = 0;
  before(async () => {
    git = await startGitServer();
    git.createRepo('canary', { 'cm/cm.yaml': configMap('canary', 'v0') });
    t = await startTestHub({ pollIntervalMs: 3_600_000, renderTimeoutMs: RENDER_TIMEOUT_MS, repoMaxBundleBytes: MAX_BUNDLE_BYTES });
    const added = await t.api('POST', '/api/v1/clusters', { name: 'edge' });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    agent = await connectAgent(t.hub.url, added.body.bootstrapToken);
    agent.hello(0, { kubernetesVersion: 'v1.34.4', capabilities: { kubeVersion: 'v1.34.4', apiVersions: ['apps/v1', 'v1'] } });
    await agent.next('snapshot');
    await renderGood('canary', 'canary', { path: 'cm' });
  });
  after(async () => {
    agent?.close();
    await t?.stop(true);
    await git?.close();
  });

  const application = (name: string, repo: string, source: object) => ({
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
    spec: { project: 'default', source: { repoURL: `${git.url}/${repo}.git`, targetRevision: 'main', ...source }, destination: { name: 'edge', namespace: name }, syncPolicy: { automated: { prune: true } } },
  });
  const refresh = async (name: string) => {
    const res = await t.api('POST', `/api/v1/applications/${name}/refresh`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  /** Every assignment of `app` the agent was sent from message `from` on, in order. */
  const sent = (app: string, from = 0) => agent.received.slice(from).flatMap((m) => {
    if (m.type === 'delta') return m.changes.filter((c) => c.app === app).map((c) => c.assignment);
    if (m.type === 'snapshot') return m.assignments.filter((a) => a.app === app);
    return [];
  });

  /** Creates an application of `repo`, renders it, and waits until the agent has its bundle. */
  async function renderGood(name: string, repo: string, source: object): Promise<string> {
    const created = await t.api('POST', '/api/v1/applications', application(name, repo, source));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const app = await refresh(name);
    assert.deepEqual(app.status.conditions ?? [], [], `${name} renders at first`);
    assert.ok(app.status.bundle, `${name} has a bundle`);
    await eventually(`the agent receives ${name}'s bundle`, async () => sent(name).some((a) => a?.bundle === app.status.bundle));
    return app.status.bundle;
  }

  /**
   * After a failure: the hub answers /readyz, and the canary renders a new commit and its bundle
   * reaches the agent. Deltas reach the agent in revision order, so once the canary's has arrived,
   * any assignment recorded for the failed application before it has arrived too.
   */
  async function assertServing(): Promise<void> {
    assert.equal((await t.api('GET', '/readyz', undefined, { token: null })).status, 200);
    canaryValue += 1;
    git.commit('canary', { 'cm/cm.yaml': configMap('canary', `v${canaryValue}`) });
    const canary = await refresh('canary');
    assert.deepEqual(canary.status.conditions, []);
    await eventually('the canary\'s new bundle reaches the agent', async () => sent('canary').some((a) => a?.bundle === canary.status.bundle));
  }

  /**
   * A good render, then `breakIt` (a commit, or a change of the spec); answers the failed
   * application and its condition, having checked that the last good bundle stayed and the agent
   * was sent no other. A changed source clears the bundle (the old render is of another source):
   * the agent is sent `bundle: null`, which it reports as waiting and never prunes for.
   */
  async function goodThenBroken(name: string, source: object, breakIt: (repo: string) => string | Promise<void>, type = 'ComparisonError') {
    git.createRepo(name, fixturePath('sources'));
    const good = await renderGood(name, name, source);
    const mark = agent.received.length;
    const broken = await breakIt(name);
    const app = await refresh(name);
    const conditions = app.status.conditions.filter((c: any) => c.type === type);
    assert.equal(conditions.length, 1, `one ${type} condition: ${JSON.stringify(app.status.conditions)}`);
    await assertServing();
    const after = sent(name, mark).map((a) => a?.bundle);
    if (typeof broken === 'string') {
      assert.equal(app.status.bundle, good, 'the last good bundle stays');
      assert.notEqual(app.status.sync.revision, broken, 'the revision stays at the last good render');
      assert.deepEqual(after, [], 'the agent was sent nothing for the application');
    } else {
      assert.ok(after.every((b) => b === null), `the agent was sent no new bundle: ${JSON.stringify(after)}`);
    }
    return { app, message: conditions[0].message as string };
  }

  it('a broken chart template: a condition naming the template and line; a fix renders again', async () => {
    const { message } = await goodThenBroken('broken-chart', HELM, (repo) => git.commit(repo, {
      'charts/web/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas | nosuchfunction }}\n',
    }, 'break the chart'));
    assert.match(message, /charts\/web\/templates\/deployment\.yaml:6\b/);
    assert.match(message, /function "nosuchfunction" not defined/);

    const fixed = git.commit('broken-chart', { 'charts/web/templates/deployment.yaml': null }, 'drop the broken template');
    const app = await refresh('broken-chart');
    assert.deepEqual(app.status.conditions, []);
    assert.equal(app.status.sync.revision, fixed);
    await eventually('the fixed bundle reaches the agent', async () => sent('broken-chart').some((a) => a?.bundle === app.status.bundle && a?.revision === fixed));
  });

  it('an invalid kustomization: a condition naming the kustomization file', async () => {
    const { message } = await goodThenBroken('invalid-kustomization', KUSTOMIZE, (repo) => git.commit(repo, {
      'kustomize/overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\nnamePrefix: prod-\nimages: nginx:1.27.2\n',
    }, 'images is not a list'));
    assert.match(message, /kustomize\/overlays\/prod\/kustomization\.yaml/);
    assert.match(message, /images/);
  });

  it('a Jsonnet error: a condition naming the library file, line and column', async () => {
    const { message } = await goodThenBroken('jsonnet-error', JSONNET, (repo) => git.commit(repo, {
      'jsonnet/web/web.libsonnet': "{\n  deployment(name, replicas, image):: error 'no deployment for ' + name,\n  configMap(name, data):: {},\n}\n",
    }, 'a jsonnet error'));
    assert.match(message, /jsonnet\/web\/web\.libsonnet:2:\d+/);
    assert.match(message, /no deployment for jsonnet-web/);
  });

  it('a path escape: ../ in a kustomization, a Jsonnet import, a value file and the source path', async () => {
    const kustomize = await goodThenBroken('escape-kustomize', KUSTOMIZE, (repo) => git.commit(repo, {
      'kustomize/overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\n  - ../../../../../../etc/passwd\n',
    }, 'a resource outside the repository'));
    assert.match(kustomize.message, /kustomize\/overlays\/prod\/kustomization\.yaml:3\b/);
    assert.match(kustomize.message, /\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd/);

    const jsonnet = await goodThenBroken('escape-jsonnet', JSONNET, (repo) => git.commit(repo, {
      'jsonnet/web/main.jsonnet': "local passwd = importstr '../../../../../etc/passwd';\n[{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'leak' }, data: { passwd: passwd } }]\n",
    }, 'an import outside the repository'));
    assert.match(jsonnet.message, /jsonnet\/web\/main\.jsonnet/);
    assert.match(jsonnet.message, /leaves the repository/);

    const values = await goodThenBroken('escape-values', HELM, async (repo) => {
      const res = await t.api('PUT', '/api/v1/applications/escape-values', application('escape-values', repo, { ...HELM, helm: { valueFiles: ['values-prod.yaml', '../../../../etc/passwd'] } }));
      assert.equal(res.status, 200, JSON.stringify(res.body));
    });
    assert.match(values.message, /helm\.valueFiles\[1\]: "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd" is outside the repository/);

    const path = await goodThenBroken('escape-path', KUSTOMIZE, async (repo) => {
      const res = await t.api('PUT', '/api/v1/applications/escape-path', application('escape-path', repo, { path: '../x' }));
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }, 'InvalidSpecError');
    assert.match(path.message, /spec\.source\.path \.\.\/x leaves the repository/);
  });

  it('a symlink out of the repository: a condition naming the link, for Helm, Kustomize and Jsonnet', async () => {
    const passwd = { symlink: '../../../../../../../../../../etc/passwd' };
    const helm = await goodThenBroken('symlink-helm', HELM, (repo) => git.commit(repo, {
      'charts/web/files/passwd': passwd,
      'charts/web/templates/leak.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leak\ndata:\n  passwd: {{ .Files.Get "files/passwd" | quote }}\n',
    }, 'a chart file linked out of the repository'));
    assert.match(helm.message, /charts\/web\/files\/passwd is a symbolic link that leads outside the repository/);

    const kustomize = await goodThenBroken('symlink-kustomize', KUSTOMIZE, (repo) => git.commit(repo, {
      'kustomize/overlays/prod/passwd.yaml': { symlink: '/etc/passwd' },
      'kustomize/overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\n  - passwd.yaml\n',
    }, 'a resource linked out of the repository'));
    assert.match(kustomize.message, /kustomize\/overlays\/prod\/passwd\.yaml: symlink to outside the repository/);

    const jsonnet = await goodThenBroken('symlink-jsonnet', JSONNET, (repo) => git.commit(repo, { 'jsonnet/web/hosts.json': { symlink: '/etc/hosts' } }, 'a file linked out of the repository'));
    assert.match(jsonnet.message, /jsonnet\/web\/hosts\.json: symlink to outside the repository/);
  });

  it('a render timeout: the tool is stopped at the limit, the condition names the chart, /readyz answers meanwhile', async () => {
    git.createRepo('slow-chart', fixturePath('sources'));
    await renderGood('slow-chart', 'slow-chart', HELM);
    const mark = agent.received.length;
    // 2.7e10 empty iterations: helm would run for hours.
    git.commit('slow-chart', { 'charts/web/templates/slow.yaml': '{{- range until 3000 }}{{- range until 3000 }}{{- range until 3000 }}{{- end }}{{- end }}{{- end }}\n' }, 'a template that never ends');
    const started = Date.now();
    const refreshing = refresh('slow-chart');
    await new Promise((r) => setTimeout(r, 1_000));
    const readyAt = Date.now();
    assert.equal((await t.api('GET', '/readyz', undefined, { token: null })).status, 200);
    assert.ok(Date.now() - readyAt < 2_000, `/readyz took ${Date.now() - readyAt} ms during the render`);
    const app = await refreshing;
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= RENDER_TIMEOUT_MS && elapsed < RENDER_TIMEOUT_MS + 15_000, `the render took ${elapsed} ms`);
    const [condition] = app.status.conditions;
    assert.equal(condition?.type, 'ComparisonError');
    assert.match(condition.message, /rendering charts\/web at [0-9a-f]{7} failed: charts\/web: helm template: helm timed out after 5 s/);
    await assertServing();
    assert.deepEqual(sent('slow-chart', mark), [], 'the agent was sent nothing for the application');
  });

  it('an output over the limit: the bundle limit (Helm) and the tool output limit (Jsonnet), each naming the file', async () => {
    // 300 KB of text: within what a tool may print (2 × 256 KiB), over the bundle limit.
    const helm = await goodThenBroken('big-bundle', HELM, (repo) => git.commit(repo, {
      'charts/web/templates/big.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  filler: {{ repeat 300000 "x" | quote }}\n',
    }, 'a bundle over the limit'));
    assert.match(helm.message, /rendering charts\/web at [0-9a-f]{7} failed: the rendered bundle \(\d+(\.\d)? KiB\) exceeds the hub's limit of 256 KiB \(setting repoMaxBundleBytes\)/);

    // 600 KB printed: the run is stopped past 512 KiB.
    const jsonnet = await goodThenBroken('big-output', JSONNET, (repo) => git.commit(repo, {
      'jsonnet/web/main.jsonnet': "[{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { filler: std.join('', std.makeArray(600000, function(i) 'x')) } }]\n",
    }, 'an output over the limit'));
    assert.match(jsonnet.message, /jsonnet\/web\/main\.jsonnet: evaluating jsonnet\/web\/main\.jsonnet: jsonnet wrote more than 524288 bytes of output/);
  });
});
