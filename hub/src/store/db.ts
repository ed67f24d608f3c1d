// What every store module takes: something that runs queries (the pool or a transaction's
// client), and a helper that runs a function inside one transaction.
import type pg from 'pg';

/** The pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** Runs fn in a transaction on a pooled client; commits on success, rolls back on error. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
