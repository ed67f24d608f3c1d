// The operation views: where one operation stands in an application's answer (columns: case,
// application, id, expected), and `app get`'s compact operation block with waves and results.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeChangeSet, describeOperation, formatWaves, operationStatus, type OperationHolder } from './app-operation-view.ts';

const t0 = '2026-12-01T10:00:00.000Z';
const t1 = '2026-12-01T10:00:01.500Z';
const t2 = '2026-12-01T10:00:02.000Z';

describe('operationStatus', () => {
  const rows: [string, OperationHolder, string, ReturnType<typeof operationStatus>][] = [
    ['queued, not reported yet', { status: {}, operation: { id: 'op', kind: 'sync' } }, 'op', { phase: 'Pending', message: '', done: false }],
    ['queued, an older operation reported', { status: { operationState: { id: 'old', phase: 'Succeeded' } }, operation: { id: 'op', kind: 'sync' } }, 'op', { phase: 'Pending', message: '', done: false }],
    ['running', { status: { operationState: { id: 'op', phase: 'Running', message: 'wave 1' } }, operation: { id: 'op', kind: 'sync' } }, 'op',
      { phase: 'Running', message: 'wave 1', done: false, state: { id: 'op', phase: 'Running', message: 'wave 1' } }],
    ['settled: Succeeded', { status: { operationState: { id: 'op', phase: 'Succeeded', message: 'synced' } } }, 'op',
      { phase: 'Succeeded', message: 'synced', done: true, state: { id: 'op', phase: 'Succeeded', message: 'synced' } }],
    ['settled: Failed', { status: { operationState: { id: 'op', phase: 'Failed', message: 'operation terminated' } } }, 'op',
      { phase: 'Failed', message: 'operation terminated', done: true, state: { id: 'op', phase: 'Failed', message: 'operation terminated' } }],
    ['gone without a report', { status: { operationState: { id: 'other', phase: 'Succeeded' } } }, 'op',
      { phase: 'Unknown', message: 'the operation is no longer pending and its agent reported no outcome for it', done: true }],
  ];
  for (const [name, app, id, want] of rows) it(name, () => assert.deepEqual(operationStatus(app, id), want));
});

describe('describeOperation', () => {
  it('is empty without an operation', () => assert.equal(describeOperation({ status: {} }), ''));
  it('shows a pending operation not reported yet', () => {
    assert.equal(describeOperation({ status: { operationState: { id: 'old', phase: 'Succeeded' } }, operation: { id: 'op', kind: 'rollback' } }), 'Operation:  rollback op Pending\n');
  });
  it('shows phase, message, waves and per-resource results', () => {
    const text = describeOperation({
      operation: { id: 'op', kind: 'sync' },
      status: {
        operationState: {
          id: 'op', phase: 'Running', message: 'wave 1: waiting for apps/Deployment/demo/web', startedAt: t0,
          result: {
            waves: [{ phase: 'PreSync', wave: 0, startedAt: t0, finishedAt: t1 }, { phase: 'Sync', wave: 1, startedAt: t2 }, { phase: 'PostSync', wave: 0 }],
            resources: [
              { key: 'batch/Job/demo/migrate', kind: 'hook', phase: 'PreSync', wave: 0, status: 'Succeeded', result: 'created' },
              { key: 'apps/Deployment/demo/web', kind: 'apply', phase: 'Sync', wave: 1, status: 'Running', result: 'configured', message: 'waiting for rollout' },
            ],
          },
        },
      },
    });
    assert.equal(text, [
      'Operation:  sync op Running: wave 1: waiting for apps/Deployment/demo/web',
      `Started:    ${t0}`,
      'Waves:      PreSync 0 1.5s, Sync 1 running, PostSync 0 pending',
      '',
      'PHASE    WAVE  TASK   RESOURCE                  STATUS     RESULT      MESSAGE',
      'PreSync  0     hook   batch/Job/demo/migrate    Succeeded  created',
      'Sync     1     apply  apps/Deployment/demo/web  Running    configured  waiting for rollout',
      '',
    ].join('\n'));
  });
  it('shows the last operation with its duration', () => {
    assert.equal(describeOperation({ status: { operationState: { id: 'auto-1', phase: 'Succeeded', message: 'synced 2', startedAt: t0, finishedAt: t2 } } }),
      `Operation:  auto-1 Succeeded: synced 2\nStarted:    ${t0}, finished ${t2} (2.0s)\n`);
  });
  it('shows the revision the operation applied, and a pending one\'s', () => {
    assert.equal(describeOperation({ status: { operationState: { id: 'op', phase: 'Succeeded', message: 'synced', result: { revision: 'abc123', resources: [] } } } }),
      'Operation:      op Succeeded: synced\nSync Revision:  abc123\n');
    assert.equal(describeOperation({ status: {}, operation: { id: 'op', kind: 'rollback', revision: 'def456' } }),
      'Operation:      rollback op Pending\nSync Revision:  def456\n');
  });
  it('formats waves', () => assert.equal(formatWaves([]), ''));
  it('the ChangeSet table is empty without tasks', () => assert.equal(describeChangeSet({ id: 'op', phase: 'Succeeded' }), ''));
});
