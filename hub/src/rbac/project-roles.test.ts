// AppProject roles as RBAC rules: subjects proj:<project>:<role>, objects kept inside the project.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatRule } from './policy.ts';
import { projectRoleRules, validateRolePolicies } from './project-roles.ts';

describe('validateRolePolicies', () => {
  // name | policies of role "ci" in project "web" | issue messages
  const cases: [string, string[], string[]][] = [
    ['a policy inside the project', ['p, proj:web:ci, applications, sync, web/*, allow'], []],
    ['another subject', ['p, proj:api:ci, applications, sync, web/*, allow'], ['the subject must be proj:web:ci, not proj:api:ci']],
    ['an object of another project', ['p, proj:web:ci, applications, get, */*, allow'], ['the object must be inside the project (web/…), not */*']],
    ['a g line', ['g, alice, proj:web:ci'], ['a project role policy is a p line']],
    ['a malformed line', ['p, proj:web:ci, applications'], ['a p line has 5 fields (subject, resource, action, object, effect), not 2']],
  ];
  for (const [name, policies, messages] of cases) it(name, () => assert.deepEqual(validateRolePolicies('web', 'ci', policies).map((i) => i.message), messages));
});

describe('projectRoleRules', () => {
  it('turns policies and groups into rules, skipping roles without a name', () => {
    const { rules, issues } = projectRoleRules([
      { name: 'web', spec: { roles: [{ name: 'ci', policies: ['p, proj:web:ci, applications, sync, web/*, allow'], groups: ['web-team', ''] }, { policies: ['x'] }] } },
      { name: 'empty', spec: {} },
    ]);
    assert.deepEqual(rules.map((r) => [formatRule(r), r.source]), [
      ['p, proj:web:ci, applications, sync, web/*, allow', 'project web role ci'],
      ['g, web-team, proj:web:ci', 'project web role ci'],
    ]);
    assert.deepEqual(issues, []);
  });
});
