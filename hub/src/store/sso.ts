// The SSO rows (migration 014): logins in flight, CLI codes waiting to be redeemed, and the
// sessions of SSO users. Secrets are stored as hashes (state, codes, session tokens) or sealed
// (PKCE verifier, ID token); every row is taken once (DELETE … RETURNING), so a state or code
// replayed, on this replica or another, finds nothing.
import type { Queryable } from './db.ts';
import { hashToken, newToken, type SecretBox } from './secrets.ts';

/** Logins that may be in flight at once; beyond, the oldest are evicted (an anonymous client can neither fill the table nor lock real logins out). */
export const MAX_PENDING_LOGINS = 10_000;

/** A login started at /auth/login, kept until the provider sends the browser back. */
export interface PendingLogin {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
  /** A CLI login: the loopback port, the CLI's PKCE challenge (S256) and its state. */
  cli?: { port: number; challenge: string; state: string };
}

/** Who the provider said logged in, as a session holds it. */
export interface SsoIdentity {
  subject: string;
  email?: string;
  groups: string[];
  /** The raw ID token (for the provider's end_session id_token_hint), sealed at rest. */
  idToken?: string;
}

/** Stores a pending login under its state, evicting the oldest ones beyond `maxPending`. */
export async function savePendingLogin(db: Queryable, secrets: SecretBox, state: string, login: PendingLogin, ttlSeconds: number, options: { maxPending?: number } = {}): Promise<void> {
  const maxPending = options.maxPending ?? MAX_PENDING_LOGINS;
  await db.query('DELETE FROM sso_requests WHERE expires_at < now()');
  const live = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM sso_requests')).rows[0]!.n);
  // Full: the oldest logins make room (a flood evicts only logins about as old as its own rate allows).
  if (live >= maxPending) {
    await db.query('DELETE FROM sso_requests WHERE state_hash IN (SELECT state_hash FROM sso_requests ORDER BY expires_at ASC LIMIT $1)', [live - maxPending + 1]);
  }
  await db.query(
    `INSERT INTO sso_requests (state_hash, code_verifier_sealed, nonce, return_to, cli_port, cli_challenge, cli_state, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))`,
    [hashToken(state), secrets.seal(login.codeVerifier), login.nonce, login.returnTo, login.cli?.port ?? null, login.cli?.challenge ?? null, login.cli?.state ?? null, ttlSeconds],
  );
}

/** Takes the pending login of a state (once); undefined when unknown, used or expired. */
export async function takePendingLogin(db: Queryable, secrets: SecretBox, state: string): Promise<PendingLogin | undefined> {
  const row = (await db.query<{ code_verifier_sealed: string; nonce: string; return_to: string; cli_port: number | null; cli_challenge: string | null; cli_state: string | null }>(
    'DELETE FROM sso_requests WHERE state_hash = $1 AND expires_at > now() RETURNING *',
    [hashToken(state)],
  )).rows[0];
  if (!row) return undefined;
  return {
    codeVerifier: secrets.open(row.code_verifier_sealed),
    nonce: row.nonce,
    returnTo: row.return_to,
    ...(row.cli_port !== null ? { cli: { port: row.cli_port, challenge: row.cli_challenge!, state: row.cli_state! } } : {}),
  };
}

/** Stores a finished CLI login under a new one-time code; returns the code. */
export async function saveCliCode(db: Queryable, secrets: SecretBox, identity: SsoIdentity, challenge: string, ttlSeconds: number): Promise<string> {
  const code = newToken('flt_k_');
  await db.query('DELETE FROM sso_cli_codes WHERE expires_at < now()');
  await db.query(
    'INSERT INTO sso_cli_codes (code_hash, subject, email, groups, id_token_sealed, cli_challenge, expires_at) VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))',
    [hashToken(code), identity.subject, identity.email ?? null, identity.groups, identity.idToken ? secrets.seal(identity.idToken) : null, challenge, ttlSeconds],
  );
  return code;
}

/** Takes a CLI code (once) with the challenge it was issued for; undefined when unknown, used or expired. */
export async function takeCliCode(db: Queryable, secrets: SecretBox, code: string): Promise<{ identity: SsoIdentity; challenge: string } | undefined> {
  const row = (await db.query<IdentityRow & { cli_challenge: string }>('DELETE FROM sso_cli_codes WHERE code_hash = $1 AND expires_at > now() RETURNING *', [hashToken(code)])).rows[0];
  return row ? { identity: identityOf(row, secrets), challenge: row.cli_challenge } : undefined;
}

/** Starts an SSO session; returns its bearer token (stored only as a hash). */
export async function createSsoSession(db: Queryable, secrets: SecretBox, identity: SsoIdentity, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken('flt_o_');
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  await db.query('DELETE FROM sso_sessions WHERE expires_at < now()');
  await db.query(
    'INSERT INTO sso_sessions (token_hash, subject, email, groups, id_token_sealed, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [hashToken(token), identity.subject, identity.email ?? null, identity.groups, identity.idToken ? secrets.seal(identity.idToken) : null, expiresAt],
  );
  return { token, expiresAt };
}

/** Whether a bearer token has the shape of an SSO session token. */
export const isSsoSessionToken = (token: string): boolean => token.startsWith('flt_o_');

/** The subject and groups of a live SSO session; none once its subject is a local account's name, and no group that is one. */
export async function ssoSession(db: Queryable, token: string): Promise<{ subject: string; groups: string[] } | undefined> {
  const row = (await db.query<{ subject: string; groups: string[] }>(
    `SELECT subject, ARRAY(SELECT g FROM unnest(s.groups) AS g WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE name = g)) AS groups
       FROM sso_sessions s
      WHERE token_hash = $1 AND expires_at > now() AND NOT EXISTS (SELECT 1 FROM accounts WHERE name = s.subject)`,
    [hashToken(token)],
  )).rows[0];
  return row ? { subject: row.subject, groups: row.groups } : undefined;
}

/** Ends an SSO session; answers its identity (with the ID token, for the provider's logout) when it was live. */
export async function deleteSsoSession(db: Queryable, secrets: SecretBox, token: string): Promise<SsoIdentity | undefined> {
  const row = (await db.query<IdentityRow>('DELETE FROM sso_sessions WHERE token_hash = $1 RETURNING *', [hashToken(token)])).rows[0];
  return row ? identityOf(row, secrets) : undefined;
}

interface IdentityRow {
  subject: string;
  email: string | null;
  groups: string[];
  id_token_sealed: string | null;
}

function identityOf(row: IdentityRow, secrets: SecretBox): SsoIdentity {
  return {
    subject: row.subject,
    groups: row.groups,
    ...(row.email !== null ? { email: row.email } : {}),
    ...(row.id_token_sealed !== null ? { idToken: secrets.open(row.id_token_sealed) } : {}),
  };
}

/** Which of the names are local accounts' (an SSO group must not be one: RBAC would read it as that account). */
export async function localAccountNames(db: Queryable, names: string[]): Promise<string[]> {
  if (!names.length) return [];
  return (await db.query<{ name: string }>('SELECT name FROM accounts WHERE name = ANY($1)', [names])).rows.map((r) => r.name);
}

/** Whether a name is a local account's (an SSO subject must not be: it would hold that account's rights). */
export async function isLocalAccountName(db: Queryable, name: string): Promise<boolean> {
  return Boolean((await db.query('SELECT 1 FROM accounts WHERE name = $1', [name])).rowCount);
}
