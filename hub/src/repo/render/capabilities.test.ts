// Capabilities keys: stable across report order and duplicates, different for any change of
// version or API versions; stored values normalized.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { capabilitiesKey, noCapabilities, normalizeCapabilities } from './capabilities.ts';

describe('capabilitiesKey', () => {
  const base = { kubeVersion: 'v1.34.4', apiVersions: ['apps/v1', 'apps/v1/Deployment', 'v1'] };
  // case | other capabilities | same key as base
  const rows: [string, { kubeVersion: string; apiVersions: string[] }, boolean][] = [
    ['the same', { ...base }, true],
    ['another order', { kubeVersion: 'v1.34.4', apiVersions: ['v1', 'apps/v1/Deployment', 'apps/v1'] }, true],
    ['a duplicate entry', { kubeVersion: 'v1.34.4', apiVersions: [...base.apiVersions, 'v1'] }, true],
    ['another patch version', { ...base, kubeVersion: 'v1.34.5' }, false],
    ['one more API version (a CRD installed)', { ...base, apiVersions: [...base.apiVersions, 'cert-manager.io/v1'] }, false],
    ['one API version less', { ...base, apiVersions: ['apps/v1', 'v1'] }, false],
    ['nothing reported', noCapabilities(), false],
  ];
  for (const [name, other, same] of rows) {
    it(name, () => assert.equal(capabilitiesKey(other) === capabilitiesKey(base), same));
  }

  it('is a sha256 content key, the same on every call', () => {
    assert.match(capabilitiesKey(base), /^sha256:[0-9a-f]{64}$/);
    assert.equal(capabilitiesKey(base), capabilitiesKey(structuredClone(base)));
  });
});

describe('normalizeCapabilities', () => {
  // stored value | normalized
  const rows: [unknown, { kubeVersion: string; apiVersions: string[] }][] = [
    [null, { kubeVersion: '', apiVersions: [] }],
    [{ kubeVersion: ' v1.34.4 ', apiVersions: ['v1', 'apps/v1', 'v1'] }, { kubeVersion: 'v1.34.4', apiVersions: ['apps/v1', 'v1'] }],
    [{ kubeVersion: 7, apiVersions: ['v1', 3, '', null] }, { kubeVersion: '', apiVersions: ['v1'] }],
    [{ apiVersions: 'v1' }, { kubeVersion: '', apiVersions: [] }],
  ];
  for (const [value, expected] of rows) it(JSON.stringify(value), () => assert.deepEqual(normalizeCapabilities(value), expected));
});
