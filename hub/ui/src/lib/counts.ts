// The sync and health counts at the top of the applications page. With server-side paging they
// come from one `limit=1` list per status (its item plus `metadata.remainingItemCount`); an API
// that answers whole lists (no `metadata`) is counted from the list itself. Pure.
import { HEALTH_STATUSES, SYNC_STATUSES } from './filters.ts';

/** One list answer, as far as counting goes. */
export interface ListPage {
  items: unknown[];
  metadata?: { continue?: string; remainingItemCount?: number };
}

/** A count, or `at least` when the API said there is more without saying how much. */
export interface Count {
  value: number;
  atLeast: boolean;
}

/** How many items a list with this first page holds. */
export function countOf(page: ListPage): Count {
  const remaining = page.metadata?.remainingItemCount;
  if (typeof remaining === 'number') return { value: page.items.length + remaining, atLeast: false };
  return { value: page.items.length, atLeast: Boolean(page.metadata?.continue) };
}

/** "Synced 3", or "Synced 3+" when the count is a lower bound. */
export function countLabel(status: string, count: Count): string {
  return `${status} ${count.value}${count.atLeast ? '+' : ''}`;
}

/** Sync and health counts of a whole list of applications (for an API without paging). */
export function countItems(items: readonly { status?: { sync?: { status?: string }; health?: { status?: string } } }[]): { sync: Map<string, Count>; health: Map<string, Count> } {
  const sync = new Map<string, Count>(SYNC_STATUSES.map((s) => [s, { value: 0, atLeast: false }]));
  const health = new Map<string, Count>(HEALTH_STATUSES.map((s) => [s, { value: 0, atLeast: false }]));
  for (const item of items) {
    const s = sync.get(item.status?.sync?.status ?? 'Unknown');
    if (s) s.value += 1;
    const h = health.get(item.status?.health?.status ?? 'Unknown');
    if (h) h.value += 1;
  }
  return { sync, health };
}
