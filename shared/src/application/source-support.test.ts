// "Accepted means honoured", field by field: each row is one Argo CD source field and Flotilla's
// decision about it, through validateApplication: accepted (the renderers act on it, or it decides
// at render time) or refused at create/update time with the field's path and what to do instead.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateApplication } from './index.ts';

const app = (spec: Record<string, unknown>) => ({
  apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'demo' },
  spec: { destination: { server: 'https://kubernetes.default.svc', namespace: 'demo' }, ...spec },
});
const git = { repoURL: 'https://git.example.com/demo.git', path: 'app' };
const chart = { repoURL: 'https://charts.example.com', chart: 'web', targetRevision: '1.2.3' };

describe('source fields: accepted or refused, with the field named', () => {
  // field | spec (without destination) | undefined = accepted, else [path, message fragment]
  const rows: [string, Record<string, unknown>, [string, string] | undefined][] = [
    ['helm.version "v3"', { source: { ...git, helm: { version: 'v3' } } }, undefined],
    ['helm.version empty', { source: { ...git, helm: { version: '' } } }, undefined],
    ['helm.version "v2" (Argo CD removed Helm 2)', { source: { ...git, helm: { version: 'v2' } } },
      ['spec.source.helm.version', 'must be "v3" or empty, got "v2": the hub renders charts with Helm 3']],
    ['helm.version "3"', { source: { ...chart, helm: { version: '3' } } }, ['spec.source.helm.version', 'must be "v3" or empty, got "3"']],
    ['helm.version "v4" in spec.sources', { sources: [{ ...chart, helm: { version: 'v4' } }] }, ['spec.sources[0].helm.version', 'Helm 3']],
    ['helm.passCredentials (helm --pass-credentials)', { source: { ...chart, helm: { passCredentials: true } } }, undefined],
    ['helm.parameters[].name missing', { source: { ...git, helm: { parameters: [{ value: 'x' }] } } },
      ['spec.source.helm.parameters[0].name', 'required: the value to set (helm --set name=value)']],
    ['helm.fileParameters[].path missing', { source: { ...git, helm: { fileParameters: [{ name: 'cfg' }] } } },
      ['spec.source.helm.fileParameters[0].path', 'required: the file whose content is the value']],
    ['helm.fileParameters[].name missing', { source: { ...git, helm: { fileParameters: [{ path: 'a.txt' }] } } },
      ['spec.source.helm.fileParameters[0].name', 'required']],
    ['kustomize.version (decided at render time by the hub\'s kustomize binaries)', { source: { ...git, kustomize: { version: 'v4.5.7' } } }, undefined],
    ['directory.disableExtensionFilter', { source: { ...git, directory: { disableExtensionFilter: true, include: '*.yaml.sealed' } } }, undefined],
    ['tagPrefix (a semver constraint over prefixed tags)', { source: { ...git, targetRevision: '1.0.*', tagPrefix: 'component-b/' } },
      ['spec.source.tagPrefix', 'remove tagPrefix and name the tag in targetRevision (e.g. "component-b/1.0.1")']],
    ['tagPrefix empty is no prefix', { source: { ...git, tagPrefix: '' } }, undefined],
    ['plugin', { source: { ...git, plugin: { name: 'cmp' } } },
      ['spec.source.plugin', 'config management plugins are not supported: render the manifests into the repository']],
    ['plugin in spec.sources', { sources: [{ ...git, plugin: {} }] }, ['spec.sources[0].plugin', 'not supported']],
    ['chart with kustomize', { source: { ...chart, kustomize: { namePrefix: 'a-' } } },
      ['spec.source.kustomize', 'cannot be used with chart']],
    ['chart with directory', { sources: [{ ...chart, directory: { recurse: true } }] }, ['spec.sources[0].directory', 'cannot be used with chart']],
    ['name of a source (shown with the spec)', { sources: [{ ...git, name: 'web' }] }, undefined],
    ['ref on a single source (unused there, as in Argo CD)', { source: { ...git, ref: 'values' } }, undefined],
    ['sourceHydrator', { sourceHydrator: { drySource: { ...git, targetRevision: 'HEAD' }, syncSource: { targetBranch: 'env/prod', path: 'prod' } } },
      ['spec.sourceHydrator', 'is not supported: the hub renders every source itself']],
  ];
  for (const [name, spec, expected] of rows) {
    it(name, () => {
      const result = validateApplication(app(spec));
      if (expected === undefined) {
        assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
        return;
      }
      assert.ok(!result.ok, 'expected a refusal');
      const [path, fragment] = expected;
      assert.ok(result.errors.some((e) => e.path === path && e.message.includes(fragment)), JSON.stringify(result.errors, null, 1));
    });
  }
});
