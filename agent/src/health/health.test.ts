// Table tests for resource health: one row per fixture (kind and state) with the expected status and a
// message fragment, then the deletion, custom-check and version rules, worstHealth and appHealth.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { appHealth, assessHealth, HOOK_FINALIZER, worstHealth, type CustomHealth, type HealthResult, type HealthStatus, type KubeObject } from './index.ts';

const TESTDATA = new URL('./testdata/', import.meta.url);
const load = (file: string): KubeObject => parse(readFileSync(new URL(file, TESTDATA), 'utf8')) as KubeObject;

/** Fixture file, expected status (undefined: no health at all), and a fragment the message must contain. */
const FIXTURES: [file: string, want: HealthStatus | undefined, fragment?: string][] = [
  ['deployment-healthy.yaml', 'Healthy'],
  ['deployment-progressing.yaml', 'Progressing', 'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...'],
  ['deployment-degraded.yaml', 'Degraded', 'Deployment "payments-api" exceeded its progress deadline'],
  ['deployment-paused.yaml', 'Suspended', 'Deployment is paused'],
  ['deployment-generation.yaml', 'Progressing', 'observed deployment generation less than desired generation'],
  ['deployment-old-replicas.yaml', 'Progressing', '1 old replicas are pending termination...'],
  ['deployment-unavailable.yaml', 'Progressing', '2 of 3 updated replicas are available...'],
  ['statefulset-healthy.yaml', 'Healthy', 'partitioned roll out complete: 3 new pods have been updated...'],
  ['statefulset-progressing.yaml', 'Progressing', 'Waiting for 2 pods to be ready...'],
  ['statefulset-partitioned.yaml', 'Progressing', 'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...'],
  ['statefulset-ondelete.yaml', 'Healthy', 'statefulset has 3 ready pods'],
  ['daemonset-healthy.yaml', 'Healthy'],
  ['daemonset-progressing.yaml', 'Progressing', 'Waiting for daemon set "node-exporter" rollout to finish: 2 out of 4 new pods have been updated...'],
  ['daemonset-ondelete.yaml', 'Healthy', 'daemon set 1 out of 4 new pods have been updated'],
  ['replicaset-healthy.yaml', 'Healthy'],
  ['replicaset-progressing.yaml', 'Progressing', '1 out of 3 new replicas are available...'],
  ['replicaset-degraded.yaml', 'Degraded', 'exceeded quota: compute'],
  ['pod-running.yaml', 'Healthy'],
  ['pod-pending.yaml', 'Progressing'],
  ['pod-crashloop.yaml', 'Degraded', 'back-off 2m40s restarting failed container=api'],
  ['pod-imagepullbackoff.yaml', 'Degraded', 'Back-off pulling image'],
  ['pod-running-not-ready.yaml', 'Progressing'],
  ['pod-running-restart-never.yaml', 'Progressing'],
  ['pod-succeeded.yaml', 'Healthy'],
  ['pod-failed.yaml', 'Degraded', 'container "migrate" failed with exit code 3'],
  ['pod-evicted.yaml', 'Degraded', 'The node was low on resource: ephemeral-storage'],
  ['pod-oomkilled.yaml', 'Degraded', 'OOMKilled'],
  ['pod-deleting.yaml', 'Progressing', 'Pending deletion'],
  ['job-running.yaml', 'Progressing'],
  ['job-succeeded.yaml', 'Healthy', 'Reached expected number of succeeded pods'],
  ['job-failed.yaml', 'Degraded', 'Job has reached the specified backoff limit'],
  ['job-suspended.yaml', 'Suspended'],
  ['service-clusterip.yaml', 'Healthy'],
  ['service-lb-pending.yaml', 'Progressing'],
  ['service-lb-ready.yaml', 'Healthy'],
  ['ingress-ready.yaml', 'Healthy'],
  ['ingress-pending.yaml', 'Progressing'],
  ['ingress-extensions.yaml', 'Healthy'],
  ['pvc-bound.yaml', 'Healthy'],
  ['pvc-pending.yaml', 'Progressing'],
  ['pvc-lost.yaml', 'Degraded'],
  ['hpa-v2-healthy.yaml', 'Healthy', 'recommended size matches current size'],
  ['hpa-v2-degraded.yaml', 'Degraded', 'the HPA was unable to compute the replica count'],
  ['hpa-v2-progressing.yaml', 'Progressing', 'Waiting to Autoscale'],
  ['hpa-v1-healthy.yaml', 'Healthy', 'applying the highest recent recommendation'],
  ['hpa-v1-degraded.yaml', 'Degraded', 'unable to get the target\'s current scale'],
  ['hpa-v1-progressing.yaml', 'Progressing', 'Waiting to Autoscale'],
  ['apiservice-available.yaml', 'Healthy', 'Passed: all checks passed'],
  ['apiservice-unavailable.yaml', 'Progressing', 'FailedDiscoveryCheck: failing or missing response'],
  ['crd-ready.yaml', 'Healthy', 'Certificate is up to date'],
  ['crd-not-ready.yaml', 'Degraded', 'Helm install failed'],
  ['crd-reconciling.yaml', 'Progressing', 'Detecting drift'],
  ['crd-stalled.yaml', 'Degraded', 'couldn\'t find remote ref'],
  ['crd-no-conditions.yaml', undefined],
  ['configmap.yaml', undefined],
];

describe('assessHealth on fixtures', () => {
  for (const [file, want, fragment] of FIXTURES) {
    it(`${file} is ${want ?? 'without health'}`, () => {
      const got = assessHealth(load(file));
      assert.equal(got?.status, want);
      if (fragment !== undefined) assert.ok(got?.message?.includes(fragment), `message ${JSON.stringify(got?.message)} lacks ${JSON.stringify(fragment)}`);
    });
  }

  it('has a row for every fixture file', () => {
    const rows = new Set(FIXTURES.map(([file]) => file));
    assert.deepEqual(readdirSync(TESTDATA).filter((f) => !rows.has(f)), []);
  });
});

/** Rules beyond the per-kind checks: each row builds its object and says what assessHealth must answer (a RegExp message matches). */
const RULES: [name: string, obj: () => KubeObject, want: { status: HealthStatus; message?: string | RegExp }, custom?: CustomHealth][] = [
  ['a deleting object is Progressing whatever its own health',
    () => ({ ...load('pod-crashloop.yaml'), metadata: { name: 'p', deletionTimestamp: '2026-03-02T11:00:00Z' } }),
    { status: 'Progressing', message: 'Pending deletion' }],
  ['a deleting hook keeps its own health while the hook finalizer holds it',
    () => ({ ...load('job-failed.yaml'), metadata: { name: 'm', deletionTimestamp: '2026-03-02T11:00:00Z', finalizers: [HOOK_FINALIZER] } }),
    { status: 'Degraded', message: 'Job has reached the specified backoff limit' }],
  ['deletion wins over a custom check, as in gitops-engine',
    () => load('pod-deleting.yaml'), { status: 'Progressing', message: 'Pending deletion' }, () => ({ status: 'Healthy' })],
  ['a custom check overrides the built-in one',
    () => load('deployment-degraded.yaml'), { status: 'Suspended', message: 'custom' }, () => ({ status: 'Suspended', message: 'custom' })],
  ['a custom check answering undefined falls through to the built-in one',
    () => load('pvc-lost.yaml'), { status: 'Degraded' }, () => undefined],
  ['a throwing custom check is Unknown with its error',
    () => load('configmap.yaml'), { status: 'Unknown', message: 'lua: attempt to index a nil value' }, () => { throw new Error('lua: attempt to index a nil value'); }],
  ['an apiVersion gitops-engine does not convert is Unknown',
    () => ({ ...load('deployment-healthy.yaml'), apiVersion: 'apps/v1beta2' }),
    { status: 'Unknown', message: 'unsupported Deployment GVK: apps/v1beta2, Kind=Deployment' }],
  ['an unreadable autoscaling/v1 conditions annotation is Unknown',
    () => { const hpa = load('hpa-v1-healthy.yaml'); return { ...hpa, metadata: { ...hpa.metadata, annotations: { 'autoscaling.alpha.kubernetes.io/conditions': '[{' } } }; },
    { status: 'Unknown', message: /^failed to convert conditions annotation to typed: / }],
  ['a custom resource whose controller lags its generation is Progressing',
    () => { const cert = load('crd-ready.yaml'); return { ...cert, metadata: { ...cert.metadata, generation: 2 }, status: { ...cert.status, observedGeneration: 1 } }; },
    { status: 'Progressing', message: 'Waiting for the controller to observe the latest generation' }],
];

describe('assessHealth rules', () => {
  for (const [name, obj, want, custom] of RULES) {
    it(name, () => {
      const got = assessHealth(obj(), custom);
      if (want.message instanceof RegExp) {
        assert.equal(got?.status, want.status);
        assert.match(got?.message ?? '', want.message);
      } else {
        assert.deepEqual(got, want);
      }
    });
  }
});

/** gitops-engine's healthOrder: Healthy < Suspended < Progressing < Missing < Degraded < Unknown. */
const WORST: [statuses: HealthStatus[], want: HealthStatus][] = [
  [[], 'Healthy'],
  [['Healthy', 'Suspended'], 'Suspended'],
  [['Suspended', 'Progressing', 'Healthy'], 'Progressing'],
  [['Missing', 'Progressing'], 'Missing'],
  [['Degraded', 'Missing', 'Healthy'], 'Degraded'],
  [['Degraded', 'Unknown'], 'Unknown'],
];

describe('worstHealth', () => {
  for (const [statuses, want] of WORST) {
    it(`[${statuses.join(', ')}] is ${want}`, () => assert.equal(worstHealth(statuses), want));
  }
});

const APP: [name: string, resources: { health?: HealthResult }[], want: HealthResult][] = [
  ['no resources is Healthy', [], { status: 'Healthy' }],
  ['resources without health are Healthy', [{}, {}], { status: 'Healthy' }],
  ['the worst resource wins, with its message', [
    { health: { status: 'Healthy' } },
    { health: { status: 'Progressing', message: 'Waiting to Autoscale' } },
    {},
    { health: { status: 'Degraded', message: 'back-off restarting failed container' } },
    { health: { status: 'Missing' } },
  ], { status: 'Degraded', message: 'back-off restarting failed container' }],
  ['the first of equally bad resources gives the message', [
    { health: { status: 'Suspended', message: 'Deployment is paused' } },
    { health: { status: 'Suspended', message: 'Job suspended' } },
  ], { status: 'Suspended', message: 'Deployment is paused' }],
];

describe('appHealth', () => {
  for (const [name, resources, want] of APP) {
    it(name, () => assert.deepEqual(appHealth(resources), want));
  }
});
