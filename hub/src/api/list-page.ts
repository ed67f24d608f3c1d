// Keyset paging of a list (Kubernetes' `limit` and `continue`): rows come back ordered by name, a
// page is the first `limit` rows after the continue token's name that the caller may see, and the
// token is an opaque encoding of the last name of a page (so a page never repeats or skips a row
// that existed throughout, whatever is added or removed meanwhile). When SQL cannot decide every
// row exactly (list-where.ts), `collectPage` drops rows with an exact check and fetches further
// batches until the page is full. No I/O here: the fetch is passed in.
import { invalidInput } from '@flotilla/shared';

/** The largest `limit` a list accepts. */
export const MAX_LIST_LIMIT = 5000;

const TOKEN_VERSION = 1;

/** The continue token after the row named `after`, for a list of `kind` (pure). */
export function encodeContinue(kind: string, after: string): string {
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, k: kind, a: after })).toString('base64url');
}

/** The name a continue token of a `kind` list resumes after; a 400 for any other text (pure). */
export function decodeContinue(kind: string, token: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const t = parsed as { v?: unknown; k?: unknown; a?: unknown } | undefined;
  if (!t || typeof t !== 'object' || t.v !== TOKEN_VERSION || typeof t.a !== 'string' || t.a === '' || t.a.includes('\0')) {
    throw invalidInput('invalid continue token: pass the metadata.continue of the previous page unchanged', [{ path: 'querystring.continue', message: 'not a continue token' }]);
  }
  if (t.k !== kind) throw invalidInput(`invalid continue token: it continues a list of ${String(t.k)}, not of ${kind}`, [{ path: 'querystring.continue', message: 'another list' }]);
  return t.a;
}

/** How a page is collected: fetch answers rows ordered by name after `after` (at most `count`, or all). */
export interface PageSource<T> {
  limit?: number;
  after?: string;
  fetch: (after: string | undefined, count: number | undefined) => Promise<T[]>;
  /** The rows the caller may see (an exact check; identity when SQL decided exactly). */
  keep: (rows: T[]) => T[] | Promise<T[]>;
}

/** One page of rows and whether more follow it. */
export async function collectPage<T extends { name: string }>(source: PageSource<T>): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let cursor = source.after;
  if (source.limit === undefined) {
    const rows = await source.fetch(cursor, undefined);
    return { items: await source.keep(rows), more: false };
  }
  // One row past the limit tells whether more follow; later batches grow while the check drops rows.
  let count = source.limit + 1;
  for (;;) {
    const rows = await source.fetch(cursor, count);
    items.push(...(await source.keep(rows)));
    if (items.length > source.limit) return { items: items.slice(0, source.limit), more: true };
    if (rows.length < count) return { items, more: false };
    cursor = rows[rows.length - 1]!.name;
    count = Math.min(count * 2, MAX_LIST_LIMIT);
  }
}
