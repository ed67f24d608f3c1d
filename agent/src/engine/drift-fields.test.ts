// Table-driven tests for drifted field paths and their writers: the path notation (format and parse), which fields
// of what we apply differ live (keyed lists, sets, atomic lists, server fields), and which manager owns each one in a
// Deployment's managedFields (kubectl-client-side-apply, kube-controller-manager, the HPA through the scale
// subresource, kubectl-edit, a finalizer controller, and ours).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { KubeObject } from './objects.ts';
import { FIELD_MANAGER } from './objects.ts';
import { driftedFields, formatFieldPath, parseFieldPath, writersOf, type FieldWriter, type PathStep } from './drift-fields.ts';

// What we apply: a dry-run result of the Git manifest (defaults filled in, our manager's entry).
const DESIRED = parse(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  finalizers: [example.com/protect]
  labels: { app.kubernetes.io/name: web, app.flotilla.dev/instance: shop }
  annotations: { flotilla.dev/tracking-id: "shop:apps/Deployment:shop/web" }
  resourceVersion: "900"
  generation: 4
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: zone, operator: In, values: [a] }] }] } } }
      containers:
        - name: web
          image: registry.example/web:1.0
          args: [--port=80]
          env: [{ name: LOG_LEVEL, value: info }, { name: MODE, value: prod }]
          ports: [{ containerPort: 80, protocol: TCP, name: http }, { containerPort: 9090, protocol: TCP, name: metrics }]
          volumeMounts: [{ name: data, mountPath: /data }]
      volumes: [{ name: data, emptyDir: {} }]
status: { replicas: 2 }
`) as KubeObject;

// The live object after the other writers, with their managedFields as the API server records them.
const LIVE_YAML = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  uid: 3f1c
  resourceVersion: "1207"
  generation: 9
  creationTimestamp: "2026-01-10T09:00:00Z"
  finalizers: [example.com/protect]
  labels: { app.kubernetes.io/name: web, app.flotilla.dev/instance: shop }
  annotations:
    flotilla.dev/tracking-id: "shop:apps/Deployment:shop/web"
    deployment.kubernetes.io/revision: "7"
    kubectl.kubernetes.io/last-applied-configuration: "{}"
  managedFields:
    - manager: kubectl-client-side-apply
      operation: Update
      apiVersion: apps/v1
      time: "2026-01-10T09:00:00Z"
      fieldsType: FieldsV1
      fieldsV1:
        f:metadata:
          f:annotations:
            .: {}
            f:kubectl.kubernetes.io/last-applied-configuration: {}
        f:spec:
          f:template:
            f:spec:
              f:affinity: {}
              f:containers:
                k:{"name":"web"}:
                  f:image: {}
                  f:args: {}
                  f:ports:
                    k:{"protocol":"TCP","containerPort":80}:
                      f:name: {}
    - manager: ${FIELD_MANAGER}
      operation: Apply
      apiVersion: apps/v1
      time: "2026-01-11T10:00:00Z"
      fieldsType: FieldsV1
      fieldsV1:
        f:metadata:
          f:labels: { f:app.kubernetes.io/name: {}, f:app.flotilla.dev/instance: {} }
          f:annotations: { f:flotilla.dev/tracking-id: {} }
        f:spec:
          f:selector: {}
          f:template:
            f:spec:
              f:containers:
                k:{"name":"web"}:
                  .: {}
                  f:name: {}
                  f:env:
                    k:{"name":"MODE"}: { .: {}, f:name: {}, f:value: {} }
                  f:ports:
                    k:{"containerPort":9090,"protocol":"TCP"}: { .: {}, f:containerPort: {}, f:name: {}, f:protocol: {} }
                  f:volumeMounts:
                    k:{"mountPath":"/data"}: { .: {}, f:mountPath: {}, f:name: {} }
    - manager: kube-controller-manager
      operation: Update
      apiVersion: apps/v1
      time: "2026-01-11T10:00:05Z"
      fieldsType: FieldsV1
      fieldsV1:
        f:metadata:
          f:annotations: { f:deployment.kubernetes.io/revision: {} }
    - manager: kube-controller-manager
      operation: Update
      apiVersion: apps/v1
      subresource: status
      time: "2026-01-11T10:00:06Z"
      fieldsType: FieldsV1
      fieldsV1: { f:status: { f:replicas: {}, f:conditions: { .: {}, 'k:{"type":"Available"}': { .: {}, f:status: {} } } } }
    - manager: horizontal-pod-autoscaler
      operation: Update
      apiVersion: apps/v1
      subresource: scale
      time: "2026-01-11T10:02:00Z"
      fieldsType: FieldsV1
      fieldsV1: { f:spec: { f:replicas: {} } }
    - manager: kubectl-edit
      operation: Update
      apiVersion: apps/v1
      time: "2026-01-11T10:03:00Z"
      fieldsType: FieldsV1
      fieldsV1:
        f:spec:
          f:template:
            f:spec:
              f:containers:
                k:{"name":"web"}:
                  f:env:
                    k:{"name":"LOG_LEVEL"}: { .: {}, f:name: {}, f:value: {} }
    - manager: protect-controller
      operation: Update
      apiVersion: apps/v1
      time: "2026-01-09T08:00:00Z"
      fieldsType: FieldsV1
      fieldsV1: { f:metadata: { f:finalizers: { .: {}, 'v:"example.com/protect"': {} } } }
    - manager: broken-entry
      operation: Update
      fieldsType: FieldsV1
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: zone, operator: In, values: [a] }] }] } } }
      containers:
        - name: web
          image: registry.example/web:1.0
          args: [--port=80]
          env: [{ name: LOG_LEVEL, value: info }, { name: MODE, value: prod }]
          ports: [{ containerPort: 80, protocol: TCP, name: http }, { containerPort: 9090, protocol: TCP, name: metrics }]
          volumeMounts: [{ name: data, mountPath: /data }]
          terminationMessagePath: /dev/termination-log
      volumes: [{ name: data, emptyDir: {} }]
status: { replicas: 5, conditions: [{ type: Available, status: "True" }] }
`;
const LIVE = parse(LIVE_YAML) as KubeObject;

type Doc = any;
/** A copy of obj, edited. */
function edited(obj: KubeObject, edit: (o: Doc) => void): KubeObject {
  const copy: Doc = structuredClone(obj);
  edit(copy);
  return copy;
}
const web = (o: Doc) => o.spec.template.spec.containers[0];
const C = 'spec.template.spec.containers[name=web]';

describe('formatFieldPath and parseFieldPath', () => {
  // case | steps | text
  const rows: [string, PathStep[], string][] = [
    ['plain fields', [{ field: 'spec' }, { field: 'replicas' }], 'spec.replicas'],
    ['a keyed item', [{ field: 'containers' }, { key: { name: 'web' } }, { field: 'image' }], 'containers[name=web].image'],
    ['a two-field key, number bare', [{ field: 'ports' }, { key: { containerPort: 80, protocol: 'TCP' } }], 'ports[containerPort=80,protocol=TCP]'],
    ['a field that is no identifier is quoted', [{ field: 'metadata' }, { field: 'labels' }, { field: 'app.kubernetes.io/name' }], 'metadata.labels["app.kubernetes.io/name"]'],
    ['a quoted field first', [{ field: 'a b' }, { field: 'c' }], '["a b"].c'],
    ['a numeric-looking string key is quoted', [{ field: 'env' }, { key: { name: '80' } }], 'env[name="80"]'],
    ['a key value with a comma or bracket is quoted', [{ field: 'x' }, { key: { name: 'a,b]c', n: 1 } }], 'x[name="a,b]c",n=1]'],
    ['boolean key values, and the word true as a string', [{ field: 'x' }, { key: { on: true, s: 'true' } }], 'x[on=true,s="true"]'],
    ['a path-like key value stays bare', [{ field: 'volumeMounts' }, { key: { mountPath: '/data' } }], 'volumeMounts[mountPath=/data]'],
  ];
  for (const [name, steps, text] of rows) {
    it(name, () => {
      assert.equal(formatFieldPath(steps), text);
      assert.deepEqual(parseFieldPath(text), steps);
    });
  }
  it('refuses text that is not a path', () => {
    for (const text of ['', '.spec', 'spec..replicas', 'spec[', 'spec[name]', 'spec[name=web', 'spec["x"', 'spec[name=]', 'spec replicas', 'a[=1]']) {
      assert.equal(parseFieldPath(text), undefined, text);
    }
  });
});

describe('driftedFields', () => {
  // case | desired | live | expected paths
  const rows: [string, KubeObject, KubeObject, string[]][] = [
    ['no drift: server metadata, status, server annotations and live-only fields are not ours', DESIRED, LIVE, []],
    ['a scaled Deployment', DESIRED, edited(LIVE, (o) => { o.spec.replicas = 5; }), ['spec.replicas']],
    ['an image set by hand', DESIRED, edited(LIVE, (o) => { web(o).image = 'registry.example/web:1.1-hotfix'; }), [`${C}.image`]],
    ['a port name, keyed by containerPort and protocol', DESIRED, edited(LIVE, (o) => { web(o).ports[0].name = 'web'; }), [`${C}.ports[containerPort=80,protocol=TCP].name`]],
    ['a manifest without protocol names the same port (the server defaults TCP)',
      edited(DESIRED, (o) => { delete web(o).ports[0].protocol; }), edited(LIVE, (o) => { web(o).ports[0].name = 'web'; }),
      [`${C}.ports[containerPort=80,protocol=TCP].name`]],
    ['an env value, keyed by name', DESIRED, edited(LIVE, (o) => { web(o).env[0].value = 'debug'; }), [`${C}.env[name=LOG_LEVEL].value`]],
    ['an atomic list is reported whole', DESIRED, edited(LIVE, (o) => { web(o).args.push('--debug'); }), [`${C}.args`]],
    ['a removed container is reported as the item', DESIRED, edited(LIVE, (o) => { o.spec.template.spec.containers = [{ name: 'other', image: 'x' }]; }), [C]],
    ['an injected sidecar and reordered keyed items are not drift', DESIRED,
      edited(LIVE, (o) => { o.spec.template.spec.containers.push({ name: 'proxy', image: 'envoy' }); web(o).env.reverse(); web(o).ports.reverse(); }), []],
    ['a label with dots', DESIRED, edited(LIVE, (o) => { o.metadata.labels['app.kubernetes.io/name'] = 'other'; }), ['metadata.labels["app.kubernetes.io/name"]']],
    ['a removed label', DESIRED, edited(LIVE, (o) => { delete o.metadata.labels['app.kubernetes.io/name']; }), ['metadata.labels["app.kubernetes.io/name"]']],
    ['a volume mount, keyed by mountPath', DESIRED, edited(LIVE, (o) => { web(o).volumeMounts[0].name = 'other'; }), [`${C}.volumeMounts[mountPath=/data].name`]],
    ['a set: extra and reordered finalizers are not drift', DESIRED, edited(LIVE, (o) => { o.metadata.finalizers = ['other/x', 'example.com/protect']; }), []],
    ['a set: our finalizer removed', DESIRED, edited(LIVE, (o) => { o.metadata.finalizers = ['other/x']; }), ['metadata.finalizers']],
    ['a deep field of a struct', DESIRED, edited(LIVE, (o) => { o.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values = ['b']; }),
      ['spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms']],
    ['a map replaced by a scalar', DESIRED, edited(LIVE, (o) => { o.spec.selector = 'x'; }), ['spec.selector']],
    ['several fields, in walk order', DESIRED, edited(LIVE, (o) => { o.spec.replicas = 5; web(o).image = 'x'; web(o).env[0].value = 'debug'; }),
      ['spec.replicas', `${C}.env[name=LOG_LEVEL].value`, `${C}.image`]],
    ['a null we apply equals an absent live field', edited(DESIRED, (o) => { o.spec.paused = null; }), LIVE, []],
  ];
  for (const [name, desired, live, expected] of rows) {
    it(name, () => assert.deepEqual(driftedFields(desired, live), expected));
  }

  const crd = (listeners: unknown[], managedFields?: unknown[]): KubeObject => ({
    apiVersion: 'example.com/v1', kind: 'Gateway', metadata: { name: 'g', ...(managedFields ? { managedFields } : {}) }, spec: { listeners },
  });
  const keyedByPort = [{ manager: FIELD_MANAGER, operation: 'Apply', fieldsV1: { 'f:spec': { 'f:listeners': { 'k:{"port":8080}': { '.': {}, 'f:port': {}, 'f:mode': {} } } } } }];
  // case | desired | live | expected paths
  const crdRows: [string, KubeObject, KubeObject, string[]][] = [
    ['a CRD list keyed as its managedFields say', crd([{ port: 8080, mode: 'http' }]), crd([{ port: 8080, mode: 'tcp' }], keyedByPort), ['spec.listeners[port=8080].mode']],
    ['keys found in the dry-run result\'s managedFields too', crd([{ port: 8080, mode: 'http' }], keyedByPort), crd([{ port: 8080, mode: 'tcp' }]), ['spec.listeners[port=8080].mode']],
    ['without managedFields, items that all have a name are keyed by it', crd([{ name: 'a', mode: 'http' }]), crd([{ name: 'a', mode: 'tcp' }]), ['spec.listeners[name=a].mode']],
    ['without managedFields or names, the list is atomic', crd([{ port: 8080, mode: 'http' }]), crd([{ port: 8080, mode: 'tcp' }]), ['spec.listeners']],
  ];
  for (const [name, desired, live, expected] of crdRows) {
    it(name, () => assert.deepEqual(driftedFields(desired, live), expected));
  }
});

describe('writersOf', () => {
  const hpa: FieldWriter = { path: 'spec.replicas', manager: 'horizontal-pod-autoscaler', operation: 'Update', time: '2026-01-11T10:02:00Z', subresource: 'scale' };
  const csa = (path: string): FieldWriter => ({ path, manager: 'kubectl-client-side-apply', operation: 'Update', time: '2026-01-10T09:00:00Z' });
  // case | paths | expected writers
  const rows: [string, string[], FieldWriter[]][] = [
    ['the HPA writes spec.replicas through the scale subresource', ['spec.replicas'], [hpa]],
    ['kubectl client-side apply owns the image', [`${C}.image`], [csa(`${C}.image`)]],
    ['a two-field list key matches whatever its JSON field order', [`${C}.ports[containerPort=80,protocol=TCP].name`], [csa(`${C}.ports[containerPort=80,protocol=TCP].name`)]],
    ['kubectl-edit owns one env item', [`${C}.env[name=LOG_LEVEL].value`],
      [{ path: `${C}.env[name=LOG_LEVEL].value`, manager: 'kubectl-edit', operation: 'Update', time: '2026-01-11T10:03:00Z' }]],
    ['an atomic list owned whole', [`${C}.args`], [csa(`${C}.args`)]],
    ['an ancestor owned whole ({}) owns what is under it', ['spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms'],
      [csa('spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms')]],
    ['a set owned by its v: items', ['metadata.finalizers'], [{ path: 'metadata.finalizers', manager: 'protect-controller', operation: 'Update', time: '2026-01-09T08:00:00Z' }]],
    ['a field only we own has no other writer', [`${C}.env[name=MODE].value`], []],
    ['a field nobody owns has no writer', ['spec.paused'], []],
    ['a removed container is owned by nobody', ['spec.template.spec.containers[name=other]'], []],
    ['the item itself: every manager with fields under it, newest first', [C],
      [{ path: C, manager: 'kubectl-edit', operation: 'Update', time: '2026-01-11T10:03:00Z' }, csa(C)]],
    ['a key that only partly matches names another item', [`${C}.ports[containerPort=80].name`], []],
    ['a malformed path is skipped', ['spec..replicas', 'spec.replicas'], [hpa]],
    ['several paths, in the order given', ['spec.replicas', `${C}.image`], [hpa, csa(`${C}.image`)]],
  ];
  for (const [name, paths, expected] of rows) {
    it(name, () => assert.deepEqual(writersOf(LIVE, paths, FIELD_MANAGER), expected));
  }
  it('the status subresource writer is found for status fields', () => {
    assert.deepEqual(writersOf(LIVE, ['status.conditions[type=Available].status'], FIELD_MANAGER).map((w) => [w.manager, w.subresource]), [['kube-controller-manager', 'status']]);
  });
  it('ours is left out, and counted when another name is ours', () => {
    assert.deepEqual(writersOf(LIVE, [`${C}.env[name=MODE].value`], 'someone-else').map((w) => w.manager), [FIELD_MANAGER]);
  });
  it('an object without managedFields, or with malformed entries, has no writers', () => {
    const bare = edited(LIVE, (o) => { delete o.metadata.managedFields; });
    assert.deepEqual(writersOf(bare, ['spec.replicas'], FIELD_MANAGER), []);
    const junk = edited(LIVE, (o) => { o.metadata.managedFields = [null, 7, { manager: 3 }, { manager: 'x', fieldsV1: 'no' }, { manager: 'y', fieldsType: 'FieldsV2', fieldsV1: { 'f:spec': {} } }]; });
    assert.deepEqual(writersOf(junk, ['spec.replicas'], FIELD_MANAGER), []);
  });
  it('drift found by driftedFields is attributed by writersOf', () => {
    const live = edited(LIVE, (o) => { o.spec.replicas = 5; web(o).image = 'x'; });
    assert.deepEqual(writersOf(live, driftedFields(DESIRED, live), FIELD_MANAGER).map((w) => `${w.path} ${w.manager}`),
      ['spec.replicas horizontal-pod-autoscaler', `${C}.image kubectl-client-side-apply`]);
  });
});
