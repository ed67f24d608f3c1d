// "Accepted means honoured" for AppProjects, one row per field: accepted, or refused with its path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unsupportedProjectFields } from './project-support.ts';

describe('AppProject fields: accepted or refused, with the field named', () => {
  // field | spec | undefined = accepted, else [path, message fragment]
  const rows: [string, Record<string, unknown>, [string, string] | undefined][] = [
    ['the enforced rules', { sourceRepos: ['*'], destinations: [{ name: '*', namespace: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] }, undefined],
    ['roles with jwtTokens (kept; tokens live in the store)', { roles: [{ name: 'ci', jwtTokens: [{ iat: 1 }] }] }, undefined],
    ['orphanedResources (agents report them)', { orphanedResources: { warn: true, ignore: [{ kind: 'ConfigMap', name: 'cache-*' }] } }, undefined],
    ['orphanedResources with warn false (reported, no condition)', { orphanedResources: { warn: false } }, undefined],
    ['signatureKeys', { signatureKeys: [{ keyID: 'ABC' }] }, ['spec.signatureKeys', 'does not verify commit signatures']],
    ['signatureKeys empty', { signatureKeys: [] }, undefined],
    ['sourceIntegrity', { sourceIntegrity: { git: { policies: [] } } }, ['spec.sourceIntegrity', 'not supported']],
    ['destinationServiceAccounts', { destinationServiceAccounts: [{ server: '*', defaultServiceAccount: 'x' }] }, ['spec.destinationServiceAccounts', 'impersonated']],
    ['permitOnlyProjectScopedClusters true', { permitOnlyProjectScopedClusters: true }, ['spec.permitOnlyProjectScopedClusters', 'not scoped to projects']],
    ['permitOnlyProjectScopedClusters false', { permitOnlyProjectScopedClusters: false }, undefined],
    ['a window that evaluates', { syncWindows: [{ kind: 'deny', schedule: '0 22 * * *', duration: '1h', applications: ['*'], timeZone: 'Europe/Berlin' }] }, undefined],
    ['a window minute out of range', { syncWindows: [{ kind: 'deny', schedule: '99 22 * * *', duration: '1h', applications: ['*'] }] }, ['spec.syncWindows[0]', 'does not parse']],
    ['a window with syncOverrun true', { syncWindows: [{ kind: 'deny', schedule: '0 22 * * *', duration: '1h', applications: ['*'], syncOverrun: true }] }, undefined],
    ['a window with syncOverrun false (a running sync is held)', { syncWindows: [{ kind: 'deny', schedule: '0 22 * * *', duration: '1h', applications: ['*'], syncOverrun: false }] }, undefined],
    ['a window in an unknown time zone', { syncWindows: [{ kind: 'deny', schedule: '0 22 * * *', duration: '1h', applications: ['*'], timeZone: 'Atlantis/Capital' }] }, ['spec.syncWindows[0]', 'Atlantis/Capital']],
  ];
  for (const [name, spec, expected] of rows) {
    it(name, () => {
      const errors = unsupportedProjectFields({ spec });
      if (expected === undefined) return assert.deepEqual(errors, []);
      assert.ok(errors.some((e) => e.path === expected[0] && e.message.includes(expected[1])), JSON.stringify(errors));
    });
  }
});
