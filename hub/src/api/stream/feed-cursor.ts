// Where a replica's reader of the change feed stands (pure). Ids come from a sequence, so a
// transaction that took id 11 may commit after one that took 12: a reader that only asked for
// `id > last` would skip 11 for good. The cursor keeps such holes open for a while and asks for
// them again; a hole still empty after `gapTtlMs` was a rolled-back write and is forgotten.

/** The reader's position: the highest id seen and the holes below it, each with when it was found. */
export interface FeedCursor {
  last: number;
  gaps: Map<number, number>;
}

/** How many holes are remembered at most (a burst of rollbacks must not grow the reader). */
export const MAX_GAPS = 10_000;

/** A cursor starting after `last`. */
export function cursorAt(last: number): FeedCursor {
  return { last, gaps: new Map() };
}

/**
 * The cursor after reading rows with `ids` (ascending, all > last or in the gaps): filled holes
 * closed, new holes between the old and new highest id opened at `now`, stale ones dropped.
 */
export function advanceCursor(cursor: FeedCursor, ids: number[], now: number, gapTtlMs: number): FeedCursor {
  const gaps = new Map(cursor.gaps);
  const seen = new Set(ids);
  for (const id of ids) gaps.delete(id);
  let last = cursor.last;
  for (const id of ids) {
    if (id <= last) continue;
    for (let hole = last + 1; hole < id && gaps.size < MAX_GAPS; hole++) if (!seen.has(hole)) gaps.set(hole, now);
    last = id;
  }
  for (const [id, foundAt] of gaps) if (now - foundAt > gapTtlMs) gaps.delete(id);
  return { last, gaps };
}
