// Project role JWTs as the store keeps them: the SHA-256 of each JWT with its id (jti), project,
// role, expiry and revocation. A JWT is live while its row is unrevoked and unexpired and its role
// is still in the project's spec.roles; every request asks, so revocation holds on every replica.
import type { Queryable } from './db.ts';
import { hashToken } from './secrets.ts';
import { toTokenRecord, type TokenRecord } from './api-tokens.ts';

/** Whether a project has a role of this name (in spec.roles). */
export async function projectHasRole(db: Queryable, project: string, role: string): Promise<boolean> {
  const row = (await db.query<{ found: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM projects p, jsonb_array_elements(COALESCE(p.spec->'roles', '[]')) r WHERE p.name = $1 AND r->>'name' = $2) AS found",
    [project, role],
  )).rows[0];
  return row?.found ?? false;
}

/** Records an issued JWT; false when the role already has a live token with that id. */
export async function recordProjectToken(db: Queryable, token: { jwt: string; project: string; role: string; id: string; issuedAt: Date; expiresAt: Date | null }): Promise<boolean> {
  const res = await db.query(
    'INSERT INTO project_tokens (token_hash, project, role, id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (project, role, id) WHERE revoked_at IS NULL DO NOTHING',
    [hashToken(token.jwt), token.project, token.role, token.id, token.issuedAt, token.expiresAt],
  );
  return (res.rowCount ?? 0) > 0;
}

/** A role's live tokens, oldest first. */
export async function listProjectTokens(db: Queryable, project: string, role: string): Promise<TokenRecord[]> {
  return (await db.query<{ id: string; issued_at: Date; expires_at: Date | null; last_used_at: Date | null }>(
    'SELECT id, issued_at, expires_at, last_used_at FROM project_tokens WHERE project = $1 AND role = $2 AND revoked_at IS NULL ORDER BY issued_at, id',
    [project, role],
  )).rows.map(toTokenRecord);
}

/** Revokes a role's token by id; false when there is no live one. */
export async function revokeProjectToken(db: Queryable, project: string, role: string, id: string): Promise<boolean> {
  const res = await db.query('UPDATE project_tokens SET revoked_at = now() WHERE project = $1 AND role = $2 AND id = $3 AND revoked_at IS NULL', [project, role, id]);
  return (res.rowCount ?? 0) > 0;
}

/** Why a JWT whose signature holds is refused by the store, or undefined when it is live. */
export async function projectTokenProblem(db: Queryable, jwt: string, claims: { project: string; role: string; id: string }): Promise<string | undefined> {
  const row = (await db.query<{ revoked: boolean; expired: boolean; role_exists: boolean; stale_use: boolean }>(
    `SELECT t.revoked_at IS NOT NULL AS revoked, COALESCE(t.expires_at <= now(), false) AS expired,
            EXISTS (SELECT 1 FROM projects p, jsonb_array_elements(COALESCE(p.spec->'roles', '[]')) r WHERE p.name = t.project AND r->>'name' = t.role) AS role_exists,
            (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute') AS stale_use
       FROM project_tokens t WHERE t.token_hash = $1 AND t.project = $2 AND t.role = $3 AND t.id = $4`,
    [hashToken(jwt), claims.project, claims.role, claims.id],
  )).rows[0];
  if (!row) return 'unknown token (its project may have been deleted)';
  if (row.revoked) return 'revoked';
  if (row.expired) return 'expired';
  if (!row.role_exists) return `the role is no longer in project ${claims.project}`;
  if (row.stale_use) await db.query('UPDATE project_tokens SET last_used_at = now() WHERE token_hash = $1', [hashToken(jwt)]);
  return undefined;
}
