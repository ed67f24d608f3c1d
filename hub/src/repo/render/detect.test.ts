import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detectSourceType } from './detect.ts';

describe('detectSourceType', () => {
  const base = { repoURL: 'https://git.example/apps.git', path: 'app' };
  // source fields | files at the path | type or error fragment
  const rows: [string, Record<string, unknown>, string[], string][] = [
    ['plain YAML', {}, ['deploy.yaml'], 'Directory'],
    ['a chart', {}, ['Chart.yaml', 'values.yaml'], 'Helm'],
    ['a kustomization', {}, ['kustomization.yaml'], 'Kustomize'],
    ['a Kustomization file', {}, ['Kustomization'], 'Kustomize'],
    ['kustomization.yml', {}, ['kustomization.yml'], 'Kustomize'],
    ['explicit helm wins over files', { helm: {} }, ['kustomization.yaml'], 'Helm'],
    ['explicit directory wins over Chart.yaml', { directory: { recurse: true } }, ['Chart.yaml'], 'Directory'],
    ['explicit kustomize', { kustomize: { namePrefix: 'a-' } }, ['x.yaml'], 'Kustomize'],
    ['a plugin', { plugin: { name: 'cmp' } }, [], 'Plugin'],
    ['a chart from a Helm repository', { chart: 'nginx' }, [], 'HelmRepository'],
    ['a repository chart with helm options', { chart: 'nginx', helm: { releaseName: 'x' } }, [], 'HelmRepository'],
    ['two types', { helm: {}, kustomize: {} }, [], 'spec.source.helm and spec.source.kustomize'],
    ['a chart with kustomize', { chart: 'nginx', kustomize: {} }, [], 'spec.source.kustomize is set'],
  ];
  for (const [what, fields, names, expected] of rows) {
    it(`${what} → ${expected}`, () => {
      const result = detectSourceType({ ...base, ...fields }, new Set(names));
      if ('type' in result) assert.equal(result.type, expected);
      else assert.ok(result.error.includes(expected), result.error);
    });
  }
});
