// Registered Git repositories and credential templates (repocreds), passwords encrypted at rest and
// never returned. Both are keyed by scheme, host and path (credential_key, see
// repo/credential-match.ts): a repository by its exact URL, a template by a URL prefix.
import type { Queryable } from './db.ts';
import type { SecretBox } from './secrets.ts';

/** A repository as the API shows it. */
export interface RepositoryRecord {
  url: string;
  credentialKey: string;
  username: string | null;
  hasPassword: boolean;
  createdAt: Date;
}

/** A credential template as the API shows it (it always has a password). */
export interface RepoCredsRecord {
  url: string;
  credentialKey: string;
  username: string | null;
  createdAt: Date;
}

interface CredentialRow {
  url: string;
  credential_key: string;
  username: string | null;
  password_enc: string | null;
  created_at: Date;
}

const toRecord = (r: CredentialRow): RepositoryRecord => ({ url: r.url, credentialKey: r.credential_key, username: r.username, hasPassword: r.password_enc !== null, createdAt: r.created_at });
const toCreds = (r: CredentialRow): RepoCredsRecord => ({ url: r.url, credentialKey: r.credential_key, username: r.username, createdAt: r.created_at });

/** Adds or replaces a repository's credentials ('created' or 'updated'). */
export async function upsertRepository(db: Queryable, box: SecretBox, repo: { url: string; credentialKey: string; normalizedUrl: string; username?: string; password?: string }): Promise<'created' | 'updated'> {
  const res = await db.query<{ inserted: boolean }>(
    `INSERT INTO repositories (url, credential_key, normalized_url, username, password_enc) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (credential_key) DO UPDATE SET url = EXCLUDED.url, username = EXCLUDED.username, password_enc = EXCLUDED.password_enc
     RETURNING (xmax = 0) AS inserted`,
    [repo.url, repo.credentialKey, repo.normalizedUrl, repo.username ?? null, repo.password === undefined ? null : box.seal(repo.password)],
  );
  return res.rows[0]?.inserted ? 'created' : 'updated';
}

/** Every repository, by URL. */
export async function listRepositories(db: Queryable): Promise<RepositoryRecord[]> {
  return (await db.query<CredentialRow>('SELECT * FROM repositories ORDER BY url')).rows.map(toRecord);
}

/** One repository by credential key. */
export async function getRepository(db: Queryable, credentialKey: string): Promise<RepositoryRecord | undefined> {
  const row = (await db.query<CredentialRow>('SELECT * FROM repositories WHERE credential_key = $1', [credentialKey])).rows[0];
  return row && toRecord(row);
}

/** Removes a repository; false when it was not registered. */
export async function deleteRepository(db: Queryable, credentialKey: string): Promise<boolean> {
  return ((await db.query('DELETE FROM repositories WHERE credential_key = $1', [credentialKey])).rowCount ?? 0) > 0;
}

/** Adds or replaces a credential template ('created' or 'updated'). */
export async function upsertRepoCreds(db: Queryable, box: SecretBox, creds: { url: string; credentialKey: string; username?: string; password: string }): Promise<'created' | 'updated'> {
  const res = await db.query<{ inserted: boolean }>(
    `INSERT INTO repo_creds (url, credential_key, username, password_enc) VALUES ($1, $2, $3, $4)
     ON CONFLICT (credential_key) DO UPDATE SET url = EXCLUDED.url, username = EXCLUDED.username, password_enc = EXCLUDED.password_enc
     RETURNING (xmax = 0) AS inserted`,
    [creds.url, creds.credentialKey, creds.username ?? null, box.seal(creds.password)],
  );
  return res.rows[0]?.inserted ? 'created' : 'updated';
}

/** Every credential template, by URL. */
export async function listRepoCreds(db: Queryable): Promise<RepoCredsRecord[]> {
  return (await db.query<CredentialRow>('SELECT * FROM repo_creds ORDER BY url')).rows.map(toCreds);
}

/** One credential template by credential key. */
export async function getRepoCreds(db: Queryable, credentialKey: string): Promise<RepoCredsRecord | undefined> {
  const row = (await db.query<CredentialRow>('SELECT * FROM repo_creds WHERE credential_key = $1', [credentialKey])).rows[0];
  return row && toCreds(row);
}

/** Removes a credential template; false when there was none. */
export async function deleteRepoCreds(db: Queryable, credentialKey: string): Promise<boolean> {
  return ((await db.query('DELETE FROM repo_creds WHERE credential_key = $1', [credentialKey])).rowCount ?? 0) > 0;
}

/** A stored credential with its sealed password, for matching (repo/credential-match.ts). */
export interface StoredCredential {
  kind: 'repository' | 'template';
  key: string;
  hasPassword: boolean;
  username: string | null;
  passwordSealed: string;
}

/** Every repository credential and template that carries a password. */
export async function storedCredentials(db: Queryable): Promise<StoredCredential[]> {
  const rows = (await db.query<{ kind: 'repository' | 'template'; credential_key: string; username: string | null; password_enc: string }>(
    `SELECT 'repository' AS kind, credential_key, username, password_enc FROM repositories WHERE password_enc IS NOT NULL
     UNION ALL SELECT 'template' AS kind, credential_key, username, password_enc FROM repo_creds`,
  )).rows;
  return rows.map((r) => ({ kind: r.kind, key: r.credential_key, hasPassword: true, username: r.username, passwordSealed: r.password_enc }));
}
