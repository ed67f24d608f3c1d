// Table tests of shared-resources.ts: which compared objects are shared with another application.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TRACKING_ANNOTATION, trackingId, type KubeObject } from './objects.ts';
import { sharedResourceWarnings } from './shared-resources.ts';
import type { Compared } from './status.ts';

const obj = (kind: string, name: string, namespace: string | undefined, tracker?: string, trackedName = name): KubeObject => ({
  apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', kind,
  metadata: { name, ...(namespace ? { namespace } : {}), ...(tracker ? { annotations: { [TRACKING_ANNOTATION]: trackingId(tracker, { group: kind === 'Deployment' ? 'apps' : '', kind, ...(namespace ? { namespace } : {}), name: trackedName }) } } : {}) },
});
const compared = (target: KubeObject, live: KubeObject | undefined): Compared => ({ target, live, status: 'Synced' });

describe('sharedResourceWarnings', () => {
  // case | compared objects | warning messages
  const rows: [string, Compared[], string[]][] = [
    ['nothing live', [compared(obj('ConfigMap', 'a', 'ns'), undefined)], []],
    ['untracked live object', [compared(obj('ConfigMap', 'a', 'ns'), obj('ConfigMap', 'a', 'ns'))], []],
    ['tracked by this app', [compared(obj('ConfigMap', 'a', 'ns'), obj('ConfigMap', 'a', 'ns', 'mine'))], []],
    ['tracked by another app', [compared(obj('ConfigMap', 'a', 'ns'), obj('ConfigMap', 'a', 'ns', 'other'))], ['ConfigMap/ns/a is part of applications mine and other']],
    ['a cluster-scoped one', [compared(obj('Namespace', 'shop', undefined), obj('Namespace', 'shop', undefined, 'infra'))], ['Namespace/shop is part of applications mine and infra']],
    ['a copied tracking id (it names another object) is no tracking', [compared(obj('ConfigMap', 'a', 'ns'), obj('ConfigMap', 'a', 'ns', 'other', 'b'))], []],
    ['one per shared object', [
      compared(obj('Deployment', 'web', 'ns'), obj('Deployment', 'web', 'ns', 'x')),
      compared(obj('ConfigMap', 'b', 'ns'), obj('ConfigMap', 'b', 'ns', 'mine')),
      compared(obj('ConfigMap', 'c', 'ns'), obj('ConfigMap', 'c', 'ns', 'y')),
    ], ['Deployment/ns/web is part of applications mine and x', 'ConfigMap/ns/c is part of applications mine and y']],
  ];
  for (const [name, input, want] of rows) {
    it(name, () => {
      const got = sharedResourceWarnings(input, 'mine');
      assert.ok(got.every((c) => c.type === 'SharedResourceWarning'));
      assert.deepEqual(got.map((c) => c.message), want);
    });
  }
});
