// Failed logins, kept in PostgreSQL so every hub replica throttles alike (login-throttle.ts
// decides). An attempt is written down *before* its password is checked and counts as a failure
// until it succeeds, so a burst of parallel guesses cannot all slip past the check: each one sees
// the attempts numbered before it. Time is the database's clock, which all replicas share.
import type { Queryable } from './db.ts';

/** Whose attempt: the account name as typed and the client's address bucket. */
export interface LoginKey {
  account: string;
  address: string;
}

/** A failed attempt (or one still being checked), at the database's time. */
export interface LoginFailure extends LoginKey {
  atMs: number;
}

/** An attempt in progress and the failures before it. */
export interface PendingAttempt {
  id: string;
  nowMs: number;
  prior: LoginFailure[];
}

/** What to look back at: the longest window in seconds and the most rows any rule needs. */
export interface LookBack {
  windowSeconds: number;
  rows: number;
}

/** Records an attempt as a failure-until-proven-otherwise; answers the failures before it. */
export async function beginLoginAttempt(db: Queryable, key: LoginKey, lookBack: LookBack): Promise<PendingAttempt> {
  const inserted = (await db.query<{ id: string; now_ms: number }>(
    'INSERT INTO login_failures (account, address) VALUES ($1, $2) RETURNING id, (extract(epoch FROM at) * 1000)::float8 AS now_ms',
    [key.account, key.address],
  )).rows[0]!;
  // Three newest-first slices, so one busy key cannot push another rule's rows out of the limit.
  const prior = (await db.query<{ account: string; address: string; at_ms: number }>(
    `WITH recent AS (SELECT id, account, address, at FROM login_failures WHERE id < $3 AND at > now() - make_interval(secs => $4))
     (SELECT id, account, address, (extract(epoch FROM at) * 1000)::float8 AS at_ms FROM recent WHERE account = $1 AND address = $2 ORDER BY id DESC LIMIT $5)
     UNION
     (SELECT id, account, address, (extract(epoch FROM at) * 1000)::float8 FROM recent WHERE address = $2 ORDER BY id DESC LIMIT $5)
     UNION
     (SELECT id, account, address, (extract(epoch FROM at) * 1000)::float8 FROM recent WHERE account = $1 ORDER BY id DESC LIMIT $5)`,
    [key.account, key.address, inserted.id, lookBack.windowSeconds, lookBack.rows],
  )).rows.map((r) => ({ account: r.account, address: r.address, atMs: r.at_ms }));
  // Old rows go now and then (one attempt in 32), not on every attempt.
  if (BigInt(inserted.id) % 32n === 0n) await db.query('DELETE FROM login_failures WHERE at < now() - make_interval(secs => $1)', [lookBack.windowSeconds]);
  return { id: inserted.id, nowMs: inserted.now_ms, prior };
}

/** Forgets an attempt that was refused before its password was checked (it is no failure). */
export async function forgetLoginAttempt(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM login_failures WHERE id = $1', [id]);
}

/** After a successful login: the account's failures from this address (this attempt's too) go. */
export async function clearLoginFailures(db: Queryable, key: LoginKey): Promise<void> {
  await db.query('DELETE FROM login_failures WHERE account = $1 AND address = $2', [key.account, key.address]);
}
