// Table-driven tests for object identity: apiVersion parsing, refs and keys, tracking ids and labels,
// ownership, and prepareDesired over the testdata/bundle.yaml fixture and inline manifests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import {
  TRACKING_ANNOTATION, TRACKING_LABEL, isTrackedBy, parseApiVersion, parseTrackingId, prepareDesired, refKey, refOf,
  trackingLabelValue, type KubeObject,
} from './objects.ts';

/** Reads a multi-document YAML fixture from testdata/. */
function fixture(name: string): object[] {
  const text = readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
  return parseAllDocuments(text).map((doc) => doc.toJS() as object).filter((doc) => doc !== null);
}

/** Discovery as a cluster without the bundle's CRDs would answer it. */
function discovery(group: string, kind: string): boolean | undefined {
  const known: Record<string, boolean> = {
    '/Namespace': false, '/ConfigMap': true, 'apps/Deployment': true, 'rbac.authorization.k8s.io/ClusterRole': false,
    'apiextensions.k8s.io/CustomResourceDefinition': false,
  };
  return known[`${group}/${kind}`];
}

/** A minimal object. */
function obj(apiVersion: string, kind: string, name: string, namespace?: string, annotations?: Record<string, string>): KubeObject {
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) } };
}

describe('parseApiVersion and refs', () => {
  // apiVersion | kind | name | namespace | expected group | expected version | expected refKey
  const rows: [string, string, string, string | undefined, string, string, string][] = [
    ['v1', 'ConfigMap', 'c', 'ns', '', 'v1', '/ConfigMap/ns/c'],
    ['apps/v1', 'Deployment', 'web', 'shop', 'apps', 'v1', 'apps/Deployment/shop/web'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader', undefined, 'rbac.authorization.k8s.io', 'v1', 'rbac.authorization.k8s.io/ClusterRole//reader'],
    ['example.com/v1beta2', 'Widget', 'w', '', 'example.com', 'v1beta2', 'example.com/Widget//w'],
  ];
  for (const [apiVersion, kind, name, namespace, group, version, key] of rows) {
    it(`${apiVersion} ${kind} ${name}`, () => {
      assert.deepEqual(parseApiVersion(apiVersion), { group, version });
      const ref = refOf(obj(apiVersion, kind, name, namespace));
      assert.equal(ref.namespace, namespace || undefined);
      assert.equal(refKey(ref), key);
    });
  }
});

describe('trackingLabelValue', () => {
  // case | app name | expected value (string) or a check on it
  const long = 'a'.repeat(70);
  const rows: [string, string, string | ((value: string) => void)][] = [
    ['valid name kept', 'shop-web', 'shop-web'],
    ['apps-in-any-namespace name with underscore kept', 'team_shop.web', 'team_shop.web'],
    ['exactly 63 chars kept', 'b'.repeat(63), 'b'.repeat(63)],
    ['too long: prefix plus hash, valid and stable', long, (value) => {
      assert.ok(value.length <= 63 && /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/.test(value), value);
      assert.ok(value.startsWith('a'.repeat(46) + '-'));
      assert.equal(value, trackingLabelValue(long));
      assert.notEqual(value, trackingLabelValue(`${long}x`));
    }],
    ['invalid characters: sanitized prefix plus hash', 'shop/web:1', (value) => assert.match(value, /^shop-web-1-[0-9a-f]{16}$/)],
    ['nothing usable: hash only', '//', (value) => assert.match(value, /^[0-9a-f]{16}$/)],
  ];
  for (const [name, app, expected] of rows) {
    it(name, () => {
      const value = trackingLabelValue(app);
      if (typeof expected === 'string') assert.equal(value, expected);
      else expected(value);
    });
  }
});

describe('parseTrackingId and isTrackedBy', () => {
  // case | live object | app | tracked?
  const rows: [string, KubeObject, string, boolean][] = [
    ['own namespaced object', obj('apps/v1', 'Deployment', 'web', 'shop', { [TRACKING_ANNOTATION]: 'shop:apps/Deployment:shop/web' }), 'shop', true],
    ['own cluster-scoped object', obj('v1', 'Namespace', 'shop', undefined, { [TRACKING_ANNOTATION]: 'shop:/Namespace:/shop' }), 'shop', true],
    ['app name with a colon', obj('v1', 'ConfigMap', 'c', 'ns', { [TRACKING_ANNOTATION]: 'a:b:/ConfigMap:ns/c' }), 'a:b', true],
    ['another app', obj('apps/v1', 'Deployment', 'web', 'shop', { [TRACKING_ANNOTATION]: 'other:apps/Deployment:shop/web' }), 'shop', false],
    ['copied annotation (ReplicaSet of our Deployment)', obj('apps/v1', 'ReplicaSet', 'web-1', 'shop', { [TRACKING_ANNOTATION]: 'shop:apps/Deployment:shop/web' }), 'shop', false],
    ['same name in another namespace', obj('apps/v1', 'Deployment', 'web', 'dev', { [TRACKING_ANNOTATION]: 'shop:apps/Deployment:shop/web' }), 'shop', false],
    ['no annotation', obj('apps/v1', 'Deployment', 'web', 'shop'), 'shop', false],
    ['malformed annotation', obj('apps/v1', 'Deployment', 'web', 'shop', { [TRACKING_ANNOTATION]: 'shop' }), 'shop', false],
  ];
  for (const [name, live, app, tracked] of rows) {
    it(name, () => assert.equal(isTrackedBy(live, app), tracked));
  }
  it('parses the parts', () => {
    assert.deepEqual(parseTrackingId('a:b:apps/Deployment:shop/web'), { app: 'a:b', group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' });
  });
});

describe('prepareDesired on testdata/bundle.yaml', () => {
  const manifests = fixture('bundle.yaml');
  const original = structuredClone(manifests);
  const { objects, errors } = prepareDesired(manifests, 'shop-app', 'shop', discovery);
  const byName = new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
  // kind/name | expected metadata.namespace (undefined: none) | why
  const rows: [string, string | undefined, string][] = [
    ['Namespace/shop', undefined, 'cluster-scoped: a namespace written in Git is dropped'],
    ['CustomResourceDefinition/widgets.example.com', undefined, 'cluster-scoped'],
    ['Widget/w1', 'shop', 'unknown to discovery, CRD in bundle says Namespaced: defaulted'],
    ['Gadget/g1', undefined, 'unknown to discovery, CRD in bundle says Cluster: namespace dropped'],
    ['ClusterRole/reader', undefined, 'cluster-scoped: namespace dropped'],
    ['Deployment/web', 'shop', 'namespaced without one: destination'],
    ['ConfigMap/settings', 'other', 'namespaced with one: kept'],
    ['Thing/t-defaulted', 'shop', 'unknown kind without a namespace: destination'],
    ['Thing/t-explicit', 'elsewhere', 'unknown kind with a namespace: kept'],
  ];
  for (const [name, namespace, why] of rows) {
    it(`${name}: ${why}`, () => {
      const o = byName.get(name);
      assert.ok(o, `missing ${name}`);
      assert.equal(o.metadata.namespace, namespace);
      assert.equal(o.metadata.labels?.[TRACKING_LABEL], 'shop-app');
      const ref = refOf(o);
      assert.equal(o.metadata.annotations?.[TRACKING_ANNOTATION], `shop-app:${ref.group}/${ref.kind}:${ref.namespace ?? ''}/${ref.name}`);
      assert.ok(isTrackedBy(o, 'shop-app'));
    });
  }
  it('keeps existing labels and annotations, reports no errors, and leaves the input untouched', () => {
    assert.deepEqual(errors, []);
    assert.equal(objects.length, manifests.length);
    assert.equal(byName.get('Deployment/web')?.metadata.labels?.['app'], 'web');
    assert.equal(byName.get('Deployment/web')?.metadata.annotations?.['note'], 'keep');
    assert.deepEqual(manifests, original);
  });
});

describe('prepareDesired errors', () => {
  const cm = (name: string, namespace?: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}) } });
  // case | manifests | destination namespace | objects kept | expected errors as [ref or undefined, message fragment]
  const rows: [string, object[], string, number, [string | undefined, string][]][] = [
    ['duplicate after defaulting', [cm('a'), cm('a', 'shop')], 'shop', 1, [['/ConfigMap/shop/a', 'duplicate resource']]],
    ['same name in two namespaces is fine', [cm('a', 'x'), cm('a', 'y')], 'shop', 2, []],
    ['same kind and name in two API versions is a duplicate', [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } },
      { apiVersion: 'apps/v1beta2', kind: 'Deployment', metadata: { name: 'd' } }], 'shop', 1, [['apps/Deployment/shop/d', 'duplicate']]],
    ['missing name', [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }], 'shop', 0, [[undefined, 'manifest 1: metadata.name is required']]],
    ['missing kind', [cm('ok'), { apiVersion: 'v1', metadata: { name: 'x' } }], 'shop', 1, [[undefined, 'manifest 2: kind is required']]],
    ['labels not a map', [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: ['a'] } }], 'shop', 0, [[undefined, 'metadata.labels must be a map']]],
    ['namespaced kind and no destination namespace', [cm('a')], '', 0, [['/ConfigMap//a', 'names no namespace']]],
  ];
  for (const [name, manifests, dest, kept, expected] of rows) {
    it(name, () => {
      const { objects, errors } = prepareDesired(manifests, 'app', dest, discovery);
      assert.equal(objects.length, kept);
      assert.equal(errors.length, expected.length, JSON.stringify(errors));
      expected.forEach(([ref, fragment], i) => {
        assert.equal(errors[i]?.ref, ref);
        assert.ok(errors[i]?.message.includes(fragment), errors[i]?.message);
      });
    });
  }
});
