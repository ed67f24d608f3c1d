// Sync windows with fixed clocks, one row per case: when a window is active (schedule, duration,
// time zone), which windows apply to an app (globs, andOperator), and Argo CD's CanSync decision
// for automated and manual syncs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SyncWindow } from './project-schema.ts';
import { activeWindows, isWindowActive, parseGoDuration, runMayContinue, syncAllowed, windowMatches, windowProblem, type WindowTarget } from './sync-windows.ts';

const w = (kind: 'allow' | 'deny', schedule: string, duration: string, extra: Partial<SyncWindow> = {}): SyncWindow => ({ kind, schedule, duration, applications: ['*'], ...extra });

describe('parseGoDuration', () => {
  const rows: [string, number | undefined][] = [['1h', 3_600_000], ['1h30m', 5_400_000], ['90s', 90_000], ['0', 0], ['1.5h', 5_400_000], ['1d', undefined], ['', undefined], ['h', undefined]];
  for (const [text, ms] of rows) it(JSON.stringify(text), () => assert.equal(parseGoDuration(text), ms));
});

describe('isWindowActive', () => {
  // window | now (ISO) | active
  const rows: [SyncWindow, string, boolean][] = [
    [w('deny', '0 22 * * *', '1h'), '2026-12-01T22:30:00Z', true],
    [w('deny', '0 22 * * *', '1h'), '2026-12-01T23:00:00Z', false],
    [w('deny', '0 22 * * *', '1h'), '2026-12-01T21:59:59Z', false],
    [w('deny', '0 22 * * *', '1h'), '2026-12-01T22:00:00Z', false],
    [w('deny', '0 22 * * *', '1h'), '2026-12-01T22:00:01Z', true],
    [w('deny', '0 22 * * 5', '60h'), '2026-12-06T09:00:00Z', true], // Friday 22:00 + 60h runs to Monday 10:00
    [w('deny', '0 22 * * 5', '60h'), '2026-12-07T10:00:01Z', false],
    // 22:00 in Berlin is 21:00 UTC in winter.
    [w('deny', '0 22 * * *', '1h', { timeZone: 'Europe/Berlin' }), '2026-12-01T21:30:00Z', true],
    [w('deny', '0 22 * * *', '1h', { timeZone: 'Europe/Berlin' }), '2026-12-01T22:30:00Z', false],
    [w('deny', 'TZ=Europe/Berlin 0 22 * * *', '1h'), '2026-12-01T21:30:00Z', true],
    [w('allow', '* * * * *', '1m'), '2026-12-01T10:00:30Z', true],
    // A window that does not parse is active (and acts as a deny window).
    [w('allow', '99 * * * *', '1h'), '2026-12-01T10:00:00Z', true],
    [w('allow', '0 1 * * *', '1h', { timeZone: 'Mars/Olympus' }), '2026-12-01T10:00:00Z', true],
  ];
  for (const [window, now, expected] of rows) {
    it(`${window.schedule} for ${window.duration}${window.timeZone ? ` (${window.timeZone})` : ''} at ${now}: ${expected ? 'active' : 'inactive'}`, () => {
      assert.equal(isWindowActive(window, new Date(now)), expected);
    });
  }
});

describe('windowProblem', () => {
  const rows: [SyncWindow, string | undefined][] = [
    [w('deny', '0 22 * * *', '1h'), undefined],
    [w('deny', '99 22 * * *', '1h'), 'does not parse'],
    [w('deny', '0 22 * * *', '1d'), 'is not a duration'],
    [w('deny', '0 22 * * *', '1h', { timeZone: 'Nowhere/City' }), 'time zone "Nowhere/City"'],
  ];
  for (const [window, fragment] of rows) {
    it(`${window.schedule} ${window.duration} ${window.timeZone ?? ''}`, () => {
      const problem = windowProblem(window);
      if (fragment === undefined) assert.equal(problem, undefined);
      else assert.ok(problem?.includes(fragment), problem);
    });
  }
});

describe('windowMatches', () => {
  const app: WindowTarget = { name: 'web-prod', namespace: 'team-a', clusters: ['edge', 'https://edge:6443'] };
  // window targets | matches
  const rows: [Partial<SyncWindow>, boolean][] = [
    [{ applications: ['*-prod'] }, true],
    [{ applications: ['*-dev'] }, false],
    [{ applications: undefined, namespaces: ['team-*'] }, true],
    [{ applications: undefined, clusters: ['https://edge:*'] }, true],
    [{ applications: undefined, clusters: ['core'] }, false],
    [{ applications: ['*-dev'], namespaces: ['team-a'] }, true],
    [{ applications: ['*-dev'], namespaces: ['team-a'], andOperator: true }, false],
    [{ applications: ['*-prod'], namespaces: ['team-a'], andOperator: true }, true],
    [{ applications: undefined }, false],
  ];
  for (const [targets, expected] of rows) {
    it(`${JSON.stringify(targets)}: ${expected}`, () => assert.equal(windowMatches({ ...w('deny', '* * * * *', '1h'), ...targets }, app), expected));
  }
});

describe('syncAllowed (activeWindows at a fixed clock)', () => {
  const app: WindowTarget = { name: 'web', namespace: 'team-a', clusters: ['edge'] };
  const now = new Date('2026-12-01T22:30:00Z');
  const denyNow = w('deny', '0 22 * * *', '1h');
  const denyNowManual = w('deny', '0 22 * * *', '2h', { manualSync: true });
  const allowNow = w('allow', '0 22 * * *', '1h');
  const allowLater = w('allow', '0 3 * * *', '1h');
  const allowLaterManual = w('allow', '0 4 * * *', '1h', { manualSync: true });
  const otherApp = w('deny', '0 22 * * *', '1h', { applications: ['other'] });
  // windows | manual | allowed | deciding window index (undefined: none) | reason fragment
  const rows: [string, SyncWindow[], boolean, boolean, number | undefined, string][] = [
    ['no windows', [], false, true, undefined, 'no sync window applies'],
    ['a window of another app', [otherApp], false, true, undefined, 'no sync window applies'],
    ['active deny, automated', [denyNow], false, false, 0, 'deny window 0 (schedule "0 22 * * *", duration 1h, UTC) is active'],
    ['active deny, manual without manualSync', [denyNow], true, false, 0, 'does not allow manual syncs (manualSync)'],
    ['active deny with manualSync, manual', [denyNowManual], true, true, 0, 'allows manual syncs'],
    ['active deny with manualSync, automated', [denyNowManual], false, false, 0, 'is active'],
    ['two active denies, one without manualSync, manual', [denyNowManual, denyNow], true, false, 1, 'deny window 1'],
    ['deny beats an active allow', [allowNow, denyNow], false, false, 1, 'deny window 1'],
    ['active allow', [allowNow, allowLater], false, true, 0, 'allow window 0'],
    ['only inactive allows, automated', [allowLater], false, false, 0, 'no allow window is active'],
    ['only inactive allows, manual without manualSync', [allowLater], true, false, 0, 'no allow window is active'],
    // Argo CD's manualEnabled: every inactive allow window must have manualSync.
    ['inactive allows, one without manualSync, manual', [allowLater, allowLaterManual], true, false, 0, 'no allow window is active'],
    ['inactive allows, all with manualSync, manual', [allowLaterManual, w('allow', '0 5 * * *', '1h', { manualSync: true })], true, true, 0, 'allows manual syncs'],
    ['inactive allow with manualSync, automated', [allowLaterManual], false, false, 0, 'no allow window is active'],
    ['inactive deny only', [w('deny', '0 3 * * *', '1h')], false, true, undefined, 'no sync window applies'],
    ['a broken allow window closes', [w('allow', '99 * * * *', '1h', { manualSync: true })], true, false, 0, 'allow window 0 (schedule "99 * * * *", duration 1h, UTC) blocks syncs until it is fixed: schedule'],
  ];
  for (const [name, windows, manual, allowed, index, fragment] of rows) {
    it(`${name}: ${allowed ? 'allowed' : 'refused'}`, () => {
      const decision = syncAllowed(activeWindows({ spec: { syncWindows: windows } }, app, now), { manual });
      assert.equal(decision.allowed, allowed, decision.reason);
      assert.equal(decision.window?.index, index);
      assert.ok(decision.reason.includes(fragment), decision.reason);
    });
  }
});

describe('runMayContinue (a running sync, windows at a fixed clock)', () => {
  const app: WindowTarget = { name: 'web', namespace: 'team-a', clusters: ['edge'] };
  const now = new Date('2026-12-01T22:30:00Z');
  const deny = (extra: Partial<SyncWindow> = {}) => w('deny', '0 22 * * *', '1h', extra);
  const allowEnded = (extra: Partial<SyncWindow> = {}) => w('allow', '0 21 * * *', '1h', extra); // 21:00 to 22:00
  // windows | manual | started (ISO) | may continue | reason fragment
  const rows: [string, SyncWindow[], boolean, string, boolean, string][] = [
    ['no windows', [], false, '2026-12-01T22:20:00Z', true, 'no sync window applies'],
    ['a deny window began after the start, no syncOverrun', [deny()], false, '2026-12-01T21:50:00Z', false, 'Sync operation blocked by sync window: deny window 0 (schedule "0 22 * * *", duration 1h, UTC) is active (syncOverrun is not set)'],
    ['a deny window began after the start, syncOverrun false', [deny({ syncOverrun: false })], false, '2026-12-01T21:50:00Z', false, 'syncOverrun is not set'],
    ['a deny window began after the start, syncOverrun', [deny({ syncOverrun: true })], false, '2026-12-01T21:50:00Z', true, 'syncOverrun lets the sync started at 2026-12-01T21:50:00.000Z run on'],
    ['the deny window was active at the start too', [deny({ syncOverrun: true })], false, '2026-12-01T22:10:00Z', false, 'allowed when it started'],
    ['two active deny windows, one without syncOverrun', [deny({ syncOverrun: true }), w('deny', '0 22 * * *', '2h')], false, '2026-12-01T21:50:00Z', false, 'syncOverrun is not set'],
    ['a manual sync under a deny window with manualSync', [deny({ manualSync: true })], true, '2026-12-01T22:10:00Z', true, 'allows manual syncs'],
    ['its allow window ended, no syncOverrun', [allowEnded()], false, '2026-12-01T21:30:00Z', false, 'no allow window is active: syncs wait for allow window 0'],
    ['its allow window ended, syncOverrun', [allowEnded({ syncOverrun: true })], false, '2026-12-01T21:30:00Z', true, 'syncOverrun lets'],
    ['started before its allow window opened', [allowEnded({ syncOverrun: true })], false, '2026-12-01T20:30:00Z', false, 'allowed when it started'],
    ['another allow window is still active', [allowEnded({ syncOverrun: true }), w('allow', '0 20 * * *', '3h')], false, '2026-12-01T21:30:00Z', true, 'allow window 1'],
    ['two allow windows ended, one without syncOverrun', [allowEnded({ syncOverrun: true }), w('allow', '0 20 * * *', '1h')], false, '2026-12-01T21:30:00Z', false, 'syncOverrun is not set'],
    ['a deny window that does not parse, with syncOverrun', [w('deny', '99 22 * * *', '1h', { syncOverrun: true })], false, '2026-12-01T21:50:00Z', false, 'blocks syncs until it is fixed'],
    ['two allow windows inactive, one without syncOverrun', [allowEnded({ syncOverrun: true }), w('allow', '0 3 * * *', '1h')], false, '2026-12-01T21:30:00Z', false, 'syncOverrun is not set'],
  ];
  for (const [name, windows, manual, startedAt, allowed, fragment] of rows) {
    it(`${name}: ${allowed ? 'runs on' : 'held'}`, () => {
      const decision = runMayContinue({ spec: { syncWindows: windows } }, app, now, { manual, startedAt: new Date(startedAt) });
      assert.equal(decision.allowed, allowed, decision.reason);
      assert.ok(decision.reason.includes(fragment), decision.reason);
    });
  }
});
