// Parsing and validating policy.csv and argocd-rbac-cm ConfigMaps.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatRule, parsePolicy, parseScopes, settingsFromConfigMap, settingsToConfigMap, validateSettings, DEFAULT_RBAC_SETTINGS, type PolicyIssue } from './policy.ts';

describe('parsePolicy', () => {
  // name | policy text | rules (formatted) | issues
  const cases: [string, string, string[], PolicyIssue[]][] = [
    ['a p line and a g line', 'p, role:dev, applications, sync, team-a/*, allow\ng, alice, role:dev', ['p, role:dev, applications, sync, team-a/*, allow', 'g, alice, role:dev'], []],
    ['comments and blank lines are skipped', '# who\n\n  p, role:x, clusters, get, *, deny  \n', ['p, role:x, clusters, get, *, deny'], []],
    ['no spaces after commas', 'p,role:x,projects,get,team-a,allow', ['p, role:x, projects, get, team-a, allow'], []],
    ['quoted field', 'p, "role:x", applications, "action/*", "team-a/*", allow', ['p, role:x, applications, action/*, team-a/*, allow'], []],
    ['a comma inside a quoted field', 'p, "role:x,y", applications, get, */*, allow', [], [{ line: 1, message: 'a field may not hold a comma or a double quote' }]],
    ['missing effect', 'p, role:x, applications, get, team-a/*', [], [{ line: 1, message: 'a p line has 5 fields (subject, resource, action, object, effect), not 4' }]],
    ['bad effect', 'p, role:x, applications, get, team-a/*, maybe', [], [{ line: 1, message: 'the effect must be allow or deny, not "maybe"' }]],
    ['unknown resource', 'p, role:x, pods, get, *, allow', [], [{ line: 1, message: 'unknown resource "pods" (one of applications, applicationsets, clusters, projects, repositories, accounts, certificates, gpgkeys, logs, exec, extensions)' }]],
    ['unknown action', '\np, role:x, applications, destroy, */*, allow', [], [{ line: 2, message: 'unknown action "destroy" (one of get, create, update, delete, sync, override, action, invoke, action/<group>/<kind>/<name>, or a glob)' }]],
    ['sub-actions are known', 'p, r, applications, action/apps/Deployment/restart, a/*, allow\np, r, applications, delete/*/Pod/*, a/*, allow', ['p, r, applications, action/apps/Deployment/restart, a/*, allow', 'p, r, applications, delete/*/Pod/*, a/*, allow'], []],
    ['project-scoped object without a project', 'p, role:x, applications, get, team-a, allow', [], [{ line: 1, message: 'applications objects are <project>/<name> (e.g. team-a/*), not "team-a"' }]],
    ['empty subject', 'p, , applications, get, */*, allow', [], [{ line: 1, message: 'the subject is empty' }]],
    ['g with three fields', 'g, alice, role:x, extra', [], [{ line: 1, message: 'a g line has 2 fields (user-or-group, role), not 3' }]],
    ['neither p nor g', 'x, alice', [], [{ line: 1, message: 'a line starts with p or g, not "x"' }]],
    ['good lines kept beside bad ones', 'p, r, clusters, get, *, allow\np, r, clusters, get', ['p, r, clusters, get, *, allow'], [{ line: 2, message: 'a p line has 5 fields (subject, resource, action, object, effect), not 3' }]],
  ];
  for (const [name, text, rules, issues] of cases) {
    it(name, () => {
      const parsed = parsePolicy(text);
      assert.deepEqual(parsed.rules.map(formatRule), rules);
      assert.deepEqual(parsed.issues, issues);
    });
  }
});

describe('validateSettings', () => {
  // name | settings change | issue messages
  const cases: [string, Partial<typeof DEFAULT_RBAC_SETTINGS>, string[]][] = [
    ['defaults are valid', {}, []],
    ['bad match mode', { matchMode: 'fuzzy' as 'glob' }, ['policy.matchMode must be glob or regex, not "fuzzy"']],
    ['two default roles', { policyDefault: 'role:a, role:b' }, ['policy.default names one role, not "role:a, role:b"']],
    ['bad regex in regex mode', { matchMode: 'regex', policyCsv: 'p, r, applications, get, a/(, allow' }, ['"a/(" is not a valid regular expression']],
    ['the same text is a fine glob', { policyCsv: 'p, r, applications, get, a/(, allow' }, []],
  ];
  for (const [name, change, messages] of cases) {
    it(name, () => assert.deepEqual(validateSettings({ ...DEFAULT_RBAC_SETTINGS, ...change }).map((i) => i.message), messages));
  }
});

describe('argocd-rbac-cm', () => {
  it('reads a ConfigMap as Argo CD users keep it, extra policy.<name>.csv keys appended', () => {
    const read = settingsFromConfigMap({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-rbac-cm', namespace: 'argocd' },
      data: { 'policy.csv': 'g, alice, role:admin', 'policy.default': 'role:readonly', scopes: '[groups, email]', 'policy.team-b.csv': 'g, bob, role:readonly' },
    });
    assert.deepEqual(read, { ok: true, settings: { policyCsv: 'g, alice, role:admin\ng, bob, role:readonly', policyDefault: 'role:readonly', matchMode: 'glob', scopes: '[groups, email]' } });
  });
  it('reads {data} without a kind as a ConfigMap', () => {
    assert.deepEqual(settingsFromConfigMap({ data: { 'policy.default': 'role:readonly' } }), { ok: true, settings: { ...DEFAULT_RBAC_SETTINGS, policyDefault: 'role:readonly' } });
  });
  it('round-trips through settingsToConfigMap', () => {
    const settings = { policyCsv: 'p, r, clusters, get, *, allow', policyDefault: 'role:readonly', matchMode: 'regex' as const, scopes: '[groups]' };
    assert.deepEqual(settingsFromConfigMap(settingsToConfigMap(settings)), { ok: true, settings });
  });
  // name | input | message
  const refused: [string, unknown, string][] = [
    ['not an object', 'policy', 'expected an argocd-rbac-cm ConfigMap (or its data)'],
    ['another kind', { kind: 'Secret', data: {} }, 'expected a ConfigMap, not a Secret'],
    ['unknown key', { kind: 'ConfigMap', data: { 'policy.csvv': '' } }, 'unknown key data.policy.csvv (known: policy.csv, policy.default, policy.matchMode, scopes, policy.<name>.csv)'],
    ['a non-string value', { 'policy.default': 1 }, 'data.policy.default must be a string'],
    ['a data list', { kind: 'ConfigMap', data: ['policy.csv'] }, 'the ConfigMap data is a map of strings'],
  ];
  for (const [name, input, message] of refused) it(`refuses ${name}`, () => assert.deepEqual(settingsFromConfigMap(input), { ok: false, message }));
});

describe('parseScopes', () => {
  // scopes | claims
  const cases: [string, string[]][] = [
    ['[groups]', ['groups']],
    ['[groups, email]', ['groups', 'email']],
    ['["groups","roles"]', ['groups', 'roles']],
    ['groups', ['groups']],
    ['', ['groups']],
  ];
  for (const [scopes, claims] of cases) it(`${JSON.stringify(scopes)} → ${claims.join(',')}`, () => assert.deepEqual(parseScopes(scopes), claims));
});
