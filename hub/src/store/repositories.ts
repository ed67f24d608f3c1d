// Registered Git repositories and their credentials (password encrypted at rest, never returned).
import type { Queryable } from './db.ts';
import type { SecretBox } from './secrets.ts';

/** A repository as the API shows it. */
export interface RepositoryRecord {
  url: string;
  normalizedUrl: string;
  username: string | null;
  hasPassword: boolean;
  createdAt: Date;
}

interface RepoRow {
  url: string;
  normalized_url: string;
  username: string | null;
  password_enc: string | null;
  created_at: Date;
}

const toRecord = (r: RepoRow): RepositoryRecord => ({ url: r.url, normalizedUrl: r.normalized_url, username: r.username, hasPassword: r.password_enc !== null, createdAt: r.created_at });

/** Adds or replaces a repository's credentials ('created' or 'updated'). */
export async function upsertRepository(db: Queryable, box: SecretBox, repo: { url: string; normalizedUrl: string; username?: string; password?: string }): Promise<'created' | 'updated'> {
  const res = await db.query<{ inserted: boolean }>(
    `INSERT INTO repositories (url, normalized_url, username, password_enc) VALUES ($1, $2, $3, $4)
     ON CONFLICT (normalized_url) DO UPDATE SET url = EXCLUDED.url, username = EXCLUDED.username, password_enc = EXCLUDED.password_enc
     RETURNING (xmax = 0) AS inserted`,
    [repo.url, repo.normalizedUrl, repo.username ?? null, repo.password === undefined ? null : box.seal(repo.password)],
  );
  return res.rows[0]?.inserted ? 'created' : 'updated';
}

/** Every repository, by URL. */
export async function listRepositories(db: Queryable): Promise<RepositoryRecord[]> {
  return (await db.query<RepoRow>('SELECT * FROM repositories ORDER BY url')).rows.map(toRecord);
}

/** One repository by normalized URL. */
export async function getRepository(db: Queryable, normalizedUrl: string): Promise<RepositoryRecord | undefined> {
  const row = (await db.query<RepoRow>('SELECT * FROM repositories WHERE normalized_url = $1', [normalizedUrl])).rows[0];
  return row && toRecord(row);
}

/** Removes a repository; false when it was not registered. */
export async function deleteRepository(db: Queryable, normalizedUrl: string): Promise<boolean> {
  return ((await db.query('DELETE FROM repositories WHERE normalized_url = $1', [normalizedUrl])).rowCount ?? 0) > 0;
}

/** The credentials to fetch a repository with, decrypted; undefined for an anonymous one. */
export async function repositoryCredentials(db: Queryable, box: SecretBox, normalizedUrl: string): Promise<{ username: string; password: string } | undefined> {
  const row = (await db.query<RepoRow>('SELECT * FROM repositories WHERE normalized_url = $1', [normalizedUrl])).rows[0];
  if (!row || row.password_enc === null) return undefined;
  return { username: row.username ?? '', password: box.open(row.password_enc) };
}
