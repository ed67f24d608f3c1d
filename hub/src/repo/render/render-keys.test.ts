import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { combinedKey, contentKeyOf, sourceKeyOf, type SourceFacts } from './render-keys.ts';

const base: SourceFacts = {
  repoURL: 'https://git.example/apps.git', path: 'web', type: 'Directory',
  source: { repoURL: 'https://git.example/apps.git', path: 'web', targetRevision: 'main' },
  appName: 'web-east', namespace: 'web', project: 'default', capabilities: { kubeVersion: 'v1.34.4', apiVersions: ['apps/v1', 'v1'] }, revision: 'c1',
};
const helm = { ...base, type: 'Helm' as const, source: { ...base.source, helm: { releaseName: 'web' } } };
const kustomize = { ...base, type: 'Kustomize' as const, source: { ...base.source, kustomize: { namePrefix: 'a-' } } };

describe('sourceKeyOf', () => {
  // what | facts a | facts b | same key?
  const rows: [string, SourceFacts, SourceFacts, boolean][] = [
    ['a directory on clusters of other versions', base, { ...base, appName: 'web-west', namespace: 'other', capabilities: { kubeVersion: 'v1.30.0', apiVersions: [] } }, true],
    ['a directory at another commit', base, { ...base, revision: 'c2', source: { ...base.source, targetRevision: 'v2' } }, true],
    ['a directory with other options', base, { ...base, source: { ...base.source, directory: { recurse: true } } }, false],
    ['another path', base, { ...base, path: 'api' }, false],
    ['the repository URL spelled otherwise', base, { ...base, repoURL: 'https://GIT.example/apps' }, true],
    ['Helm with a release name, another app name', helm, { ...helm, appName: 'web-west' }, true],
    ['Helm without a release name, another app name', { ...helm, source: base.source, type: 'Helm' }, { ...helm, source: base.source, type: 'Helm', appName: 'web-west' }, false],
    ['Helm on another namespace', helm, { ...helm, namespace: 'other' }, false],
    ['Helm on a cluster of another version', helm, { ...helm, capabilities: { kubeVersion: 'v1.30.0', apiVersions: ['apps/v1', 'v1'] } }, false],
    ['Helm with API versions in another order', helm, { ...helm, capabilities: { kubeVersion: 'v1.34.4', apiVersions: ['v1', 'apps/v1'] } }, true],
    ['Kustomize on clusters of other versions', kustomize, { ...kustomize, capabilities: { kubeVersion: 'v1.30.0', apiVersions: [] } }, false],
    ['Kustomize options naming the app, another app', { ...kustomize, source: { ...base.source, kustomize: { commonLabels: { app: '${ARGOCD_APP_NAME}' } } } }, { ...kustomize, appName: 'web-west', source: { ...base.source, kustomize: { commonLabels: { app: '${ARGOCD_APP_NAME}' } } } }, false],
    ['options naming the revision, another commit', { ...kustomize, source: { ...base.source, kustomize: { images: ['web:${ARGOCD_APP_REVISION}'] } } }, { ...kustomize, revision: 'c2', source: { ...base.source, kustomize: { images: ['web:${ARGOCD_APP_REVISION}'] } } }, false],
  ];
  for (const [what, a, b, same] of rows) {
    it(`${what}: ${same ? 'one render' : 'two renders'}`, () => {
      assert.equal(sourceKeyOf(a) === sourceKeyOf(b), same);
    });
  }
});

describe('contentKeyOf', () => {
  it('changes with any input id, and only then', () => {
    const key = sourceKeyOf(base);
    assert.equal(contentKeyOf(key, ['web'], ['t1']), contentKeyOf(key, ['web'], ['t1']));
    assert.notEqual(contentKeyOf(key, ['web'], ['t1']), contentKeyOf(key, ['web'], ['t2']));
    assert.notEqual(contentKeyOf(key, ['web', 'base'], ['t1', null]), contentKeyOf(key, ['web', 'base'], ['t1', 'b1']));
  });
});

describe('combinedKey', () => {
  it('is the content key for one source, and changes with any source of several', () => {
    const a = { sourceKey: sourceKeyOf(base), inputs: ['web'], oids: ['t1'] };
    const b = { sourceKey: sourceKeyOf({ ...base, path: 'api' }), inputs: ['api'], oids: ['t2'] };
    assert.equal(combinedKey([a]), contentKeyOf(a.sourceKey, a.inputs, a.oids));
    assert.notEqual(combinedKey([a, b]), combinedKey([a, { ...b, oids: ['t3'] }]));
    assert.notEqual(combinedKey([a, b]), combinedKey([b, a]));
  });
});
