// Table tests of operation-request.ts: resource specs as argocd parses them, --force, and Argo CD's
// refusals (auto-sync and another revision, rollback under auto-sync, missing history entries),
// and a sync's retry strategy.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ApplicationSpecLike } from '../store/applications.ts';
import { autoSyncRevisionRefusal, parseResource, parseResources, parseSyncRetry, rollbackRefusal, rollbackTarget, runningOperation, syncOptionsOf } from './operation-request.ts';

describe('parseResource', () => {
  // spec | parsed (or the error)
  const rows: [Parameters<typeof parseResource>[0], ReturnType<typeof parseResource>][] = [
    ['apps:Deployment:web', { group: 'apps', kind: 'Deployment', name: 'web' }],
    [':ConfigMap:settings', { group: '', kind: 'ConfigMap', name: 'settings' }],
    ['apps:Deployment:demo/web', { group: 'apps', kind: 'Deployment', name: 'web', namespace: 'demo' }],
    ['apps:Deployment', { error: 'Resource should have GROUP:KIND:NAME, but instead got: apps:Deployment' }],
    ['a:b:c:d', { error: 'Resource should have GROUP:KIND:NAME, but instead got: a:b:c:d' }],
    ['apps:Deployment:a/b/c', { error: 'Resource with namespace should have GROUP:KIND:NAMESPACE/NAME, but instead got: apps:Deployment:a/b/c' }],
    ['apps::web', { error: 'Resource should have GROUP:KIND:NAME with a kind and a name, but instead got: apps::web' }],
    ['!apps:Deployment:web', { error: 'excluding a resource (!apps:Deployment:web) is not supported: name the resources to sync' }],
    [{ group: '', kind: 'Service', name: 'web', namespace: 'demo' }, { group: '', kind: 'Service', name: 'web', namespace: 'demo' }],
    [{ group: '', kind: '', name: 'web' }, { error: 'resource {"group":"","kind":"","name":"web"} needs a kind and a name' }],
  ];
  for (const [spec, want] of rows) {
    it(`${JSON.stringify(spec)}`, () => assert.deepEqual(parseResource(spec), want));
  }
  it('collects every bad spec', () => {
    assert.deepEqual(parseResources(['x', 'apps:Deployment:web', 'y:z']), { errors: ['Resource should have GROUP:KIND:NAME, but instead got: x', 'Resource should have GROUP:KIND:NAME, but instead got: y:z'] });
  });
});

describe('syncOptionsOf', () => {
  // requested | force | options
  const rows: [string[] | undefined, boolean | undefined, string[] | undefined][] = [
    [undefined, undefined, undefined],
    [undefined, true, ['Force=true']],
    [['Replace=true'], true, ['Replace=true', 'Force=true']],
    [['Force=true'], true, ['Force=true']],
    [['Validate=false'], false, ['Validate=false']],
  ];
  for (const [requested, force, want] of rows) it(`${JSON.stringify(requested)} force=${force}`, () => assert.deepEqual(syncOptionsOf(requested, force), want));
});

const single = (target: string | undefined, automated?: unknown): ApplicationSpecLike => ({
  source: { repoURL: 'https://git/x.git', path: 'a', ...(target !== undefined ? { targetRevision: target } : {}) },
  destination: { name: 'c' },
  ...(automated !== undefined ? { syncPolicy: { automated } } : {}),
});

describe('autoSyncRevisionRefusal', () => {
  // spec | revision | dryRun | refusal
  const rows: [string, ApplicationSpecLike, string | undefined, boolean, string | undefined][] = [
    ['manual sync policy', single('main'), 'abc', false, undefined],
    ['automated, no revision', single('main', {}), undefined, false, undefined],
    ['automated, the target itself', single('main', {}), 'main', false, undefined],
    ['automated, HEAD when the target is empty', single(undefined, {}), 'HEAD', false, undefined],
    ['automated, another revision', single('main', { prune: true }), 'abc123', false, 'Cannot sync to abc123: auto-sync currently set to main'],
    ['automated, empty target', single(undefined, {}), 'v1', false, 'Cannot sync to v1: auto-sync currently set to '],
    ['automated, a dry run', single('main', {}), 'abc123', true, undefined],
    ['automated but enabled: false', single('main', { enabled: false }), 'abc123', false, undefined],
    ['multi-source', { sources: [{ repoURL: 'https://git/a.git', targetRevision: 'main' }, { repoURL: 'https://git/b.git' }], destination: {}, syncPolicy: { automated: {} } }, 'v2', false,
      'Cannot sync source https://git/a.git to v2: auto-sync currently set to main'],
    ['multi-source, a stored URL with a password is masked', { sources: [{ repoURL: 'https://ci:hunter2@git/a.git', targetRevision: 'main' }], destination: {}, syncPolicy: { automated: {} } }, 'v2', false,
      'Cannot sync source https://ci:******@git/a.git to v2: auto-sync currently set to main'],
  ];
  for (const [name, spec, revision, dryRun, want] of rows) it(name, () => assert.equal(autoSyncRevisionRefusal(spec, revision, dryRun), want));
});

describe('rollbackRefusal and rollbackTarget', () => {
  it('refuses a rollback while automated sync is on, in Argo CD words', () => {
    assert.equal(rollbackRefusal(single('main', {})), 'rollback cannot be initiated when auto-sync is enabled');
    assert.equal(rollbackRefusal(single('main', { enabled: false })), undefined);
    assert.equal(rollbackRefusal(single('main')), undefined);
  });
  const history = [{ id: 4 }, { id: 7 }, { id: 9 }];
  // history | id | entry (or the error)
  const rows: [{ id: number }[], number | undefined, unknown][] = [
    [history, 7, { id: 7 }],
    [history, undefined, { id: 7 }],
    [history, 5, { error: 'application web does not have deployment with id 5' }],
    [[{ id: 1 }], undefined, { error: "Application 'web' should have at least two successful deployments" }],
  ];
  for (const [entries, id, want] of rows) it(`${entries.length} entries, id ${id}`, () => assert.deepEqual(rollbackTarget('web', entries, id), want));
});

describe('runningOperation', () => {
  // pending | reported | running id
  const rows: [{ id: string; kind: string } | null, { id: string; phase: string } | undefined, string | undefined][] = [
    [null, undefined, undefined],
    [{ id: 'op-1', kind: 'sync' }, undefined, 'op-1'],
    [{ id: 'op-1', kind: 'rollback' }, { id: 'op-0', phase: 'Succeeded' }, 'op-1'],
    [null, { id: 'auto-x', phase: 'Running' }, 'auto-x'],
    [null, { id: 'auto-x', phase: 'Succeeded' }, undefined],
    [{ id: 't-1', kind: 'terminate' }, { id: 'op-1', phase: 'Running' }, 'op-1'],
  ];
  for (const [pending, reported, want] of rows) it(`${JSON.stringify(pending)} ${JSON.stringify(reported)}`, () => assert.equal(runningOperation(pending, reported), want));
});

describe('parseSyncRetry', () => {
  // input | parsed retry, or the field the 400 names
  const rows: [unknown, ReturnType<typeof parseSyncRetry> | string][] = [
    [undefined, {}],
    [null, {}],
    [{ limit: 3 }, { retry: { limit: 3 } }],
    [{ limit: -1 }, { retry: { limit: -1 } }],
    [{ limit: 2, backoff: { duration: '5s', factor: 2, maxDuration: '3m0s' } }, { retry: { limit: 2, backoff: { duration: '5s', factor: 2, maxDuration: '3m0s' } } }],
    [{ limit: 2, backoff: { duration: '1h30m' } }, { retry: { limit: 2, backoff: { duration: '1h30m' } } }],
    ['3', 'retry'],
    [[1], 'retry'],
    [{ limit: 1.5 }, 'retry.limit'],
    [{ limit: '3' }, 'retry.limit'],
    [{ limits: 3 }, 'retry.limits'],
    [{ limit: 1, backoff: 5 }, 'retry.backoff'],
    [{ limit: 1, backoff: { duration: '5 seconds' } }, 'retry.backoff.duration'],
    [{ limit: 1, backoff: { duration: 5 } }, 'retry.backoff.duration'],
    [{ limit: 1, backoff: { maxDuration: '3x' } }, 'retry.backoff.maxDuration'],
    [{ limit: 1, backoff: { factor: 0 } }, 'retry.backoff.factor'],
    [{ limit: 1, backoff: { factor: 1.5 } }, 'retry.backoff.factor'],
    [{ limit: 1, backoff: { jitter: 0.1 } }, 'retry.backoff.jitter'],
  ];
  for (const [input, want] of rows) {
    it(`${JSON.stringify(input)}`, () => {
      const got = parseSyncRetry(input);
      if (typeof want === 'string') {
        assert.ok('error' in got, 'refused');
        assert.equal(got.error.path, want);
        assert.ok(got.error.message.startsWith(`${want}: `), got.error.message);
      } else assert.deepEqual(got, want);
    });
  }
  it('names the field under the name it came by', () => {
    const got = parseSyncRetry({ limit: 'x' }, 'retryStrategy');
    assert.ok('error' in got && got.error.path === 'retryStrategy.limit');
  });
});
