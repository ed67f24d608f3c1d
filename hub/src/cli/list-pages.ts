// Paged lists for `app list`, `cluster list` and `proj list`: asks the hub for pages of a fixed
// size and follows `metadata.continue` until the last page, so a list of any length prints whole
// while no single answer grows with the fleet. A hub that answers without `metadata` (older
// versions) gave everything on the first page.
import type { ApiClient, RequestOptions } from './client.ts';

/** The page size the CLI asks for. */
export const CLI_PAGE_SIZE = 500;

/** Every item of a paged list, following metadata.continue. */
export async function listAll<T>(client: ApiClient, path: string, query: RequestOptions['query'] = {}, pageSize = CLI_PAGE_SIZE): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await client.get<{ items: T[]; metadata?: { continue?: string } }>(path, { ...query, limit: pageSize, continue: token });
    items.push(...page.items);
    token = page.metadata?.continue;
  } while (token);
  return items;
}
