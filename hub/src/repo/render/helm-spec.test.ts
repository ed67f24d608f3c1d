// source.helm read with defaults, wrongly typed fields dropped, valuesObject over values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readHelmSpec } from './helm-spec.ts';

describe('readHelmSpec', () => {
  it('defaults when there is no helm block', () => {
    assert.deepEqual(readHelmSpec({ repoURL: 'x' }), {
      releaseName: undefined, valueFiles: [], ignoreMissingValueFiles: false, values: undefined, parameters: [], fileParameters: [],
      skipCrds: false, skipSchemaValidation: false, skipTests: false, namespace: undefined, kubeVersion: undefined, apiVersions: undefined,
      passCredentials: false, version: '',
    });
  });
  // name | helm block | fields expected
  const rows: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['valuesObject wins over values', { values: 'a: 1', valuesObject: { a: 2 } }, { values: '{"a":2}' }],
    ['an empty valuesObject leaves values', { values: 'a: 1', valuesObject: {} }, { values: 'a: 1' }],
    ['blank values are none', { values: '  \n' }, { values: undefined }],
    ['parameters: a missing value is empty, a nameless one dropped', { parameters: [{ name: 'a' }, { value: 'x' }, { name: 'b', value: '1', forceString: true }, 'junk'] },
      { parameters: [{ name: 'a', value: '', forceString: false }, { name: 'b', value: '1', forceString: true }] }],
    ['file parameters need a name and a path', { fileParameters: [{ name: 'a', path: 'f' }, { name: 'b' }] }, { fileParameters: [{ name: 'a', path: 'f' }] }],
    ['wrong types are dropped', { valueFiles: 'x.yaml', skipCrds: 'yes', releaseName: 3 }, { valueFiles: [], skipCrds: false, releaseName: undefined }],
    ['an empty apiVersions list is no override', { apiVersions: [] }, { apiVersions: undefined }],
    ['passCredentials and version', { passCredentials: true, version: 'v3' }, { passCredentials: true, version: 'v3' }],
    ['passCredentials must be true, version a string', { passCredentials: 'yes', version: 3 }, { passCredentials: false, version: '' }],
    ['flags and overrides', { skipCrds: true, skipTests: true, skipSchemaValidation: true, namespace: 'n', kubeVersion: '1.30.0', apiVersions: ['v1'] },
      { skipCrds: true, skipTests: true, skipSchemaValidation: true, namespace: 'n', kubeVersion: '1.30.0', apiVersions: ['v1'] }],
  ];
  for (const [name, helm, want] of rows) {
    it(name, () => {
      const got = readHelmSpec({ repoURL: 'x', helm }) as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(want)) assert.deepEqual(got[key], value, key);
    });
  }
});
