// helm's error text as a condition naming the file (and line) it is about, scratch paths hidden.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanHelmMessage, helmError, repoChartFiles } from './helm-stderr.ts';

const files = { ...repoChartFiles('charts/web'), paths: [['/s/repo/', ''], ['/s/ref-0/', '$values/'], ['/s/.helm-x/inline-values.yaml', 'helm.values'], ['/s/.helm-x/', '']] as [string, string][] };

describe('helmError', () => {
  // name | stderr | file, line, column | message
  const rows: [string, string, [string, number?, number?], string][] = [
    ['parse error', 'Error: parse error at (web/templates/x.yaml:4): function "nope" not defined\n\nUse --debug flag to render out invalid YAML\n',
      ['charts/web/templates/x.yaml', 4], 'parse error at (web/templates/x.yaml:4): function "nope" not defined'],
    ['execution error with a column', 'Error: execution error at (web/templates/x.yaml:4:11): need x', ['charts/web/templates/x.yaml', 4, 11], 'execution error at (web/templates/x.yaml:4:11): need x'],
    ['template: form, in a subchart', 'Error: template: web/charts/db/templates/s.yaml:3:12: executing "web/charts/db/templates/s.yaml" at <.Values.x.y>: nil pointer',
      ['charts/web/charts/db/templates/s.yaml', 3, 12], 'template: web/charts/db/templates/s.yaml:3:12: executing "web/charts/db/templates/s.yaml" at <.Values.x.y>: nil pointer'],
    ['YAML parse error', 'Error: YAML parse error on web/templates/y.yaml: error converting YAML to JSON: yaml: line 5: mapping values are not allowed',
      ['charts/web/templates/y.yaml'], 'YAML parse error on web/templates/y.yaml: error converting YAML to JSON: yaml: line 5: mapping values are not allowed'],
    ['a value file of the repository', 'Error: failed to parse /s/repo/envs/bad.yaml: error converting YAML to JSON', ['envs/bad.yaml'], 'failed to parse envs/bad.yaml: error converting YAML to JSON'],
    ['a value file of a ref source', 'Error: failed to parse /s/ref-0/env/bad.yaml: x', ['$values/env/bad.yaml'], 'failed to parse $values/env/bad.yaml: x'],
    ['inline values name the chart', 'Error: failed to parse /s/.helm-x/inline-values.yaml: x', ['charts/web'], 'failed to parse helm.values: x'],
    ['anything else names the chart', 'Error: values don\'t meet the specifications of the schema(s)\nweb:\n- at \'/replicas\': got string, want integer',
      ['charts/web'], 'values don\'t meet the specifications of the schema(s)\nweb:\n- at \'/replicas\': got string, want integer'],
    ['no stderr: the fallback message', '', ['charts/web'], 'helm timed out after 60 s'],
  ];
  for (const [name, stderr, [file, line, column], message] of rows) {
    it(name, () => {
      const got = helmError('helm template', stderr, 'helm timed out after 60 s', files);
      assert.deepEqual(got, { file, message: `helm template: ${message}`, ...(line ? { line } : {}), ...(column ? { column } : {}) });
    });
  }
  it('cleanHelmMessage rewrites longer paths first', () => {
    assert.equal(cleanHelmMessage('open /s/.helm-x/inline-values.yaml and /s/.helm-x/cache', files.paths), 'open helm.values and cache');
  });
});
