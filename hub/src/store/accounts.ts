// Local accounts and their login sessions. The admin account gets a random initial password at
// first start; it is kept readable in the data directory (0600) until the password is changed.
// Passwords are scrypt hashes carrying their parameters (password-hash.ts); session tokens are
// random 256-bit strings stored as SHA-256 hashes. An account logs in only while it is enabled
// and holds the `login` capability; one made for automation has no password at all.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Queryable } from './db.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { hashToken, newToken } from './secrets.ts';
import { canLogin } from '../accounts/account-rules.ts';

/** The file that holds the initial admin password until it is changed. */
export const initialPasswordFile = (dataDir: string) => join(dataDir, 'initial-admin-password');

/** Creates the admin account with a random password when it does not exist; returns that password. */
export async function ensureAdmin(db: Queryable, hasher: PasswordHasher, dataDir: string): Promise<string | undefined> {
  const existing = await db.query('SELECT 1 FROM accounts WHERE name = $1', ['admin']);
  if (existing.rowCount) return undefined;
  const password = randomBytes(12).toString('base64url');
  const inserted = await db.query('INSERT INTO accounts (name, password_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING', ['admin', await hasher.hash(password)]);
  if (!inserted.rowCount) return undefined; // another replica won the race
  writeFileSync(initialPasswordFile(dataDir), `${password}\n`, { mode: 0o600 });
  return password;
}

/** The initial admin password, while it has not been changed. */
export function readInitialPassword(dataDir: string): string | undefined {
  const file = initialPasswordFile(dataDir);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/**
 * Checks a username and password; returns the account name or undefined. Unknown and disabled
 * accounts cost one derivation too, so the time of the answer does not say which names exist.
 * A match against a hash made with other parameters is rehashed with the current ones.
 */
export async function checkLogin(db: Queryable, hasher: PasswordHasher, name: string, password: string, log: Logger): Promise<string | undefined> {
  const row = (await db.query<{ password_hash: string | null; enabled: boolean; capabilities: string[] }>('SELECT password_hash, enabled, capabilities FROM accounts WHERE name = $1', [name])).rows[0];
  if (!row?.password_hash) return hasher.verifyNothing(password).then(() => undefined);
  const check = await hasher.verify(password, row.password_hash);
  if (!check.matched || !row.enabled || !canLogin(row.capabilities)) return undefined;
  if (check.needsRehash) await upgradeHash(db, hasher, name, password, row.password_hash, log);
  return name;
}

// Best effort: a busy hasher or a concurrent password change leaves the old hash for next time.
async function upgradeHash(db: Queryable, hasher: PasswordHasher, name: string, password: string, old: string, log: Logger): Promise<void> {
  try {
    const updated = await db.query('UPDATE accounts SET password_hash = $3 WHERE name = $1 AND password_hash = $2', [name, old, await hasher.hash(password)]);
    if (updated.rowCount) log.info({ account: name, scrypt: hasher.options.params }, 'password hash upgraded to the current scrypt parameters');
  } catch (error) {
    log.warn({ err: error, account: name }, 'password hash not upgraded; will try at the next login');
  }
}

/** Starts a session; returns its bearer token (stored only as a hash). */
export async function createSession(db: Queryable, account: string, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken('flt_s_');
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  await db.query('INSERT INTO sessions (token_hash, account, expires_at) VALUES ($1, $2, $3)', [hashToken(token), account, expiresAt]);
  return { token, expiresAt };
}

/** The account a session token belongs to, if the session is live (and its account enabled, with `login`). */
export async function sessionAccount(db: Queryable, token: string): Promise<string | undefined> {
  const row = (await db.query<{ account: string }>(
    "SELECT s.account FROM sessions s JOIN accounts a ON a.name = s.account WHERE s.token_hash = $1 AND s.expires_at > now() AND a.enabled AND 'login' = ANY(a.capabilities)",
    [hashToken(token)],
  )).rows[0];
  return row?.account;
}

/** Ends a session; answers the account it belonged to (undefined when there was none). */
export async function deleteSession(db: Queryable, token: string): Promise<string | undefined> {
  return (await db.query<{ account: string }>('DELETE FROM sessions WHERE token_hash = $1 RETURNING account', [hashToken(token)])).rows[0]?.account;
}

/** Changes a password, ends the account's other sessions, and forgets the initial password. */
export async function updatePassword(db: Queryable, hasher: PasswordHasher, dataDir: string, account: string, password: string, keepToken?: string): Promise<void> {
  await db.query('UPDATE accounts SET password_hash = $2, password_changed_at = now() WHERE name = $1', [account, await hasher.hash(password)]);
  await db.query('DELETE FROM sessions WHERE account = $1 AND token_hash <> $2', [account, keepToken ? hashToken(keepToken) : '']);
  if (account === 'admin') rmSync(initialPasswordFile(dataDir), { force: true });
}

/** An account as the API shows it (never its password hash). */
export interface AccountRecord {
  name: string;
  enabled: boolean;
  capabilities: string[];
  hasPassword: boolean;
  createdAt: Date;
  passwordChangedAt: Date;
}

interface AccountRow {
  name: string;
  enabled: boolean;
  capabilities: string[];
  has_password: boolean;
  created_at: Date;
  password_changed_at: Date;
}

const ACCOUNT_COLUMNS = 'name, enabled, capabilities, password_hash IS NOT NULL AS has_password, created_at, password_changed_at';
const toAccount = (r: AccountRow): AccountRecord => ({ name: r.name, enabled: r.enabled, capabilities: r.capabilities, hasPassword: r.has_password, createdAt: r.created_at, passwordChangedAt: r.password_changed_at });

/** Every account, by name. */
export async function listAccounts(db: Queryable): Promise<AccountRecord[]> {
  return (await db.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts ORDER BY name`)).rows.map(toAccount);
}

/** One account by name. */
export async function getAccount(db: Queryable, name: string): Promise<AccountRecord | undefined> {
  const row = (await db.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE name = $1`, [name])).rows[0];
  return row && toAccount(row);
}

/** Creates an account (a null hash: no password yet); false when the name is taken. */
export async function createAccount(db: Queryable, account: { name: string; capabilities: string[]; enabled: boolean; passwordHash: string | null }): Promise<boolean> {
  const res = await db.query('INSERT INTO accounts (name, password_hash, enabled, capabilities) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING', [account.name, account.passwordHash, account.enabled, account.capabilities]);
  // An SSO session of that name would now act as the account: it ends (store/sso.ts refuses it anyway).
  if ((res.rowCount ?? 0) > 0) await db.query('DELETE FROM sso_sessions WHERE subject = $1', [account.name]);
  return (res.rowCount ?? 0) > 0;
}

/** Sets an account's enabled flag and/or capabilities; false when there is no such account. */
export async function updateAccount(db: Queryable, name: string, change: { enabled?: boolean; capabilities?: string[] }): Promise<boolean> {
  const res = await db.query('UPDATE accounts SET enabled = COALESCE($2, enabled), capabilities = COALESCE($3, capabilities) WHERE name = $1', [name, change.enabled ?? null, change.capabilities ?? null]);
  return (res.rowCount ?? 0) > 0;
}
