// API tokens of local accounts (Argo CD's `account generate-token`): random 256-bit `flt_a_`
// strings stored as SHA-256 hashes with an id, an optional expiry and a revocation time. Every
// request looks its token up here, so a revocation on one hub replica holds on all at once.
import { randomUUID } from 'node:crypto';
import type { Queryable } from './db.ts';
import { hashToken, newToken } from './secrets.ts';

/** A token as listed (never the token itself). */
export interface TokenRecord {
  id: string;
  issuedAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

interface TokenRow {
  id: string;
  issued_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
}

/** The row as a record (shared with project-tokens.ts). */
export const toTokenRecord = (r: TokenRow): TokenRecord => ({ id: r.id, issuedAt: r.issued_at, expiresAt: r.expires_at, lastUsedAt: r.last_used_at });

/** Issues a token; undefined when the account already has a live token with that id. */
export async function issueApiToken(db: Queryable, account: string, options: { id?: string; issuedAt: Date; expiresAt: Date | null }): Promise<{ token: string; record: TokenRecord } | undefined> {
  const token = newToken('flt_a_');
  const row = (await db.query<TokenRow>(
    `INSERT INTO api_tokens (token_hash, account, id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account, id) WHERE revoked_at IS NULL DO NOTHING RETURNING id, issued_at, expires_at, last_used_at`,
    [hashToken(token), account, options.id ?? randomUUID(), options.issuedAt, options.expiresAt],
  )).rows[0];
  return row && { token, record: toTokenRecord(row) };
}

/** An account's live tokens (not revoked; expired ones included, to be seen and deleted), oldest first. */
export async function listApiTokens(db: Queryable, account: string): Promise<TokenRecord[]> {
  return (await db.query<TokenRow>('SELECT id, issued_at, expires_at, last_used_at FROM api_tokens WHERE account = $1 AND revoked_at IS NULL ORDER BY issued_at, id', [account])).rows.map(toTokenRecord);
}

/** Revokes a token by id; false when the account has no live token with that id. */
export async function revokeApiToken(db: Queryable, account: string, id: string): Promise<boolean> {
  const res = await db.query('UPDATE api_tokens SET revoked_at = now() WHERE account = $1 AND id = $2 AND revoked_at IS NULL', [account, id]);
  return (res.rowCount ?? 0) > 0;
}

/** What a presented API token is: live (its account) or refused, with why and whose it was. */
export type ApiTokenLookup =
  | { live: true; account: string; id: string }
  | { live: false; reason: string; account?: string; id?: string };

/**
 * Looks a presented token up, at the store's clock: live only when not revoked, not expired, and
 * its account is enabled and still holds `apiKey`. Its last use is written at most once a minute.
 */
export async function lookUpApiToken(db: Queryable, token: string): Promise<ApiTokenLookup> {
  const row = (await db.query<{ account: string; id: string; revoked: boolean; expired: boolean; enabled: boolean; api_key: boolean; stale_use: boolean }>(
    `SELECT t.account, t.id, t.revoked_at IS NOT NULL AS revoked, COALESCE(t.expires_at <= now(), false) AS expired,
            a.enabled, 'apiKey' = ANY(a.capabilities) AS api_key,
            (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute') AS stale_use
       FROM api_tokens t JOIN accounts a ON a.name = t.account WHERE t.token_hash = $1`,
    [hashToken(token)],
  )).rows[0];
  if (!row) return { live: false, reason: 'unknown token' };
  const whose = { account: row.account, id: row.id };
  if (row.revoked) return { live: false, reason: 'revoked', ...whose };
  if (row.expired) return { live: false, reason: 'expired', ...whose };
  if (!row.enabled) return { live: false, reason: 'account disabled', ...whose };
  if (!row.api_key) return { live: false, reason: 'account lacks the apiKey capability', ...whose };
  if (row.stale_use) await db.query('UPDATE api_tokens SET last_used_at = now() WHERE token_hash = $1', [hashToken(token)]);
  return { live: true, ...whose };
}
