// Table tests for `spec.source.kustomize` → Argo CD's `kustomize edit` steps and `kustomize build` arguments.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildEnv } from './argocd-env.ts';
import { buildArgs, helmCapabilities, kustomizeSteps, parseKubeVersion, type KustomizeStep } from './kustomize-options.ts';

const env = buildEnv({ appName: 'shop', namespace: 'prod', source: { repoURL: 'https://git.example/r.git' } });
const edit = (...args: string[]): KustomizeStep => ({ kind: 'edit', args });

describe('kustomizeSteps', () => {
  // case | spec.source.kustomize | steps, or [field, message pattern]
  const rows: [string, unknown, KustomizeStep[] | [string, RegExp]][] = [
    ['no options', undefined, []],
    ['empty options', {}, []],
    ['every option, in Argo CD\'s order', {
      components: ['../../components/a'], namespace: 'ns', patches: [{ target: { kind: 'Deployment' }, patch: '- op: add' }],
      commonAnnotations: { team: '${ARGOCD_APP_NAME}' }, commonLabels: { app: '${ARGOCD_APP_NAME}' }, replicas: [{ name: 'web', count: 3 }, { name: 'db', count: '2' }],
      images: ['nginx=registry/nginx:${ARGOCD_APP_NAMESPACE}'], nameSuffix: '-s', namePrefix: 'p-',
    }, [
      edit('set', 'nameprefix', '--', 'p-'), edit('set', 'namesuffix', '--', '-s'), edit('set', 'image', 'nginx=registry/nginx:prod'),
      edit('set', 'replicas', 'web=3', 'db=2'), edit('add', 'label', 'app:shop'), edit('add', 'annotation', 'team:${ARGOCD_APP_NAME}'),
      edit('set', 'namespace', '--', 'ns'), { kind: 'patches', patches: [{ target: { kind: 'Deployment' }, patch: '- op: add' }] },
      edit('add', 'component', '../../components/a'),
    ]],
    ['label flags', { commonLabels: { a: 'b' }, forceCommonLabels: true, labelWithoutSelector: true, labelIncludeTemplates: true },
      [edit('add', 'label', '--force', '--without-selector', '--include-templates', 'a:b')]],
    ['annotation flags and envsubst', { commonAnnotations: { a: '${ARGOCD_APP_NAME}' }, forceCommonAnnotations: true, commonAnnotationsEnvsubst: true },
      [edit('add', 'annotation', '--force', 'a:shop')]],
    ['missing components ignored when asked', { components: ['../c/here', '../c/gone'], ignoreMissingComponents: true }, [edit('add', 'component', '../c/here')]],
    ['all components missing and ignored', { components: ['../c/gone'], ignoreMissingComponents: true }, []],
    ['a replica count that is not a number', { replicas: [{ name: 'web', count: 'three' }] }, ['spec.source.kustomize.replicas[0].count', /expected integer value for count. Received: three/]],
    ['images not a list', { images: 'nginx' }, ['spec.source.kustomize.images', /must be a list/]],
    ['a label value not a string', { commonLabels: { a: 1 } }, ['spec.source.kustomize.commonLabels.a', /must be a string/]],
    ['a patch with an unknown field', { patches: [{ paths: 'x.yaml' }] }, ['spec.source.kustomize.patches[0].paths', /not a field of a Kustomize patch/]],
    ['options not an object', 'x', ['spec.source.kustomize', /must be an object/]],
  ];
  for (const [what, options, expected] of rows) {
    it(what, () => {
      const result = kustomizeSteps(options, env, (c) => c.endsWith('here'));
      if (Array.isArray(expected) && (expected.length === 0 || typeof expected[0] !== 'string')) {
        assert.ok(result.ok, !result.ok ? result.message : '');
        assert.deepEqual(result.steps, expected);
      } else {
        const [field, pattern] = expected as [string, RegExp];
        assert.ok(!result.ok);
        assert.equal(result.field, field);
        assert.match(result.message, pattern);
      }
    });
  }
  it('answers the patch paths and components to check', () => {
    const result = kustomizeSteps({ patches: [{ path: '../p.yaml' }, { patch: 'x' }], components: ['../c'] }, env, () => true);
    assert.ok(result.ok);
    assert.deepEqual([result.patchPaths, result.components], [['../p.yaml'], ['../c']]);
  });
});

describe('buildArgs', () => {
  const helm = { kubeVersion: '1.34.4', apiVersions: ['v1', 'apps/v1'], command: '/opt/helm' };
  // build options | arguments
  const rows: [string[], string[]][] = [
    [[], ['build', 'apps/a']],
    [['--load-restrictor', 'LoadRestrictionsNone'], ['build', 'apps/a', '--load-restrictor', 'LoadRestrictionsNone']],
    [['--enable-helm'], ['build', 'apps/a', '--enable-helm', '--helm-command', '/opt/helm', '--helm-kube-version', '1.34.4', '--helm-api-versions', 'v1', '--helm-api-versions', 'apps/v1']],
    [['--enable-helm', '--helm-command=helm3'], ['build', 'apps/a', '--enable-helm', '--helm-command=helm3', '--helm-kube-version', '1.34.4', '--helm-api-versions', 'v1', '--helm-api-versions', 'apps/v1']],
  ];
  for (const [options, expected] of rows) it(options.join(' ') || '(none)', () => assert.deepEqual(buildArgs('apps/a', options, helm), expected));
  it('the root is .', () => assert.deepEqual(buildArgs('', [], helm), ['build', '.']));
});

describe('parseKubeVersion and helmCapabilities', () => {
  // input | parsed (undefined: error)
  const rows: [string, string | undefined][] = [['v1.34.4', '1.34.4'], ['1.30', '1.30'], ['v1.29.3+k3s1', '1.29.3'], ['', ''], ['latest', undefined], ['v1', undefined]];
  for (const [input, expected] of rows) it(`${input || '(empty)'} → ${String(expected)}`, () => assert.equal(parseKubeVersion(input), expected));
  const cluster = { kubeVersion: 'v1.34.4', apiVersions: ['v1', 'apps/v1'] };
  it('the cluster\'s by default', () => assert.deepEqual(helmCapabilities({}, cluster), { kubeVersion: '1.34.4', apiVersions: ['v1', 'apps/v1'] }));
  it('the source\'s own when set', () => assert.deepEqual(helmCapabilities({ kubeVersion: '1.30.0', apiVersions: ['x/v1'] }, cluster), { kubeVersion: '1.30.0', apiVersions: ['x/v1'] }));
  it('an unparseable version is an error', () => assert.deepEqual(helmCapabilities({ kubeVersion: 'new' }, cluster), { error: 'could not parse kubernetes version new' }));
});
