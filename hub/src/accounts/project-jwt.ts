// Project role JWTs (Argo CD's `argocd proj role create-token`): HS256 over
// {iss: flotilla, sub: proj:<project>:<role>, iat, exp?, jti}, with the signing key's id in the
// header. Signing and checking are pure given the key and the clock; whether the token is still
// live (not revoked, the role still there) is the store's question, asked on every request.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The issuer every project JWT carries. */
export const PROJECT_JWT_ISSUER = 'flotilla';

/** The claims of a project role JWT. */
export interface ProjectClaims {
  iss: string;
  sub: string;
  iat: number;
  exp?: number;
  jti: string;
}

/** The subject of a project role's tokens, as RBAC policies name it. */
export function projectSubject(project: string, role: string): string {
  return `proj:${project}:${role}`;
}

/** The project and role of a `proj:<project>:<role>` subject, or undefined. */
export function parseProjectSubject(subject: string): { project: string; role: string } | undefined {
  const match = /^proj:([^:]+):([^:]+)$/.exec(subject);
  return match ? { project: match[1]!, role: match[2]! } : undefined;
}

/** Whether a bearer token looks like a JWT (three base64url parts), not a flt_ token. */
export function isJwtShaped(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** The signing key id in a JWT's header, or undefined (the store loads that key before verifying). */
export function headerKid(token: string): string | undefined {
  const header = parseJson(token.split('.')[0] ?? '') as { kid?: unknown } | undefined;
  return typeof header?.kid === 'string' ? header.kid : undefined;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const mac = (key: Buffer, input: string) => createHmac('sha256', key).update(input).digest();

/** A signed JWT for these claims. */
export function signProjectJwt(claims: ProjectClaims, key: { kid: string; secret: Buffer }): string {
  const input = `${encode({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${encode(claims)}`;
  return `${input}.${mac(key.secret, input).toString('base64url')}`;
}

/** Why a JWT was refused, or its claims when its signature, issuer, subject and times hold. */
export type JwtCheck = { ok: true; claims: ProjectClaims; project: string; role: string } | { ok: false; reason: string; claims?: ProjectClaims };

/** Checks a JWT against the keys by kid at `nowSeconds` (alg must be HS256: no `none`, no RS/HS confusion). */
export function verifyProjectJwt(token: string, keys: (kid: string) => Buffer | undefined, nowSeconds: number): JwtCheck {
  const [head, body, signature] = token.split('.');
  if (!head || !body || !signature || token.split('.').length !== 3) return { ok: false, reason: 'not a JWT' };
  const header = parseJson(head) as { alg?: unknown; kid?: unknown } | undefined;
  if (!header || header.alg !== 'HS256' || typeof header.kid !== 'string') return { ok: false, reason: 'not a token this hub signs' };
  const key = keys(header.kid);
  if (!key) return { ok: false, reason: 'signed with a key this hub does not have' };
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(key, `${head}.${body}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad signature' };
  const claims = parseJson(body) as ProjectClaims | undefined;
  if (!claims || typeof claims.sub !== 'string' || typeof claims.jti !== 'string' || typeof claims.iat !== 'number') return { ok: false, reason: 'malformed claims' };
  const subject = parseProjectSubject(claims.sub);
  if (claims.iss !== PROJECT_JWT_ISSUER || !subject) return { ok: false, reason: 'not a project role token', claims };
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || claims.exp <= nowSeconds)) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims, ...subject };
}

function parseJson(part: string): unknown {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
