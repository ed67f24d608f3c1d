// Project role JWTs: what verifyProjectJwt accepts and why it refuses the rest. Rows: [case, token
// maker, expected reason ('' = accepted)], at a fixed clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { isJwtShaped, parseProjectSubject, signProjectJwt, verifyProjectJwt, type ProjectClaims } from './project-jwt.ts';

const key = { kid: 'k1', secret: Buffer.alloc(32, 7) };
const other = { kid: 'k1', secret: Buffer.alloc(32, 8) };
const now = 1_800_000_000;
const claims: ProjectClaims = { iss: 'flotilla', sub: 'proj:team-a:ci', iat: now - 10, jti: 'abc' };
const keys = (kid: string) => (kid === 'k1' ? key.secret : undefined);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const hand = (header: unknown, body: unknown, secret = key.secret) => {
  const input = `${b64(header)}.${b64(body)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};

const cases: [string, () => string, string][] = [
  ['a token without expiry', () => signProjectJwt(claims, key), ''],
  ['a token expiring later', () => signProjectJwt({ ...claims, exp: now + 60 }, key), ''],
  ['an expired token', () => signProjectJwt({ ...claims, exp: now }, key), 'expired'],
  ['another key', () => signProjectJwt(claims, other), 'bad signature'],
  ['an unknown kid', () => signProjectJwt(claims, { ...key, kid: 'k2' }), 'signed with a key this hub does not have'],
  ['alg none', () => `${b64({ alg: 'none', kid: 'k1' })}.${b64(claims)}.x`, 'not a token this hub signs'],
  ['alg RS256', () => hand({ alg: 'RS256', kid: 'k1' }, claims), 'not a token this hub signs'],
  ['a changed subject', () => { const [h, , s] = signProjectJwt(claims, key).split('.'); return `${h}.${b64({ ...claims, sub: 'proj:team-b:ci' })}.${s}`; }, 'bad signature'],
  ['another issuer', () => signProjectJwt({ ...claims, iss: 'argocd' }, key), 'not a project role token'],
  ['a subject that is no project role', () => signProjectJwt({ ...claims, sub: 'admin' }, key), 'not a project role token'],
  ['claims without jti', () => hand({ alg: 'HS256', kid: 'k1' }, { ...claims, jti: undefined }), 'malformed claims'],
  ['claims that are an array', () => hand({ alg: 'HS256', kid: 'k1' }, [1]), 'malformed claims'],
  ['two parts', () => 'a.b', 'not a JWT'],
  ['four parts', () => `${signProjectJwt(claims, key)}.x`, 'not a JWT'],
  ['garbage header', () => 'e30x.e30.e30', 'not a token this hub signs'],
];

describe('verifyProjectJwt', () => {
  for (const [name, make, reason] of cases) {
    it(`${name}: ${reason || 'accepted'}`, () => {
      const check = verifyProjectJwt(make(), keys, now);
      if (!reason) assert.deepEqual(check.ok && { project: check.project, role: check.role }, { project: 'team-a', role: 'ci' });
      else assert.equal(!check.ok && check.reason, reason);
    });
  }
});

describe('subjects and shapes', () => {
  it('parses proj:<project>:<role> and nothing else', () => {
    assert.deepEqual(parseProjectSubject('proj:a:b'), { project: 'a', role: 'b' });
    for (const s of ['proj:a', 'proj:a:b:c', 'admin', 'proj::b']) assert.equal(parseProjectSubject(s), undefined, s);
  });
  it('tells JWTs from flt_ tokens', () => {
    assert.equal(isJwtShaped(signProjectJwt(claims, key)), true);
    assert.equal(isJwtShaped('flt_a_abcdef'), false);
  });
});
