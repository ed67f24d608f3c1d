// The windows in force as the API shows them and as a manual sync is decided, at a fixed clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SyncWindow } from '@flotilla/shared';
import { manualSyncRefusal, syncWindowStatus, windowTargetOf } from './sync-window-state.ts';

const now = new Date('2026-12-01T22:30:00Z');
const deny = (extra: Partial<SyncWindow> = {}): SyncWindow => ({ kind: 'deny', schedule: '0 22 * * *', duration: '1h', clusters: ['https://edge:6443'], ...extra });

describe('windowTargetOf', () => {
  it('knows the cluster by every name: destination name and server, the registered name, its server URL', () => {
    const app = { name: 'web', clusterName: 'edge', spec: { destination: { server: 'https://kubernetes.default.svc', namespace: 'team-a' } } } as never;
    assert.deepEqual(windowTargetOf(app, 'https://edge:6443'), { name: 'web', namespace: 'team-a', clusters: ['https://kubernetes.default.svc', 'edge', 'https://edge:6443'] });
  });
});

describe('syncWindowStatus and manualSyncRefusal', () => {
  const target = { name: 'web', namespace: 'team-a', clusters: ['edge', 'https://edge:6443'] };
  // windows | syncAllowed | manualSyncAllowed | refusal fragment (undefined: a manual sync may start)
  const rows: [string, SyncWindow[] | undefined, boolean | undefined, boolean | undefined, string | undefined][] = [
    ['no windows: nothing shown', undefined, undefined, undefined, undefined],
    ['an active deny matching the cluster server', [deny()], false, false, 'deny window 0 (schedule "0 22 * * *", duration 1h, UTC) is active and does not allow manual syncs'],
    ['an active deny allowing manual syncs', [deny({ manualSync: true })], false, true, undefined],
    ['a deny for another cluster', [deny({ clusters: ['core'] })], true, true, undefined],
  ];
  for (const [name, windows, automated, manual, refusal] of rows) {
    it(name, () => {
      const status = syncWindowStatus({ syncWindows: windows }, target, now);
      assert.equal(status?.syncAllowed, automated);
      assert.equal(status?.manualSyncAllowed, manual);
      const refused = manualSyncRefusal({ syncWindows: windows }, target, now);
      if (refusal === undefined) assert.equal(refused, undefined);
      else assert.ok(refused?.includes(refusal), refused);
    });
  }
  it('names the deciding window and lists the active ones', () => {
    const status = syncWindowStatus({ syncWindows: [deny({ description: 'freeze' })] }, target, now)!;
    assert.equal(status.window?.index, 0);
    assert.equal(status.window?.description, 'freeze');
    assert.deepEqual(status.activeWindows.map((w) => w.index), [0]);
  });
});
