// Table-driven tests for the live/desired comparison: default normalization, ignoreDifferences by JSON pointer,
// jq path and managedFields manager, rule matching, Secret masking, the diff text, and IgnoreExtraneous.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { KubeObject } from './objects.ts';
import { IgnoreRuleError, diffResource, ignoresExtraneous, normalize, ruleMatches, validateIgnoreRules, type IgnoreRule } from './diff.ts';

/** Reads a single-document YAML fixture from testdata/. */
function fixture(name: string): KubeObject {
  return parse(readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8')) as KubeObject;
}

const LIVE = fixture('deployment-live.yaml');
const SECRET = fixture('secret-live.yaml');

/** A dry-run result of the desired object: live with fresh server metadata and no last-applied, then edited. */
function dryRun(edit: (d: any) => void = () => {}, from: KubeObject = LIVE): KubeObject {
  const d: any = structuredClone(from);
  d.metadata.generation = 5;
  d.metadata.resourceVersion = '1201';
  d.metadata.managedFields = [{ manager: 'flotilla-agent', operation: 'Apply', fieldsV1: {} }];
  delete d.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  if (d.status) d.status.readyReplicas = 2;
  edit(d);
  return d;
}

/** Live edited. */
function live(edit: (l: any) => void, from: KubeObject = LIVE): KubeObject {
  const l: any = structuredClone(from);
  edit(l);
  return l;
}

const deploy = (over: Partial<IgnoreRule> = {}): IgnoreRule => ({ group: 'apps', kind: 'Deployment', ...over });
const INJECTED = '.spec.template.spec.initContainers[] | select(.name == "injected")';
const withoutInjected = (d: any) => { d.spec.template.spec.initContainers.splice(1, 1); };
const withoutInjectorFields = (d: any) => {
  delete d.spec.template.metadata.annotations;
  d.spec.template.spec.containers.pop();
};

describe('diffResource', () => {
  // case | desired (dry-run result) | live | rules | expected status | expected @@ paths in the diff
  const rows: [string, KubeObject, KubeObject | undefined, IgnoreRule[], 'Synced' | 'OutOfSync', string[]][] = [
    ['only server-owned fields, status and server annotations differ', dryRun(), LIVE, [], 'Synced', []],
    ['image change', dryRun((d) => { d.spec.template.spec.containers[0].image = 'web:1.1'; }), LIVE, [], 'OutOfSync', ['.spec.template.spec.containers[0].image']],
    ['label with a dotted key', dryRun((d) => { d.metadata.labels['app.kubernetes.io/part-of'] = 'shop'; }), LIVE, [], 'OutOfSync', ['.metadata.labels["app.kubernetes.io/part-of"]']],
    ['a container env entry removed', dryRun((d) => { d.spec.template.spec.containers[0].env = []; }), LIVE, [], 'OutOfSync', ['.spec.template.spec.containers[0].env[0]']],
    ['null and absent are the same', dryRun((d) => { d.spec.paused = null; }), LIVE, [], 'Synced', []],
    ['replicas differ', dryRun((d) => { d.spec.replicas = 3; }), LIVE, [], 'OutOfSync', ['.spec.replicas']],
    ['jsonPointers /spec/replicas ignores replicas', dryRun((d) => { d.spec.replicas = 3; }), LIVE, [deploy({ jsonPointers: ['/spec/replicas'] })], 'Synced', []],
    ['a rule for another kind does nothing', dryRun((d) => { d.spec.replicas = 3; }), LIVE, [{ group: 'apps', kind: 'StatefulSet', jsonPointers: ['/spec/replicas'] }], 'OutOfSync', ['.spec.replicas']],
    ['a rule without group means the core group', dryRun((d) => { d.spec.replicas = 3; }), LIVE, [{ kind: 'Deployment', jsonPointers: ['/spec/replicas'] }], 'OutOfSync', ['.spec.replicas']],
    ['group and kind "*" match all', dryRun((d) => { d.spec.replicas = 3; }), LIVE, [{ group: '*', kind: '*', jsonPointers: ['/spec/replicas'] }], 'Synced', []],
    ['name scoping: other name does not match', dryRun((d) => { d.spec.replicas = 3; }), LIVE, [deploy({ name: 'api', jsonPointers: ['/spec/replicas'] })], 'OutOfSync', ['.spec.replicas']],
    ['namespace scoping: same namespace matches', dryRun((d) => { d.spec.replicas = 3; }), LIVE, [deploy({ namespace: 'shop', jsonPointers: ['/spec/replicas'] })], 'Synced', []],
    ['pointer with an escaped slash', dryRun((d) => { d.metadata.annotations['example.com/note'] = 'x'; }), LIVE, [deploy({ jsonPointers: ['/metadata/annotations/example.com~1note'] })], 'Synced', []],
    ['pointer into an array, and a missing path is a no-op', dryRun((d) => { d.spec.template.spec.containers[0].env[0].value = 'dev'; }), LIVE,
      [deploy({ jsonPointers: ['/spec/template/spec/containers/0/env', '/spec/not/there', '/spec/template/spec/containers/9/image'] })], 'Synced', []],
    ['injected init container differs', dryRun(withoutInjected), LIVE, [], 'OutOfSync', ['.spec.template.spec.initContainers[1]']],
    ['jq select removes the injected init container', dryRun(withoutInjected), LIVE, [deploy({ jqPathExpressions: [INJECTED] })], 'Synced', []],
    ['jq removes only what it selects', dryRun((d) => { withoutInjected(d); d.spec.template.spec.initContainers[0].image = 'busybox:1.37'; }), LIVE,
      [deploy({ jqPathExpressions: [INJECTED] })], 'OutOfSync', ['.spec.template.spec.initContainers[0].image']],
    ['jq with several matches and a quoted key', dryRun((d) => { d.spec.template.spec.containers.forEach((c: any) => { c.image = 'x'; }); d.metadata.labels['app.flotilla.dev/instance'] = 'other'; }), LIVE,
      [deploy({ jqPathExpressions: ['.spec.template.spec.containers[].image', '.metadata.labels["app.flotilla.dev/instance"]'] })], 'Synced', []],
    ['jq over a field the object lacks changes nothing', dryRun((d) => { d.spec.replicas = 3; }), LIVE, [deploy({ jqPathExpressions: ['.spec.volumes[] | select(.name == "x")'] })], 'OutOfSync', ['.spec.replicas']],
    ['managedFieldsManagers: replicas owned by kube-controller-manager come from live', dryRun((d) => { d.spec.replicas = 3; }), LIVE,
      [deploy({ managedFieldsManagers: ['kube-controller-manager'] })], 'Synced', []],
    ['managedFieldsManagers: an annotation and a list item owned by the injector come from live', dryRun(withoutInjectorFields), LIVE,
      [deploy({ managedFieldsManagers: ['injector'] })], 'Synced', []],
    ['managedFieldsManagers: a manager not listed changes nothing', dryRun(withoutInjectorFields), LIVE,
      [deploy({ managedFieldsManagers: ['kube-controller-manager'] })], 'OutOfSync', ['.spec.template.metadata.annotations', '.spec.template.spec.containers[1]']],
    ['managedFieldsManagers: an owned item gone from live is dropped from desired too', dryRun((d) => { d.spec.template.spec.initContainers.push({ name: 'gone' }); }), LIVE,
      [deploy({ managedFieldsManagers: ['injector'] })], 'Synced', []],
    ['managedFieldsManagers: fields the manager does not own still count', dryRun((d) => { d.spec.replicas = 3; d.spec.template.spec.containers[0].image = 'web:2'; }), LIVE,
      [deploy({ managedFieldsManagers: ['kube-controller-manager'] })], 'OutOfSync', ['.spec.template.spec.containers[0].image']],
    ['missing live object', dryRun(), undefined, [], 'OutOfSync', ['.']],
    ['live label removed by someone', dryRun(), live((l) => { delete l.metadata.labels.app; }), [], 'OutOfSync', ['.metadata.labels.app']],
  ];
  for (const [name, desired, liveObj, rules, status, paths] of rows) {
    it(name, () => {
      const result = diffResource(desired, liveObj, rules);
      assert.equal(result.status, status, result.diff);
      assert.deepEqual(result.diff.split('\n').filter((line) => line.startsWith('@@')).map((line) => line.slice(3, -3)), paths);
      assert.equal(result.warnings, undefined);
      assert.equal(result.diff === '', status === 'Synced');
    });
  }

  it('renders values as - live / + desired lines', () => {
    const result = diffResource(dryRun((d) => { d.spec.template.spec.containers[0].image = 'web:1.1'; }), LIVE, []);
    assert.equal(result.diff, '--- live\n+++ desired\n@@ .spec.template.spec.containers[0].image @@\n-"web:1.0"\n+"web:1.1"\n');
  });

  it('returns both normalized sides without server fields, and does not touch its inputs', () => {
    const desired = dryRun();
    const before = structuredClone(desired);
    const result = diffResource(desired, LIVE, []);
    assert.deepEqual(desired, before);
    for (const side of [result.normalizedLive, result.normalizedTarget] as any[]) {
      assert.equal(side.status, undefined);
      assert.equal(side.metadata.managedFields, undefined);
      assert.equal(side.metadata.annotations['deployment.kubernetes.io/revision'], undefined);
      assert.equal(side.metadata.annotations['flotilla.dev/tracking-id'], 'shop:apps/Deployment:shop/web');
    }
  });
});

describe('diffResource on Secrets', () => {
  // case | desired data edit | expected status | text that must appear | text that must not appear
  const rows: [string, (d: any) => void, 'Synced' | 'OutOfSync', string[], string[]][] = [
    ['changed value is masked, different masks per side', (d) => { d.data.password = 'c2VjcmV0LXR3bw=='; }, 'OutOfSync',
      ['@@ .data.password @@\n-"++++++++"\n+"+++++++++"'], ['c2VjcmV0', 'secret']],
    ['added key is masked', (d) => { d.data.token = 'dG9rZW4='; }, 'OutOfSync', ['@@ .data.token @@\n+"++++++++"'], ['dG9rZW4=']],
    ['equal values: synced, and normalized sides are masked alike', () => {}, 'Synced', [], []],
  ];
  for (const [name, edit, status, present, absent] of rows) {
    it(name, () => {
      const result = diffResource(dryRun(edit, SECRET), SECRET, []);
      assert.equal(result.status, status);
      for (const text of present) assert.ok(result.diff.includes(text), result.diff);
      for (const text of absent) assert.ok(!result.diff.includes(text) && !JSON.stringify(result).includes(text), text);
      assert.ok(!JSON.stringify(result).includes('YWRtaW4='), 'unchanged values are masked too');
    });
  }
});

describe('ignore rule problems', () => {
  // case | rules | validateIgnoreRules fragments (empty: valid) | diffResource throws IgnoreRuleError? | warning fragment from diffResource
  const rows: [string, IgnoreRule[], string[], boolean, string | undefined][] = [
    ['valid rules', [deploy({ jsonPointers: ['/spec/replicas'], jqPathExpressions: [INJECTED] })], [], false, undefined],
    ['pointer without a leading slash', [deploy({ jsonPointers: ['spec/replicas'] })], ['must start with "/"'], true, undefined],
    ['jq syntax error names the expression', [deploy({ jqPathExpressions: ['.spec | )'] })], ['cannot parse ".spec | )"'], true, undefined],
    ['jq that cannot form paths warns, does not throw', [deploy({ jqPathExpressions: ['.spec | keys[]'] })], [], false, 'no paths for keys'],
    ['jq slices are not removable', [deploy({ jqPathExpressions: ['.spec.template.spec.initContainers[1:]'] })], [], false, 'slices are not supported'],
    ['jq selecting the whole object is ignored', [deploy({ jqPathExpressions: ['.'] })], [], false, 'whole object'],
  ];
  for (const [name, rules, fragments, throws, warning] of rows) {
    it(name, () => {
      const problems = validateIgnoreRules(rules);
      assert.equal(problems.length, fragments.length, JSON.stringify(problems));
      fragments.forEach((fragment, i) => assert.ok(problems[i]?.includes(fragment), problems[i]));
      if (throws) {
        assert.throws(() => diffResource(dryRun(), LIVE, rules), IgnoreRuleError);
        return;
      }
      const result = diffResource(dryRun(), LIVE, rules);
      if (warning) assert.ok(result.warnings?.some((w) => w.includes(warning)), JSON.stringify(result.warnings));
      else assert.equal(result.warnings, undefined);
    });
  }
});

describe('normalize and ruleMatches', () => {
  // case | rule | matches the live Deployment?
  const rows: [string, IgnoreRule, boolean][] = [
    ['exact group and kind', deploy(), true],
    ['kind glob', { group: 'apps', kind: 'Deploy*' }, true],
    ['group glob', { group: '*.k8s.io', kind: 'Deployment' }, false],
    ['wrong namespace', deploy({ namespace: 'dev' }), false],
    ['empty name means any', deploy({ name: '' }), true],
  ];
  for (const [name, rule, matches] of rows) it(name, () => assert.equal(ruleMatches(rule, LIVE), matches));

  it('normalize drops server fields and applies matching rules only', () => {
    const out: any = normalize(LIVE, [deploy({ jsonPointers: ['/spec/replicas'] }), { kind: 'ConfigMap', jsonPointers: ['/spec/selector'] }]);
    assert.equal(out.status, undefined);
    assert.equal(out.spec.replicas, undefined);
    assert.deepEqual(out.spec.selector, { matchLabels: { app: 'web' } });
    for (const field of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields']) assert.equal(out.metadata[field], undefined, field);
    assert.deepEqual(Object.keys(out.metadata.annotations), ['flotilla.dev/tracking-id']);
    assert.equal((LIVE as any).spec.replicas, 5);
  });
});

describe('ignoresExtraneous', () => {
  // compare-options annotation (undefined: none) | ignored?
  const rows: [string | undefined, boolean][] = [[undefined, false], ['IgnoreExtraneous', true], ['ServerSideDiff=true, IgnoreExtraneous', true], ['ServerSideDiff=true', false]];
  for (const [annotation, expected] of rows) {
    it(String(annotation), () => {
      const obj = live((l) => { if (annotation) l.metadata.annotations['argocd.argoproj.io/compare-options'] = annotation; });
      assert.equal(ignoresExtraneous(obj), expected);
    });
  }
});
