// Every rendered source type on a real cluster (issue 14): a Helm chart in Git (values.yaml and a
// value file), a Kustomize overlay whose base is outside its path (namePrefix, images) and a
// Jsonnet directory (top-level arguments) each reach the cluster as rendered, their Deployments
// become Available and each application is Synced and Healthy. A Helm value changed in Git rolls
// that Deployment (and only that one), and a chart reading `.Capabilities` sees the destination's
// real Kubernetes version and APIs, as the agent reported them at hello.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as k8s from '@kubernetes/client-node';
import { startFleet, type Fleet } from '../support/fleet.ts';
import { fixtureFiles } from '../support/fixture-files.ts';
import { eventually } from '../support/hub.ts';
import { pinnedVersions } from '../cluster/tools.ts';

const KUBE_VERSION = pinnedVersions().KUBERNETES_VERSION!;

/** Which application renders which source, into which namespace. */
const APPS = {
  'helm-web': { namespace: 'helm', source: { path: 'charts/web', helm: { valueFiles: ['values-prod.yaml'] } } },
  'kustomize-web': { namespace: 'kustomize', source: { path: 'kustomize/overlays/prod' } },
  'jsonnet-web': {
    namespace: 'jsonnet',
    source: { path: 'jsonnet/web', directory: { jsonnet: { tlas: [{ name: 'replicas', value: '2', code: true }, { name: 'greeting', value: 'hello from a TLA' }] } } },
  },
} as const;
type AppName = keyof typeof APPS;

describe('Helm, Kustomize and Jsonnet sources on a real cluster', () => {
  let f: Fleet;
  let apps: k8s.AppsV1Api;
  let core: k8s.CoreV1Api;
  before(async () => {
    f = await startFleet(['east'], fixtureFiles('sources'));
    ({ apps, core } = f.kube(0));
    // Render for the cluster as it is: its agent's hello carries the version Helm must see.
    await eventually('east reported its capabilities', async () => (await f.hub.api('GET', '/api/v1/clusters/east')).body.info.capabilities?.kubeVersion === KUBE_VERSION, 60_000);
    for (const [name, { namespace, source }] of Object.entries(APPS)) {
      const res = await f.hub.api('POST', '/api/v1/applications', {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name },
        spec: {
          project: 'default', source: { repoURL: f.repoURL, targetRevision: 'main', ...source }, destination: { name: 'east', namespace },
          syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
        },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
  });
  after(() => f?.stop());

  const deployment = (name: string, namespace: string) => apps.readNamespacedDeployment({ name, namespace });
  const available = (name: string, namespace: string, replicas: number) => eventually(`${namespace}/${name} Available with ${replicas} replicas`, async () => {
    const d = await deployment(name, namespace);
    const condition = d.status?.conditions?.find((c) => c.type === 'Available');
    return condition?.status === 'True' && d.status?.availableReplicas === replicas && d.status.observedGeneration === d.metadata?.generation ? d : undefined;
  }, 90_000);
  const syncedAndHealthy = (name: AppName, revision?: string) => eventually(`${name} Synced and Healthy`, async () => {
    const a = await f.app(name);
    const ok = a.status.sync.status === 'Synced' && a.status.health.status === 'Healthy' && (!revision || a.status.sync.revision === revision);
    return ok ? a : undefined;
  }, 90_000);
  const image = (d: k8s.V1Deployment) => d.spec?.template.spec?.containers[0]?.image;

  it('deploys a Helm chart with values.yaml and a value file, rendered for the cluster', async () => {
    const d = await available('helm-web', 'helm', 2);
    assert.equal(image(d), 'nginx:1.27.1', 'the value file overrides values.yaml');
    assert.equal(d.metadata?.labels?.['app.flotilla.dev/instance'], 'helm-web');
    const service = await core.readNamespacedService({ name: 'helm-web', namespace: 'helm' });
    assert.deepEqual(service.spec?.selector, { app: 'helm-web' });
    const settings = await core.readNamespacedConfigMap({ name: 'helm-web-settings', namespace: 'helm' });
    assert.equal(settings.data?.greeting, 'hello from values.yaml');
    // Without the agent's report helm would say v1.20.0 and false (its defaults): these are the cluster's.
    assert.equal(settings.data?.kubeVersion, KUBE_VERSION);
    assert.equal(settings.data?.hasDeployments, 'true', 'the API versions the agent reported reach .Capabilities.APIVersions');
    const app = await syncedAndHealthy('helm-web', f.git.revParse('apps', 'main'));
    assert.deepEqual(app.status.resources.filter((r: any) => !r.parentRefs?.length).map((r: any) => `${r.kind}/${r.name}`).sort(), ['ConfigMap/helm-web-settings', 'Deployment/helm-web', 'Service/helm-web']);
  });

  it('deploys a Kustomize overlay whose base is outside its path, with namePrefix and images', async () => {
    const d = await available('prod-web', 'kustomize', 1);
    assert.equal(image(d), 'nginx:1.27.2', 'images: newTag');
    assert.equal(d.metadata?.labels?.['app.flotilla.dev/instance'], 'kustomize-web');
    await assert.doesNotReject(core.readNamespacedService({ name: 'prod-web', namespace: 'kustomize' }));
    await assert.rejects(deployment('web', 'kustomize'), (e: { code?: number }) => e.code === 404, 'the base is deployed only through the overlay');
    const app = await syncedAndHealthy('kustomize-web');
    assert.deepEqual(app.status.resources.filter((r: any) => !r.parentRefs?.length).map((r: any) => `${r.kind}/${r.name}`).sort(), ['Deployment/prod-web', 'Service/prod-web']);
  });

  it('deploys a Jsonnet directory evaluated with top-level arguments', async () => {
    const d = await available('jsonnet-web', 'jsonnet', 2);
    assert.equal(d.spec?.replicas, 2, 'the replicas TLA, as code');
    const settings = await core.readNamespacedConfigMap({ name: 'jsonnet-web-settings', namespace: 'jsonnet' });
    assert.equal(settings.data?.greeting, 'hello from a TLA');
    assert.equal(settings.metadata?.labels?.['app.flotilla.dev/instance'], 'jsonnet-web');
    const app = await syncedAndHealthy('jsonnet-web');
    assert.deepEqual(app.status.resources.filter((r: any) => !r.parentRefs?.length).map((r: any) => `${r.kind}/${r.name}`).sort(), ['ConfigMap/jsonnet-web-settings', 'Deployment/jsonnet-web']);
  });

  it('rolls the Deployment when a Helm value changes in Git, and nothing else', async () => {
    const before = await available('helm-web', 'helm', 2);
    const kustomizeBefore = await deployment('prod-web', 'kustomize');
    const commit = await f.push({ 'charts/web/values-prod.yaml': 'replicas: 3\nimage:\n  tag: "1.27.3"\n' }, 'helm: nginx 1.27.3, 3 replicas');
    const rolled = await eventually('helm-web rolled to nginx:1.27.3', async () => {
      const d = await deployment('helm-web', 'helm');
      const done = d.status?.updatedReplicas === 3 && d.status.availableReplicas === 3 && d.status.replicas === 3;
      return image(d) === 'nginx:1.27.3' && done && d.status?.observedGeneration === d.metadata?.generation ? d : undefined;
    }, 90_000);
    assert.equal(rolled.spec?.replicas, 3);
    assert.ok(rolled.metadata!.generation! > before.metadata!.generation!, `generation ${before.metadata?.generation} → ${rolled.metadata?.generation}`);
    assert.ok(rolled.status!.observedGeneration! > before.status!.observedGeneration!, 'the controller observed the new spec');
    // A new ReplicaSet carries the new template: a rollout, not an edit in place.
    const replicaSets = async () => (await apps.listNamespacedReplicaSet({ namespace: 'helm', labelSelector: 'app=helm-web' })).items
      .map((rs) => `${rs.spec?.template?.spec?.containers[0]?.image}=${rs.spec?.replicas}`).sort().join(' ');
    await eventually('the old ReplicaSet scaled down, the new one up', async () => (await replicaSets()) === 'nginx:1.27.1=0 nginx:1.27.3=3', 30_000);
    await syncedAndHealthy('helm-web', commit);
    // The commit touched only the chart: the overlay moves to the new revision with its bundle, unchanged.
    await syncedAndHealthy('kustomize-web', commit);
    assert.equal((await deployment('prod-web', 'kustomize')).metadata?.generation, kustomizeBefore.metadata?.generation);
  });
});
