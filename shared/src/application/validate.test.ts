// Table-driven tests for manifest parsing and the Argo CD Application/AppProject validators: each row
// is one manifest (a testdata/ fixture or inline YAML/JSON) and what validating it must produce.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseManifestText, validateApplication, validateAppProject, type FieldError } from './index.ts';

/** Reads a fixture from testdata/. */
function fixture(name: string): string {
  return readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
}

/** Parses text that must hold exactly one object. */
function single(text: string): unknown {
  const parsed = parseManifestText(text);
  assert.ok(parsed.ok, `parse failed: ${JSON.stringify(!parsed.ok && parsed.errors)}`);
  assert.equal(parsed.objects.length, 1);
  return parsed.objects[0];
}

/** Asserts every expected [path, message fragment] pair is among the errors. */
function assertErrors(errors: FieldError[], expected: [string, string][]): void {
  for (const [path, fragment] of expected) {
    const hit = errors.some((e) => e.path === path && e.message.includes(fragment));
    assert.ok(hit, `expected error at ${JSON.stringify(path)} containing ${JSON.stringify(fragment)}; got ${JSON.stringify(errors, null, 1)}`);
  }
}

const HEAD = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: demo\n';
const SRC = '  source:\n    repoURL: https://git.example.com/demo.git\n    path: app\n';
const DST = '  destination:\n    server: https://kubernetes.default.svc\n    namespace: demo\n';
const PROJ = 'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: team\nspec:\n';

describe('parseManifestText', () => {
  // name | text | objects parsed (number) or first error as [line, column, message fragment]
  const rows: [string, string, number | [number, number, string]][] = [
    ['single YAML document', fixture('guestbook.yaml'), 1],
    ['multi-document YAML skips empty documents', `---\n# nothing\n---\n${HEAD}---\n\n---\n${PROJ}  description: x\n`, 2],
    ['JSON object', JSON.stringify(single(fixture('guestbook.yaml'))), 1],
    ['JSON array of objects', `[${JSON.stringify({ kind: 'A' })}, ${JSON.stringify({ kind: 'B' })}]`, 2],
    ['kubectl List is unwrapped', `apiVersion: v1\nkind: List\nitems:\n- kind: Application\n- kind: Application\n`, 2],
    ['empty text', '\n# just a comment\n', 0],
    ['YAML syntax error', 'a: 1\nb: [1, 2\nc: 3\n', [3, 1, 'line 3, column 1']],
    ['duplicate key', 'kind: Application\nkind: AppProject\n', [2, 1, 'Map keys must be unique']],
    ['syntax error in the second document keeps absolute lines', `${HEAD}---\nx: y\n  bad: indent\n`, [6, 4, 'document 2']],
  ];
  for (const [name, text, expected] of rows) {
    it(name, () => {
      const result = parseManifestText(text);
      if (typeof expected === 'number') {
        assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
        assert.equal(result.objects.length, expected);
        return;
      }
      assert.ok(!result.ok, 'expected a parse error');
      const [line, column, fragment] = expected;
      const first = result.errors[0];
      assert.equal(first?.line, line, JSON.stringify(result.errors));
      assert.equal(first?.column, column);
      assert.ok(first?.message.includes(fragment), first?.message);
    });
  }

  it('prefixes syntax errors with the origin', () => {
    const result = parseManifestText('a: [\n', 'apps/web.yaml');
    assert.ok(!result.ok);
    assert.match(result.errors[0]?.message ?? '', /^apps\/web\.yaml: YAML syntax error/);
  });
});

describe('validateApplication: valid manifests', () => {
  // name | manifest text | expected spec.project after defaulting
  const rows: [string, string, string][] = [
    ['guestbook (directory source with jsonnet)', fixture('guestbook.yaml'), 'default'],
    ['helm chart with valuesObject and parameters', fixture('helm-values-object.yaml'), 'platform'],
    ['kustomize overlay', fixture('kustomize.yaml'), 'default'],
    ['multi-source with ref value files and Jsonnet', fixture('multi-source-ref.yaml'), 'monitoring'],
    ['full syncPolicy with retry and syncOptions', fixture('sync-policy-full.yaml'), 'payments'],
    ['ignoreDifferences', fixture('ignore-differences.yaml'), 'default'],
    ['kubectl get -o yaml with status, operation, managedFields', fixture('kubectl-get.yaml'), 'default'],
    ['JSON input', JSON.stringify(single(`${HEAD}spec:\n  project: web\n${SRC}${DST}`)), 'web'],
    ['missing project defaults to "default"', `${HEAD}spec:\n${SRC}${DST}`, 'default'],
    ['empty project defaults to "default"', `${HEAD}spec:\n  project: ""\n${SRC}${DST}`, 'default'],
    ['null fields are dropped like the API server does', `${HEAD}  creationTimestamp: null\nspec:\n${SRC}${DST}  syncPolicy:\n    automated:\n`, 'default'],
    ['destination by cluster name', `${HEAD}spec:\n${SRC}  destination:\n    name: prod-eu\n`, 'default'],
    ['path "." for the repository root', `${HEAD}spec:\n  source:\n    repoURL: https://git.example.com/demo.git\n    path: .\n${DST}`, 'default'],
  ];
  for (const [name, text, project] of rows) {
    it(name, () => {
      const result = validateApplication(single(text));
      assert.ok(result.ok, JSON.stringify(!result.ok && result.errors, null, 1));
      assert.equal(result.value.spec.project, project);
      assert.equal(result.value.kind, 'Application');
      assert.ok(!('status' in result.value) && !('operation' in result.value));
    });
  }

  it('does not mutate its input and keeps opaque helm values intact', () => {
    const input = single(fixture('helm-values-object.yaml'));
    const before = structuredClone(input);
    const result = validateApplication(input);
    assert.ok(result.ok);
    assert.deepEqual(input, before);
    const values = result.value.spec.source?.helm?.valuesObject as { controller: Record<string, unknown> };
    assert.equal(values.controller.extraArgs, null);
  });
});

describe('validateApplication: invalid manifests', () => {
  // name | manifest text | expected errors as [dotted path, message fragment]
  const rows: [string, string, [string, string][]][] = [
    ['unknown field in spec.syncPolicy.automated', `${HEAD}spec:\n${SRC}${DST}  syncPolicy:\n    automated:\n      prunee: true\n`,
      [['spec.syncPolicy.automated.prunee', 'unknown field "prunee" (did you mean "prune"?)']]],
    ['misspelt destination', `${HEAD}spec:\n${SRC}  destinaton:\n    server: https://kubernetes.default.svc\n`,
      [['spec.destinaton', 'unknown field'], ['spec.destination', 'required field is missing']]],
    ['unknown field in a helm block', `${HEAD}spec:\n${SRC}    helm:\n      valueFile: [a.yaml]\n${DST}`,
      [['spec.source.helm.valueFile', 'did you mean "valueFiles"']]],
    ['unknown top-level key', `${HEAD}spec:\n${SRC}${DST}specs: {}\n`, [['specs', 'unknown field']]],
    ['unknown metadata field', `${HEAD}  lables: {a: b}\nspec:\n${SRC}${DST}`, [['metadata.lables', 'did you mean "labels"']]],
    ['revisionHistoryLimit is a word', `${HEAD}spec:\n${SRC}${DST}  revisionHistoryLimit: ten\n`,
      [['spec.revisionHistoryLimit', 'expected an integer, got a string']]],
    ['syncOptions is a string', `${HEAD}spec:\n${SRC}${DST}  syncPolicy:\n    syncOptions: CreateNamespace=true\n`,
      [['spec.syncPolicy.syncOptions', 'expected a list, got a string']]],
    ['helm parameter value is a number', `${HEAD}spec:\n${SRC}    helm:\n      parameters:\n      - name: replicas\n        value: 3\n${DST}`,
      [['spec.source.helm.parameters[0].value', 'expected a string, got an integer']]],
    ['kustomize replica count is a boolean', `${HEAD}spec:\n${SRC}    kustomize:\n      replicas:\n      - name: web\n        count: true\n${DST}`,
      [['spec.source.kustomize.replicas[0].count', 'expected an integer or a string, got a boolean']]],
    ['kustomize images as objects', `${HEAD}spec:\n${SRC}    kustomize:\n      images:\n      - name: web\n${DST}`,
      [['spec.source.kustomize.images[0]', 'expected a string, got an object']]],
    ['missing repoURL', `${HEAD}spec:\n  source:\n    path: app\n${DST}`, [['spec.source.repoURL', 'required field is missing']]],
    ['empty repoURL', `${HEAD}spec:\n  source:\n    repoURL: ""\n    path: app\n${DST}`, [['spec.source.repoURL', 'must not be empty']]],
    ['source without path or chart', `${HEAD}spec:\n  source:\n    repoURL: https://git.example.com/demo.git\n${DST}`,
      [['spec.source.path', 'needs path or chart']]],
    ['chart without targetRevision', `${HEAD}spec:\n  source:\n    repoURL: https://charts.example.com\n    chart: web\n${DST}`,
      [['spec.source.targetRevision', 'required when chart is set']]],
    ['two tool blocks in one source', `${HEAD}spec:\n${SRC}    helm: {releaseName: x}\n    kustomize: {namePrefix: y-}\n${DST}`,
      [['spec.source', 'only one of helm, kustomize, directory or plugin may be set (got helm, kustomize)']]],
    ['missing destination', `${HEAD}spec:\n${SRC}`, [['spec.destination', 'required field is missing']]],
    ['destination without server or name', `${HEAD}spec:\n${SRC}  destination:\n    namespace: demo\n`, [['spec.destination', 'must set server']]],
    ['destination with server and name', `${HEAD}spec:\n${SRC}${DST}    name: in-cluster\n`, [['spec.destination', 'not both']]],
    ['both source and sources', `${HEAD}spec:\n${SRC}  sources:\n  - repoURL: https://git.example.com/b.git\n    path: b\n${DST}`,
      [['spec.sources', 'cannot be used together with spec.source']]],
    ['no source at all', `${HEAD}spec:\n${DST}`, [['spec.source', 'set spec.source or spec.sources']]],
    ['empty sources', `${HEAD}spec:\n  sources: []\n${DST}`, [['spec.sources', 'at least one source']]],
    ['multi-source entry without path, chart or ref', `${HEAD}spec:\n  sources:\n  - repoURL: https://git.example.com/a.git\n    path: a\n  - repoURL: https://git.example.com/b.git\n${DST}`,
      [['spec.sources[1].path', 'needs path, chart or ref']]],
    ['unresolved $ref value file', `${HEAD}spec:\n  sources:\n  - repoURL: https://charts.example.com\n    chart: web\n    targetRevision: 1.0.0\n    helm:\n      valueFiles: [$vals/web.yaml]\n  - repoURL: https://git.example.com/v.git\n    ref: values\n${DST}`,
      [['spec.sources[0].helm.valueFiles[0]', 'refers to source "$vals", but the available refs are $values']]],
    ['duplicate ref and invalid ref', `${HEAD}spec:\n  sources:\n  - {repoURL: 'https://a.example.com/a.git', ref: v}\n  - {repoURL: 'https://a.example.com/b.git', ref: v}\n  - {repoURL: 'https://a.example.com/c.git', ref: 'v.2'}\n${DST}`,
      [['spec.sources[1].ref', 'duplicate ref "v"'], ['spec.sources[2].ref', "only letters, digits, '_' and '-'"]]],
    ['bad retry backoff duration', `${HEAD}spec:\n${SRC}${DST}  syncPolicy:\n    retry:\n      backoff:\n        duration: 5 seconds\n`,
      [['spec.syncPolicy.retry.backoff.duration', 'must be a duration']]],
    ['retry.refresh, which Flotilla does not act on', `${HEAD}spec:\n${SRC}${DST}  syncPolicy:\n    retry:\n      limit: 2\n      refresh: true\n`,
      [['spec.syncPolicy.retry.refresh', 'is not supported: a retry re-applies the bundle of the failed sync']]],
    ['wrong apiVersion', HEAD.replace('v1alpha1', 'v1beta1') + `spec:\n${SRC}${DST}`,
      [['apiVersion', 'must be "argoproj.io/v1alpha1", got "argoproj.io/v1beta1"']]],
    ['wrong kind', HEAD.replace('kind: Application', 'kind: ApplicationSet') + `spec:\n${SRC}${DST}`,
      [['kind', 'must be "Application", got "ApplicationSet"']]],
    ['metadata.name with uppercase and underscore', HEAD.replace('name: demo', 'name: My_App') + `spec:\n${SRC}${DST}`,
      [['metadata.name', 'must be a DNS-1123 subdomain']]],
    ['metadata.name longer than 253', HEAD.replace('name: demo', `name: ${'a'.repeat(254)}`) + `spec:\n${SRC}${DST}`,
      [['metadata.name', 'at most 253 characters']]],
    ['missing metadata.name', HEAD.replace('  name: demo\n', '  namespace: argocd\n') + `spec:\n${SRC}${DST}`,
      [['metadata.name', 'required field is missing']]],
    ['bad label key is reported with a quoted path', `${HEAD}  labels:\n    app.kubernetes.io/name: 3\nspec:\n${SRC}${DST}`,
      [['metadata.labels["app.kubernetes.io/name"]', 'expected a string']]],
    ['JSON scalar instead of an object', '"guestbook"', [['', 'expected an Application object, got a string']]],
    ['source hydrator (the schema accepts it; the hub does not hydrate)', fixture('source-hydrator.yaml'),
      [['spec.sourceHydrator', 'the source hydrator (committing rendered manifests to a branch) is not supported']]],
  ];
  for (const [name, text, expected] of rows) {
    it(name, () => {
      const result = validateApplication(single(text));
      assert.ok(!result.ok, 'expected validation to fail');
      assertErrors(result.errors, expected);
    });
  }

  it('reports only identity errors when the object is not an Application', () => {
    const result = validateApplication(single(fixture('project.yaml')));
    assert.ok(!result.ok);
    assert.deepEqual(result.errors, [{ path: 'kind', message: 'must be "Application", got "AppProject"' }]);
  });

  it('orders the most specific errors first, without duplicates, capped at 20', () => {
    const junk = Array.from({ length: 30 }, (_, i) => `    junk${i}: 1\n`).join('');
    const result = validateApplication(single(`${HEAD}spec:\n${SRC}${junk}${DST}  bogus: 1\n`));
    assert.ok(!result.ok);
    assert.equal(result.errors.length, 20);
    assert.equal(new Set(result.errors.map((e) => e.path)).size, 20);
    assert.ok(result.errors.every((e) => e.path.startsWith('spec.source.junk')), 'deeper paths come before spec.bogus');
  });
});

describe('validateAppProject', () => {
  // name | manifest text | expected errors as [dotted path, message fragment]; empty = valid
  const rows: [string, string, [string, string][]][] = [
    ['every spec field', fixture('project.yaml'), []],
    ['wide-open project from the seed docs', `${PROJ}  sourceRepos: ['*']\n  destinations:\n  - {namespace: '*', server: '*'}\n  clusterResourceWhitelist:\n  - {group: '*', kind: '*'}\n`, []],
    ['empty spec', `${PROJ.replace('spec:\n', 'spec: {}\n')}`, []],
    ['unknown field in spec', `${PROJ}  sourceRepo: ['*']\n`, [['spec.sourceRepo', 'did you mean "sourceRepos"']]],
    ['resource entry without group', `${PROJ}  namespaceResourceWhitelist:\n  - kind: Deployment\n`,
      [['spec.namespaceResourceWhitelist[0].group', 'required field is missing']]],
    ['sync window kind', `${PROJ}  syncWindows:\n  - {kind: maybe, schedule: '0 1 * * *', duration: 1h, applications: ['*']}\n`,
      [['spec.syncWindows[0].kind', 'must be one of "allow", "deny", got "maybe"']]],
    ['sync window schedule, duration and targets', `${PROJ}  syncWindows:\n  - {kind: deny, schedule: '0 1 * *', duration: 1 hour}\n`,
      [['spec.syncWindows[0].schedule', '5-field cron'], ['spec.syncWindows[0].duration', 'must be a duration'],
        ['spec.syncWindows[0]', 'at least one of applications, namespaces or clusters']]],
    ['role name and policy shape', `${PROJ}  roles:\n  - name: -ci-\n  - name: ops\n    policies:\n    - p, proj:other:ops, applications, get, team/*, allow\n    - p, proj:team:ops, applications, get, team/*, maybe\n`,
      [['spec.roles[0].name', "letters, digits, '-' or '_'"], ['spec.roles[1].policies[0]', "subject must be 'proj:team:ops'"],
        ['spec.roles[1].policies[1]', "effect must be 'allow' or 'deny'"]]],
    ['unquoted group with a comma', `${PROJ}  roles:\n  - name: ops\n    groups: ['a, b']\n`, [['spec.roles[0].groups[0]', 'must be quoted']]],
    ['duplicate destination and "!*" repo', `${PROJ}  sourceRepos: ['!*']\n  destinations:\n  - {server: 'https://a', namespace: x}\n  - {server: 'https://a', namespace: x}\n`,
      [['spec.sourceRepos[0]', "'!*' is not allowed"], ['spec.destinations[1]', "duplicate destination 'https://a/x'"]]],
    ['destination service account with a wildcard', `${PROJ}  destinationServiceAccounts:\n  - {server: 'https://a', defaultServiceAccount: '*'}\n`,
      [['spec.destinationServiceAccounts[0].defaultServiceAccount', 'without any of']]],
    ['jwt token iat is a string', `${PROJ}  roles:\n  - name: ci\n    jwtTokens:\n    - iat: yesterday\n`,
      [['spec.roles[0].jwtTokens[0].iat', 'expected an integer, got a string']]],
    ['wrong kind', fixture('guestbook.yaml'), [['kind', 'must be "AppProject", got "Application"']]],
    ['bad project name', PROJ.replace('name: team', 'name: Team!') + '  description: x\n', [['metadata.name', 'DNS-1123']]],
  ];
  for (const [name, text, expected] of rows) {
    it(name, () => {
      const result = validateAppProject(single(text));
      if (expected.length === 0) {
        assert.ok(result.ok, JSON.stringify(!result.ok && result.errors, null, 1));
        assert.equal(result.value.kind, 'AppProject');
        return;
      }
      assert.ok(!result.ok, 'expected validation to fail');
      assertErrors(result.errors, expected);
    });
  }
});
