// Argo CD's sync options acting on a real cluster, through the hub and an agent: adoption of an
// object kubectl client-side-applied (its field managers taken over, so a field removed from Git
// goes), Force=true recreating an object whose immutable field changed, Replace=true, Validate=false,
// CreateNamespace with managedNamespaceMetadata, FailOnSharedResource (and the SharedResourceWarning
// the comparison reports), and a sync's own retry strategy.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../support/fleet.ts';
import { eventually } from '../support/hub.ts';

const NS = 'opts';
const OPTIONS = 'argocd.argoproj.io/sync-options';

/** A ConfigMap with these data keys, annotations and extra top-level YAML. */
const cm = (name: string, data: Record<string, string>, extra: { annotations?: Record<string, string>; top?: string } = {}) => [
  'apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${name}`,
  ...(extra.annotations ? ['  annotations:', ...Object.entries(extra.annotations).map(([k, v]) => `    ${k}: "${v}"`)] : []),
  'data:', ...Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`), ...(extra.top ? [extra.top] : []), '',
].join('\n');

/** The live object as JSON, with its managedFields. */
function getJson(f: Fleet, ...what: string[]): any {
  return JSON.parse(f.kubectl(0, 'get', ...what, '-n', NS, '-o', 'json', '--show-managed-fields'));
}

describe('sync options on a real cluster', () => {
  let f: Fleet;
  before(async () => {
    f = await startFleet(['east'], {
      'opts/adopt.yaml': cm('adopt', { a: '1', b: '2' }),
      'opts/frozen.yaml': cm('frozen', { value: 'v1' }, { top: 'immutable: true' }),
      'opts/replaced.yaml': cm('replaced', { value: 'v1' }, { annotations: { [OPTIONS]: 'Replace=true' } }),
      'opts/lenient.yaml': cm('lenient', { value: 'v1' }, { annotations: { [OPTIONS]: 'Validate=false' }, top: 'notAField: {x: 1}' }),
      'respect/keep.yaml': cm('keep', { a: '1', b: 'git' }),
      'thief/adopt.yaml': `${cm('adopt', { a: 'stolen' })}`.replace('  name: adopt', `  name: adopt\n  namespace: ${NS}`),
    });
    // kubectl client-side-applies `adopt` before Flotilla exists: manager kubectl-client-side-apply and the last-applied annotation.
    f.kubectl(0, 'create', 'namespace', NS);
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-csa-'));
    writeFileSync(join(dir, 'adopt.yaml'), cm('adopt', { a: '1', b: '2' }));
    f.kubectl(0, 'apply', '-n', NS, '-f', join(dir, 'adopt.yaml'));
    const before = getJson(f, 'configmap/adopt');
    assert.ok(before.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    assert.ok(before.metadata.managedFields.some((m: any) => m.manager === 'kubectl-client-side-apply'));
  });
  after(() => f?.stop());

  it('adopts an object kubectl client-side-applied: a field removed from Git is removed, no other manager is left', async () => {
    await f.createApp('opts', 'opts', 'east', NS, {
      automated: { prune: true, selfHeal: true },
      syncOptions: ['CreateNamespace=true'],
      managedNamespaceMetadata: { labels: { team: 'payments' }, annotations: { 'owner.example.com/contact': 'ops' } },
    });
    await eventually('opts Synced', async () => {
      const a = await f.app('opts');
      return a.status.sync.status === 'Synced' && a.status.operationState?.phase === 'Succeeded' ? a : undefined;
    }, 60_000);
    const adopted = getJson(f, 'configmap/adopt');
    assert.equal(adopted.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], undefined, 'the last-applied annotation is dropped');
    assert.deepEqual(adopted.metadata.managedFields.map((m: any) => m.manager), ['flotilla-agent'], JSON.stringify(adopted.metadata.managedFields));

    await f.push({ 'opts/adopt.yaml': cm('adopt', { a: '1' }) }, 'drop b');
    const live = await eventually('b removed from the live object', async () => {
      const obj = getJson(f, 'configmap/adopt');
      return obj.data.b === undefined ? obj : undefined;
    }, 30_000);
    assert.deepEqual(live.data, { a: '1' });
    // No conflict left: an apply without force by Flotilla's manager is accepted.
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-ssa-'));
    writeFileSync(join(dir, 'adopt.yaml'), cm('adopt', { a: '1' }));
    f.kubectl(0, 'apply', '--server-side', '--field-manager=flotilla-agent', '--dry-run=server', '-n', NS, '-f', join(dir, 'adopt.yaml'));
  });

  it('creates the namespace with managedNamespaceMetadata', async () => {
    const ns = JSON.parse(f.kubectl(0, 'get', 'namespace', NS, '-o', 'json'));
    assert.equal(ns.metadata.labels.team, 'payments');
    assert.equal(ns.metadata.annotations['owner.example.com/contact'], 'ops');
  });

  it('Validate=false applies a manifest with a field the schema does not declare (without that field)', async () => {
    const lenient = getJson(f, 'configmap/lenient');
    assert.equal(lenient.data.value, 'v1');
    assert.equal(lenient.notAField, undefined);
  });

  it('Replace=true writes the object with a replace (an Update), not an apply', async () => {
    const replaced = getJson(f, 'configmap/replaced');
    const ours = replaced.metadata.managedFields.filter((m: any) => m.manager === 'flotilla-agent');
    assert.deepEqual(ours.map((m: any) => m.operation), ['Update'], JSON.stringify(replaced.metadata.managedFields));
  });

  it('an immutable field change fails without Force, and deletes and recreates with Force=true from app sync --force', async () => {
    const uid = getJson(f, 'configmap/frozen').metadata.uid;
    await f.push({ 'opts/frozen.yaml': cm('frozen', { value: 'v2' }, { top: 'immutable: true' }) }, 'change frozen');
    const failed = await eventually('the sync fails on the immutable field', async () => {
      const a = await f.app('opts');
      return a.status.operationState?.phase === 'Failed' && /immutable/.test(a.status.operationState.message) ? a : undefined;
    }, 30_000);
    assert.match(failed.status.operationState.message, /frozen/);
    assert.equal(getJson(f, 'configmap/frozen').data.value, 'v1');
    const sync = await f.hub.api('POST', '/api/v1/applications/opts/sync', { syncOptions: ['Force=true'] });
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    const recreated = await eventually('frozen recreated with v2', async () => {
      const obj = getJson(f, 'configmap/frozen');
      return obj.data.value === 'v2' ? obj : undefined;
    }, 30_000);
    assert.notEqual(recreated.metadata.uid, uid, 'a new object');
  });

  it('FailOnSharedResource=true fails a sync whose object another application tracks', async () => {
    await f.createApp('thief', 'thief', 'east', NS, { syncOptions: ['FailOnSharedResource=true'] });
    await eventually('thief OutOfSync', async () => (await f.app('thief')).status.sync.status === 'OutOfSync', 30_000);
    const sync = await f.hub.api('POST', '/api/v1/applications/thief/sync', {});
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    const failed = await eventually('thief fails', async () => {
      const a = await f.app('thief');
      return a.status.operationState?.phase === 'Failed' ? a : undefined;
    }, 30_000);
    assert.match(failed.status.operationState.message, /already tracked by application "opts" \(FailOnSharedResource=true\)/);
    assert.equal(getJson(f, 'configmap/adopt').data.a, '1', 'the other application\'s object is untouched');
    // As in Argo CD, the comparison also says so: a SharedResourceWarning naming the object and both apps.
    const warned = await eventually('a SharedResourceWarning', async () => (await f.app('thief')).status.conditions?.find((c: { type: string }) => c.type === 'SharedResourceWarning'), 30_000);
    assert.match(warned.message, /^ConfigMap\/[^ ]*adopt is part of applications thief and opts$/);
  });

  it("a sync's own retry strategy is used by the agent (the application has no syncPolicy.retry)", async () => {
    const sync = await f.hub.api('POST', '/api/v1/applications/thief/sync', { retry: { limit: 1, backoff: { duration: '1s' } } });
    assert.equal(sync.status, 200, JSON.stringify(sync.body));
    const failed = await eventually('thief fails after its retry', async () => {
      const a = await f.app('thief');
      return a.status.operationState?.id === sync.body.operation.id && a.status.operationState.phase === 'Failed' ? a : undefined;
    }, 30_000);
    assert.match(failed.status.operationState.message, /already tracked by application "opts".*\(retry limit of 1 reached\)/);
  });

  it('RespectIgnoreDifferences=true keeps the live value of an ignored field when the object is applied', async () => {
    const res = await f.hub.api('POST', '/api/v1/applications', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'respect' },
      spec: {
        project: 'default', source: { repoURL: f.repoURL, path: 'respect', targetRevision: 'main' }, destination: { name: 'east', namespace: NS },
        ignoreDifferences: [{ kind: 'ConfigMap', name: 'keep', jsonPointers: ['/data/b'] }],
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['RespectIgnoreDifferences=true'] },
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await eventually('keep created', async () => getJson(f, 'configmap/keep').data.b === 'git', 30_000);
    f.kubectl(0, 'patch', 'configmap/keep', '-n', NS, '--type=merge', '-p', '{"data":{"b":"by-hand"}}');
    await f.push({ 'respect/keep.yaml': cm('keep', { a: '2', b: 'git' }) }, 'change a');
    const live = await eventually('a applied', async () => {
      const obj = getJson(f, 'configmap/keep');
      return obj.data.a === '2' ? obj : undefined;
    }, 30_000);
    assert.equal(live.data.b, 'by-hand', 'the ignored field keeps its live value');
  });
});
