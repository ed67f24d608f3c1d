import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Assignment } from '@flotilla/shared';
import type { KubeObject } from './objects.ts';
import { automatedSyncAllowed, projectProblem, runAllowed, windowsNow } from './project-guard.ts';

const assignment = (projectLimits?: Assignment['projectLimits']): Assignment => ({
  app: 'web', project: 'team-a', generation: 1, namespace: 'team-a', bundle: 'sha256:b', revision: 'c1',
  source: { repoURL: 'https://git.example/a.git', path: 'web', targetRevision: 'main' }, ...(projectLimits ? { projectLimits } : {}),
});
const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'team-a' } };
const elsewhere: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'team-b' } };
const role: KubeObject = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'admin-of-all' } };
const limits = { cluster: { name: 'edge-a', server: 'https://a.example' }, destinations: [{ name: 'edge-a', namespace: 'team-a' }] };

describe('projectProblem', () => {
  // name | limits | resources | refusal (part) or undefined
  const rows: [string, Assignment['projectLimits'] | undefined, KubeObject[], RegExp | undefined][] = [
    ['no limits (an older hub): nothing checked', undefined, [role, elsewhere], undefined],
    ['its own namespace', limits, [cm], undefined],
    ['another namespace', limits, [elsewhere], /refused by the agent: the bundle breaks project "team-a": .*team-b/],
    ['a cluster-scoped kind the project does not list', limits, [cm, role], /ClusterRole.*clusterResourceWhitelist/],
    ['a cluster-scoped kind the project allows', { ...limits, clusterResourceWhitelist: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }] }, [role], undefined],
  ];
  for (const [name, l, resources, refusal] of rows) {
    it(name, () => {
      const problem = projectProblem(assignment(l), resources);
      if (refusal) assert.match(problem ?? '', refusal);
      else assert.equal(problem, undefined);
    });
  }
});

describe('automatedSyncAllowed', () => {
  const now = new Date('2026-12-01T10:30:00Z');
  const rows: [string, Assignment['projectLimits'] | undefined, boolean][] = [
    ['no windows', limits, true],
    ['a deny window in force', { ...limits, syncWindows: [{ kind: 'deny', schedule: '0 10 * * *', duration: '1h', namespaces: ['team-a'] }] }, false],
    ['a deny window of another namespace', { ...limits, syncWindows: [{ kind: 'deny', schedule: '0 10 * * *', duration: '1h', namespaces: ['team-b'] }] }, true],
    ['a deny window not in force now', { ...limits, syncWindows: [{ kind: 'deny', schedule: '0 12 * * *', duration: '1h', namespaces: ['*'] }] }, true],
    ['a deny window that allows manual syncs still holds automated ones', { ...limits, syncWindows: [{ kind: 'deny', schedule: '0 10 * * *', duration: '1h', namespaces: ['*'], manualSync: true }] }, false],
  ];
  for (const [name, l, allowed] of rows) it(name, () => assert.equal(automatedSyncAllowed(assignment(l), now).allowed, allowed));
});

describe('runAllowed (a run in progress under the windows the assignment carries)', () => {
  const now = new Date('2026-12-01T10:30:00Z');
  const deny = (extra: object = {}) => ({ kind: 'deny' as const, schedule: '0 10 * * *', duration: '1h', clusters: ['edge-a'], ...extra });
  // name | limits | initiated by | started | may go on | reason (part)
  const rows: [string, Assignment['projectLimits'] | undefined, string, string, boolean, RegExp | undefined][] = [
    ['no limits', undefined, 'automated', '2026-12-01T09:50:00Z', true, undefined],
    ['a deny window began mid-run', { ...limits, syncWindows: [deny()] }, 'automated', '2026-12-01T09:50:00Z', false, /^Sync operation blocked by sync window: deny window 0 .* is active \(syncOverrun is not set\)$/],
    ['a deny window began mid-run, with syncOverrun', { ...limits, syncWindows: [deny({ syncOverrun: true })] }, 'automated', '2026-12-01T09:50:00Z', true, undefined],
    ['a user sync under a deny window with manualSync', { ...limits, syncWindows: [deny({ manualSync: true })] }, 'alice', '2026-12-01T10:20:00Z', true, undefined],
    ['an automated run under that window is held', { ...limits, syncWindows: [deny({ manualSync: true })] }, 'automated', '2026-12-01T09:50:00Z', false, /blocked by sync window/],
    ['a window on the server URL of the cluster', { ...limits, syncWindows: [deny({ clusters: ['https://a.example'] })] }, 'automated', '2026-12-01T09:50:00Z', false, /blocked/],
    ['a window of another cluster', { ...limits, syncWindows: [deny({ clusters: ['edge-b'] })] }, 'automated', '2026-12-01T09:50:00Z', true, undefined],
  ];
  for (const [name, l, initiatedBy, startedAt, allowed, reason] of rows) {
    it(name, () => {
      const decision = runAllowed(assignment(l), { initiatedBy, startedAt }, now);
      assert.equal(decision.allowed, allowed, decision.reason);
      if (reason) assert.match(decision.reason ?? '', reason);
    });
  }
});

describe('windowsNow (what decide reads)', () => {
  const now = new Date('2026-12-01T10:30:00Z');
  const held = { ...limits, syncWindows: [{ kind: 'deny' as const, schedule: '0 10 * * *', duration: '1h', namespaces: ['*'] }] };
  const run = (phase: string) => ({ phase, initiatedBy: 'automated', startedAt: '2026-12-01T09:50:00Z' });
  it('a run in progress is checked too', () => assert.deepEqual(windowsNow(assignment(held), run('Running'), now), { automatedAllowed: false, runAllowed: { allowed: false, reason: runAllowed(assignment(held), run('Running'), now).reason } }));
  it('a finished run is not', () => assert.deepEqual(windowsNow(assignment(held), run('Succeeded'), now), { automatedAllowed: false }));
  it('no run, no windows', () => assert.deepEqual(windowsNow(assignment(limits), undefined, now), { automatedAllowed: true }));
});
