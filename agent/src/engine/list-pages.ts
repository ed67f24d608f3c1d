// Reading a whole collection page by page (`limit` + `continue`), so neither the API server nor
// the agent holds one huge answer at once. All pages of a list come from one snapshot, whose
// resourceVersion is the list's; when a continue token has expired (410: the snapshot was
// compacted away, after about five minutes), the list starts over from the first page, a few
// times at most. The fetch is injected; this module only walks the pages.

/** One page of a list, as the API answers it. */
export interface ListPage<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: T[];
}

/** A whole list: its items and the resourceVersion to watch from. */
export interface FullList<T> {
  resourceVersion: string;
  items: T[];
}

/** How many times an expired list starts over before giving up. */
export const LIST_RESTARTS = 3;

/** Fetches pages until the last one; `isExpired` says whether a failure means the continue token expired. */
export async function collectPages<T>(fetchPage: (continueToken: string | undefined) => Promise<ListPage<T>>, isExpired: (error: unknown) => boolean): Promise<FullList<T>> {
  for (let attempt = 0; ; attempt++) {
    const items: T[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    try {
      do {
        const page = await fetchPage(token);
        for (const item of page.items ?? []) items.push(item);
        resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        token = page.metadata?.continue || undefined;
      } while (token);
      return { resourceVersion, items };
    } catch (error) {
      // Only a token we sent can expire; a 410 on the first page is the caller's to handle.
      if (token === undefined || !isExpired(error) || attempt >= LIST_RESTARTS) throw error;
    }
  }
}
