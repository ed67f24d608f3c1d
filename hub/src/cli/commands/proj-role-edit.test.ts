// `proj role` edits, one row per case: the spec before, the edit, and the roles after (or the error).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addGroup, addPolicy, addRole, removeGroup, removePolicy, removeRole, policyLine, type RolesSpec } from './proj-role-edit.ts';

const base: RolesSpec = { sourceRepos: ['*'], roles: [{ name: 'ci', policies: ['p, proj:web:ci, applications, get, web/*, allow'], groups: ['devs'] }] };

describe('proj role edits', () => {
  // name | edit | roles after, or an error fragment
  const rows: [string, (s: RolesSpec) => RolesSpec, RolesSpec['roles'] | string][] = [
    ['create a role', (s) => addRole(s, 'web', 'ops', 'operators'), [...base.roles!, { name: 'ops', description: 'operators' }]],
    ['create an existing role', (s) => addRole(s, 'web', 'ci'), 'project web already has a role ci'],
    ['delete a role', (s) => removeRole(s, 'web', 'ci'), []],
    ['delete a missing role', (s) => removeRole(s, 'web', 'ops'), 'project web has no role ops (roles: ci)'],
    ['add a policy (Argo CD defaults: applications, allow)', (s) => addPolicy(s, 'web', 'ci', { action: 'sync', object: '*' }),
      [{ ...base.roles![0]!, policies: [...base.roles![0]!.policies!, 'p, proj:web:ci, applications, sync, web/*, allow'] }]],
    ['add a deny policy on logs', (s) => addPolicy(s, 'web', 'ci', { action: 'get', object: 'api', permission: 'deny', resource: 'logs' }),
      [{ ...base.roles![0]!, policies: [...base.roles![0]!.policies!, 'p, proj:web:ci, logs, get, web/api, deny'] }]],
    ['add a policy it has (spacing aside)', () => addPolicy({ roles: [{ name: 'ci', policies: ['p,proj:web:ci,applications,get,web/*,allow'] }] }, 'web', 'ci', { action: 'get', object: '*' }), 'already has the policy'],
    ['remove a policy', (s) => removePolicy(s, 'web', 'ci', { action: 'get', object: '*' }), [{ ...base.roles![0]!, policies: [] }]],
    ['remove a policy it lacks', (s) => removePolicy(s, 'web', 'ci', { action: 'sync', object: '*' }), 'role ci has no policy "p, proj:web:ci, applications, sync, web/*, allow"'],
    ['add a group', (s) => addGroup(s, 'web', 'ci', 'ops'), [{ ...base.roles![0]!, groups: ['devs', 'ops'] }]],
    ['add a group it has', (s) => addGroup(s, 'web', 'ci', 'devs'), 'already has the group devs'],
    ['remove a group', (s) => removeGroup(s, 'web', 'ci', 'devs'), [{ ...base.roles![0]!, groups: [] }]],
    ['remove a group it lacks', (s) => removeGroup(s, 'web', 'ci', 'ops'), 'role ci has no group ops'],
    ['edit a role of a project without roles', () => addGroup({}, 'web', 'ci', 'x'), 'project web has no role ci (roles: none)'],
  ];
  for (const [name, edit, expected] of rows) {
    it(name, () => {
      if (typeof expected === 'string') return assert.throws(() => edit(structuredClone(base)), (e: Error) => e.message.includes(expected));
      const after = edit(structuredClone(base));
      assert.deepEqual(after.roles, expected);
      assert.deepEqual(after.sourceRepos ?? ['*'], ['*'], 'the rest of the spec stays');
    });
  }
  it('policyLine', () => assert.equal(policyLine('p', 'r', { action: 'sync', object: 'web' }), 'p, proj:p:r, applications, sync, p/web, allow'));
});
