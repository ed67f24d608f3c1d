// A bundle that carries a CustomResourceDefinition and custom resources of it: the CRD is applied
// and established first, then its resources; ignoreDifferences keeps a field others own from
// counting as drift.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFleet, type Fleet } from '../support/fleet.ts';
import { eventually } from '../support/hub.ts';

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.demo.flotilla.dev
spec:
  group: demo.flotilla.dev
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
                color: {type: string}
`;
const widget = (name: string, size: number) => `apiVersion: demo.flotilla.dev/v1
kind: Widget
metadata:
  name: ${name}
spec:
  size: ${size}
  color: blue
`;

describe('custom resources', () => {
  let f: Fleet;
  before(async () => {
    f = await startFleet(['crd-cluster'], { 'widgets/crd.yaml': crd, 'widgets/small.yaml': widget('small', 1), 'widgets/large.yaml': widget('large', 9) });
  });
  after(() => f?.stop());

  it('applies the CRD before its resources in one sync, and honours ignoreDifferences', async () => {
    const res = await f.hub.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'widgets' },
      spec: {
        project: 'default', source: { repoURL: f.repoURL, path: 'widgets', targetRevision: 'main' }, destination: { name: 'crd-cluster', namespace: 'shop' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
        ignoreDifferences: [{ group: 'demo.flotilla.dev', kind: 'Widget', jsonPointers: ['/spec/color'] }],
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const status = await eventually('widgets Synced', async () => {
      const a = await f.app('widgets');
      return a.status.sync.status === 'Synced' && a.status.resources.length === 3 ? a.status : undefined;
    }, 60_000);
    assert.deepEqual(status.resources.map((r: any) => `${r.kind}/${r.name}`).sort(), ['CustomResourceDefinition/widgets.demo.flotilla.dev', 'Widget/large', 'Widget/small']);
    const get = () => JSON.parse(f.kubectl(0, 'get', 'widgets.demo.flotilla.dev', 'large', '-n', 'shop', '-o', 'json'));
    assert.equal(get().spec.size, 9);

    // A change to an ignored field is not drift; a change to another field is reverted.
    f.kubectl(0, 'patch', 'widgets.demo.flotilla.dev', 'large', '-n', 'shop', '--type=merge', '-p', '{"spec":{"color":"red"}}');
    f.kubectl(0, 'patch', 'widgets.demo.flotilla.dev', 'small', '-n', 'shop', '--type=merge', '-p', '{"spec":{"size":5}}');
    await eventually('small reverted', async () => JSON.parse(f.kubectl(0, 'get', 'widgets.demo.flotilla.dev', 'small', '-n', 'shop', '-o', 'json')).spec.size === 1, 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(get().spec.color, 'red', 'an ignored difference is left alone');
    assert.equal((await f.app('widgets')).status.sync.status, 'Synced');
  });
});
