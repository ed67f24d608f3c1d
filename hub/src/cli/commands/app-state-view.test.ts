// Pure parts of `flotilla app diff` and `flotilla app wait`: the diff text, the wait conditions
// and the progress lines.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeTargets, fitToWidth, formatElapsed, missingComparison, progressLine, renderDiff, stateLine, summaryLine, unmet, waitTargets, type WaitFor } from './app-state-view.ts';
import type { ApplicationView, ResourceView } from './app-view.ts';

const deployment: ResourceView = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'demo', name: 'web', status: 'Synced', health: { status: 'Healthy' } };
const service: ResourceView = { group: '', version: 'v1', kind: 'Service', namespace: 'demo', name: 'web', status: 'Synced', health: { status: 'Healthy' } };
const diff = '--- live\n+++ desired\n@@ spec.replicas @@\n-1\n+3\n';

function app(status: Partial<ApplicationView['status']> = {}, operation?: ApplicationView['operation']): ApplicationView {
  return {
    metadata: { name: 'web' },
    spec: { destination: { name: 'east', namespace: 'demo' } },
    status: { sync: { status: 'Synced' }, health: { status: 'Healthy' }, resources: [deployment, service], conditions: [], cluster: { name: 'east' }, ...status },
    ...(operation ? { operation } : {}),
  };
}

describe('renderDiff', () => {
  const cases: [string, ResourceView[], string, number][] = [
    ['all synced: nothing', [deployment, service], '', 0],
    ['an OutOfSync resource with its diff', [{ ...deployment, status: 'OutOfSync', diff }, service], `===== apps/Deployment demo/web ======\n${diff}`, 1],
    ['core group and no diff reported', [deployment, { ...service, status: 'OutOfSync' }], '===== /Service demo/web ======\n(no diff reported)\n', 1],
    ['cluster-scoped, diff without final newline', [{ group: '', kind: 'Namespace', name: 'demo', status: 'OutOfSync', diff: '--- live\n+++ desired' }], '===== /Namespace /demo ======\n--- live\n+++ desired\n', 1],
    ['to be pruned', [{ ...service, status: 'OutOfSync', requiresPruning: true }], '===== /Service demo/web ======\n(to be pruned: exists live, no longer in Git)\n', 1],
    ['two resources in order', [{ ...deployment, status: 'OutOfSync', diff }, { ...service, status: 'OutOfSync' }], `===== apps/Deployment demo/web ======\n${diff}===== /Service demo/web ======\n(no diff reported)\n`, 2],
  ];
  for (const [name, resources, text, count] of cases) {
    it(name, () => assert.deepEqual(renderDiff(app({ resources })), { text, count }));
  }
});

describe('missingComparison', () => {
  const cases: [string, Partial<ApplicationView['status']>, string | undefined][] = [
    ['compared', {}, undefined],
    ['unknown, no resources: the first condition', { sync: { status: 'Unknown' }, resources: [], conditions: [{ type: 'ComparisonError', message: 'repository not found' }, { type: 'X', message: 'y' }] }, 'no comparison yet: repository not found'],
    ['unknown, no resources: the health message', { sync: { status: 'Unknown' }, resources: [], health: { status: 'Unknown', message: 'no status from the agent yet' } }, 'no comparison yet: no status from the agent yet'],
    ['unknown but resources reported', { sync: { status: 'Unknown' } }, undefined],
  ];
  for (const [name, status, expected] of cases) {
    it(name, () => assert.equal(missingComparison(app(status)), expected));
  }
});

describe('wait conditions', () => {
  const all: WaitFor = { sync: true, health: true, operation: true };
  it('no flags wait for all three; flags for what they name', () => {
    assert.deepEqual(waitTargets({}), all);
    assert.deepEqual(waitTargets({ health: true }), { sync: false, health: true, operation: false });
  });
  const cases: [string, ApplicationView, WaitFor, string[]][] = [
    ['all met', app(), all, []],
    ['out of sync and progressing', app({ sync: { status: 'OutOfSync' }, health: { status: 'Progressing' } }), all, ['sync', 'health']],
    ['only health asked', app({ sync: { status: 'OutOfSync' } }), waitTargets({ health: true }), []],
    ['a pending operation', app({}, { id: 'op1', kind: 'sync' }), all, ['operation']],
    ['a pending operation, not asked', app({}, { id: 'op1', kind: 'sync' }), waitTargets({ sync: true, health: true }), []],
    ['degraded is not healthy', app({ health: { status: 'Degraded' } }), waitTargets({ health: true }), ['health']],
  ];
  for (const [name, a, want, expected] of cases) {
    it(name, () => assert.deepEqual(unmet(a, want), expected));
  }
  it('describes the targets in words', () => {
    assert.equal(describeTargets(all), 'sync=Synced, health=Healthy and no pending operation');
    assert.equal(describeTargets(all, ['health']), 'health=Healthy');
    assert.equal(describeTargets(waitTargets({ sync: true, operation: true })), 'sync=Synced and no pending operation');
  });
});

describe('progress lines', () => {
  const progressing: ResourceView = { ...deployment, status: 'OutOfSync', health: { status: 'Progressing', message: 'Waiting for rollout: 0 of 3 updated replicas are available' } };
  const cases: [string, ApplicationView, string][] = [
    ['all good', app(), 'sync=Synced health=Healthy resources=2/2'],
    ['the first resource holding it back, with its message', app({ sync: { status: 'OutOfSync' }, health: { status: 'Progressing' }, resources: [service, progressing] }),
      'sync=OutOfSync health=Progressing resources=1/2 Deployment demo/web OutOfSync Progressing: Waiting for rollout: 0 of 3 updated replicas are available'],
    ['a synced but degraded resource', app({ health: { status: 'Degraded' }, resources: [{ ...deployment, health: { status: 'Degraded', message: 'CrashLoopBackOff' } }] }),
      'sync=Synced health=Degraded resources=1/1 Deployment demo/web Degraded: CrashLoopBackOff'],
    ['a resource to prune', app({ sync: { status: 'OutOfSync' }, resources: [deployment, { ...service, status: 'OutOfSync', requiresPruning: true, health: undefined }] }),
      'sync=OutOfSync health=Healthy resources=1/2 Service demo/web requires pruning'],
    ['no resources yet: the health message', app({ sync: { status: 'Unknown' }, health: { status: 'Unknown', message: 'no status from the agent yet' }, resources: [] }),
      'sync=Unknown health=Unknown resources=0/0 no status from the agent yet'],
    ['a pending operation the agent has not taken', app({}, { id: 'op2', kind: 'sync' }), 'sync=Synced health=Healthy operation=Pending resources=2/2'],
    ['a running operation', app({ operationState: { id: 'op2', phase: 'Running' } }, { id: 'op2', kind: 'sync' }), 'sync=Synced health=Healthy operation=Running resources=2/2'],
  ];
  for (const [name, a, expected] of cases) {
    it(name, () => assert.equal(stateLine(a), expected));
  }
  it('prefixes the elapsed time', () => {
    assert.equal(formatElapsed(1234), '1.2s');
    assert.equal(progressLine(app(), 500), '0.5s  sync=Synced health=Healthy resources=2/2');
  });
  it('summarizes success', () => {
    const done = app({ sync: { status: 'Synced', revision: 'a'.repeat(40) } });
    assert.equal(summaryLine(done, waitTargets({ sync: true, health: true }), 1500), 'application web reached sync=Synced and health=Healthy after 1.5s (revision aaaaaaa)');
    assert.equal(summaryLine(app(), waitTargets({}), 0), 'application web reached sync=Synced, health=Healthy and no pending operation after 0.0s');
  });
  it('fits a line to the terminal', () => {
    assert.equal(fitToWidth('abcdef', 10), 'abcdef');
    assert.equal(fitToWidth('abcdefghijkl', 10), 'abcdefgh…');
    assert.equal(fitToWidth('abcdefghijkl', undefined), 'abcdefghijkl');
  });
});
