// Table-driven tests for one task's sync options: where each option comes from (application,
// operation, resource annotation), the write method, field validation, Force, adoption,
// FailOnSharedResource, the CreateNamespace namespace and Delete=false / Delete=confirm.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from './objects.ts';
import { trackingId } from './objects.ts';
import {
  applyPolicyOf, deletionHold, fieldValidationOf, managedNamespaceMetadataOf, mayRecreate, namespaceObject, runSyncOptions,
  sharedResourceFailure, takesOverManagers, taskOptions, writeMethodOf, type WriteMethod,
} from './apply-options.ts';
import type { SyncOptions } from './sync-options.ts';

const ANNOTATION = 'argocd.argoproj.io/sync-options';
const TRACKING = 'flotilla.dev/tracking-id';

/** A ConfigMap with these annotations. */
const cm = (annotations: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns', annotations } });

describe('taskOptions', () => {
  // case | application list | operation list | target annotation | live annotation | expected options
  const rows: [string, string[], string[], string | undefined, string | undefined, SyncOptions][] = [
    ['nothing given', [], [], undefined, undefined, {}],
    ['the application\'s list', ['Validate=false', 'CreateNamespace=true'], [], undefined, undefined, { validate: false, createNamespace: true }],
    ['the operation overrides the application option by option', ['Force=false', 'PruneLast=true'], ['Force=true'], undefined, undefined, { force: true, pruneLast: true }],
    ['the resource annotation wins over both', ['Replace=false'], ['Replace=false'], 'Replace=true', undefined, { replace: true }],
    ['the live copy\'s annotation when the target has none', [], [], undefined, 'Force=true', { force: true }],
    ['the target\'s annotation over the live copy\'s', [], [], 'Force=false', 'Force=true', { force: false }],
    ['application-wide options in an annotation are ignored, as in Argo CD', ['FailOnSharedResource=false'], [],
      'FailOnSharedResource=true,RespectIgnoreDifferences=true,ApplyOutOfSyncOnly=true,CreateNamespace=true,PrunePropagationPolicy=orphan', undefined, { failOnSharedResource: false }],
    ['ServerSideApply and ClientSideApplyMigration per resource', [], [], 'ServerSideApply=false,ClientSideApplyMigration=false', undefined, { serverSideApply: false, clientSideApplyMigration: false }],
  ];
  for (const [name, app, op, target, live, expected] of rows) {
    it(name, () => {
      const run = runSyncOptions(app, op).options;
      const t = target === undefined ? cm() : cm({ [ANNOTATION]: target });
      const l = live === undefined ? undefined : cm({ [ANNOTATION]: live });
      assert.deepEqual(taskOptions(run, t, l), expected);
    });
  }
});

describe('what the options make a task do', () => {
  // case | options | write method | fieldValidation | recreate on immutable | take managers over
  const rows: [string, SyncOptions, WriteMethod['method'], 'Ignore' | undefined, boolean, boolean][] = [
    ['defaults: server-side apply, the server\'s validation, no recreate, adoption on', {}, 'apply', undefined, false, true],
    ['Replace=true', { replace: true }, 'replace', undefined, false, true],
    ['ServerSideApply=true is the default', { serverSideApply: true }, 'apply', undefined, false, true],
    ['ServerSideApply=false is refused', { serverSideApply: false }, 'refused', undefined, false, true],
    ['Replace=true with ServerSideApply=false replaces (Argo CD: Replace first)', { replace: true, serverSideApply: false }, 'replace', undefined, false, true],
    ['Validate=false', { validate: false }, 'apply', 'Ignore', false, true],
    ['Validate=true', { validate: true }, 'apply', undefined, false, true],
    ['Force=true', { force: true }, 'apply', undefined, true, true],
    ['ClientSideApplyMigration=false', { clientSideApplyMigration: false }, 'apply', undefined, false, false],
  ];
  for (const [name, options, method, validation, recreate, takeover] of rows) {
    it(name, () => {
      const write = writeMethodOf(options);
      assert.equal(write.method, method);
      if (write.method === 'refused') assert.match(write.message, /ServerSideApply=false is not supported/);
      assert.equal(fieldValidationOf(options), validation);
      assert.equal(mayRecreate(options), recreate);
      assert.equal(takesOverManagers(options), takeover);
    });
  }
});

describe('sharedResourceFailure', () => {
  const tracked = (app: string, name = 'c') => cm({ [TRACKING]: trackingId(app, { group: '', kind: 'ConfigMap', namespace: 'ns', name }) });
  // case | options | live | expected message fragment (undefined: no failure)
  const rows: [string, SyncOptions, KubeObject | undefined, string | undefined][] = [
    ['tracked by another app, option on', { failOnSharedResource: true }, tracked('other'), 'already tracked by application "other" (FailOnSharedResource=true)'],
    ['tracked by another app, option off: applied (Argo CD warns)', {}, tracked('other'), undefined],
    ['tracked by this app', { failOnSharedResource: true }, tracked('mine'), undefined],
    ['untracked', { failOnSharedResource: true }, cm(), undefined],
    ['absent', { failOnSharedResource: true }, undefined, undefined],
    ['a copied tracking id naming another object is not tracking', { failOnSharedResource: true }, tracked('other', 'elsewhere'), undefined],
  ];
  for (const [name, options, live, expected] of rows) {
    it(name, () => {
      const failure = sharedResourceFailure(options, live, 'mine');
      if (expected === undefined) assert.equal(failure, undefined);
      else assert.ok(failure?.includes(expected), failure);
    });
  }
});

describe('namespaceObject and managedNamespaceMetadata', () => {
  it('adds the managed labels and annotations', () => {
    const meta = managedNamespaceMetadataOf({ managedNamespaceMetadata: { labels: { team: 'a', bad: 1 }, annotations: { note: 'x' } } });
    assert.deepEqual(meta, { labels: { team: 'a' }, annotations: { note: 'x' } });
    assert.deepEqual(namespaceObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } }, meta),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web', labels: { team: 'a' }, annotations: { note: 'x' } } });
  });
  it('no metadata: the bare namespace', () => {
    assert.equal(managedNamespaceMetadataOf({ syncOptions: [] }), undefined);
    assert.deepEqual(namespaceObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } }, undefined), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } });
  });
});

describe('deletionHold', () => {
  // case | annotation | confirmed | expected
  const rows: [string, string | undefined, boolean, 'delete' | 'keep' | 'wait'][] = [
    ['no option: deleted', undefined, false, 'delete'],
    ['Delete=false: kept', 'Delete=false', true, 'keep'],
    ['Delete=confirm, not confirmed: waits', 'Delete=confirm', false, 'wait'],
    ['Delete=confirm, confirmed: deleted', 'Delete=confirm', true, 'delete'],
    ['Delete=true: deleted', 'Delete=true', false, 'delete'],
  ];
  for (const [name, annotation, confirmed, expected] of rows) {
    it(name, () => {
      const hold = deletionHold(cm(annotation ? { [ANNOTATION]: annotation } : {}), confirmed);
      assert.equal(hold === undefined ? 'delete' : 'keep' in hold ? 'keep' : 'wait', expected);
    });
  }
});

describe('applyPolicyOf', () => {
  it('reads the sync policy, ignoreDifferences and the operation\'s options', () => {
    const policy = applyPolicyOf({ syncOptions: ['RespectIgnoreDifferences=true', 'Force=false', 7] }, [{ kind: 'ConfigMap', jsonPointers: ['/data/b'] }], ['Force=true']);
    assert.deepEqual(policy, { options: { respectIgnoreDifferences: true, force: true }, ignoreDifferences: [{ kind: 'ConfigMap', jsonPointers: ['/data/b'] }] });
  });
});
