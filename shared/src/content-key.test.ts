// Table tests for the check an agent makes on every bundle: its key is the content key of its
// manifests alone, or (bundles rendered before issue 14) of its inputs and manifests together.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bundleKeyOf, contentKey, isBundleKeyValid } from './content-key.ts';

const manifests = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { value: '1' } }];
const inputs = { repoURL: 'git.example/apps', commit: 'a'.repeat(40), path: 'app', params: { type: 'directory' } };
const legacyKey = contentKey({ ...inputs, manifests });
const tampered = [{ ...manifests[0]!, data: { value: '2' } }];

describe('isBundleKeyValid', () => {
  // [case, bundle, valid]
  const rows: [string, { key: string; manifests: object[]; inputs?: typeof inputs }, boolean][] = [
    ['key of the manifests alone', { key: bundleKeyOf(manifests), manifests }, true],
    ['key of the manifests alone, inputs sent for information', { key: bundleKeyOf(manifests), manifests, inputs }, true],
    ['another commit in the inputs does not matter to a manifests key', { key: bundleKeyOf(manifests), manifests, inputs: { ...inputs, commit: 'b'.repeat(40) } }, true],
    ['manifests changed under the key', { key: bundleKeyOf(manifests), manifests: tampered }, false],
    ['legacy key (inputs and manifests), inputs carried', { key: legacyKey, manifests, inputs }, true],
    ['legacy key without its inputs', { key: legacyKey, manifests }, false],
    ['legacy key, manifests changed', { key: legacyKey, manifests: tampered, inputs }, false],
    ['legacy key, inputs changed', { key: legacyKey, manifests, inputs: { ...inputs, path: 'other' } }, false],
    ['a key of something else', { key: contentKey({ manifests }), manifests }, false],
    ['manifests not an array', { key: bundleKeyOf(manifests), manifests: { 0: manifests[0] } as unknown as object[] }, false],
  ];
  for (const [name, bundle, valid] of rows) {
    it(name, () => assert.equal(isBundleKeyValid(bundle), valid));
  }

  it('bundleKeyOf is the content key of the manifests array', () => {
    assert.equal(bundleKeyOf(manifests), contentKey(manifests));
    assert.match(bundleKeyOf(manifests), /^sha256:[0-9a-f]{64}$/);
  });
});
