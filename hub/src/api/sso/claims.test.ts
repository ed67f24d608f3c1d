// identityOfClaims: columns are the claims, the `scopes` setting, and the subject and groups expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identityOfClaims } from './claims.ts';

const cases: Array<[string, Record<string, unknown>, string[], { subject: string; groups: string[] } | undefined]> = [
  ['sub and groups', { sub: 'u1', groups: ['team-a', 'team-b'] }, ['groups'], { subject: 'u1', groups: ['team-a', 'team-b'] }],
  ['no groups claim', { sub: 'u1' }, ['groups'], { subject: 'u1', groups: [] }],
  ['a single string group', { sub: 'u1', groups: 'team-a' }, ['groups'], { subject: 'u1', groups: ['team-a'] }],
  ['email counts only when named', { sub: 'u1', email: 'a@x', groups: ['g'] }, ['groups'], { subject: 'u1', groups: ['g'] }],
  ['email named in scopes', { sub: 'u1', email: 'a@x', groups: ['g'] }, ['groups', 'email'], { subject: 'u1', groups: ['g', 'a@x'] }],
  ['non-string members dropped', { sub: 'u1', groups: ['g', 3, null, ''] }, ['groups'], { subject: 'u1', groups: ['g'] }],
  ['another claim as groups', { sub: 'u1', roles: ['ops'], groups: ['g'] }, ['roles'], { subject: 'u1', groups: ['ops'] }],
  ['Dex federated user id wins', { sub: 'CgVhbGljZRIFbG9jYWw', federated_claims: { user_id: 'alice', connector_id: 'local' } }, ['groups'], { subject: 'alice', groups: [] }],
  ['empty federated user id: sub', { sub: 'u1', federated_claims: { user_id: '' } }, ['groups'], { subject: 'u1', groups: [] }],
  ['no subject', { email: 'a@x' }, ['groups'], undefined],
  ['groups named like RBAC roles dropped', { sub: 'u1', groups: ['team-a', 'role:admin', 'proj:p:r'] }, ['groups'], { subject: 'u1', groups: ['team-a'] }],
];

test('the subject and groups of ID token claims, as Argo CD reads them', () => {
  for (const [name, claims, scopes, expected] of cases) {
    const got = identityOfClaims(claims, scopes);
    assert.deepEqual(got && { subject: got.subject, groups: got.groups }, expected, name);
  }
});
