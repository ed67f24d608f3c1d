// The applications list as the pages read it: one page of GET /api/v1/applications with the URL's
// filters, kept current by the applications stream (or polling), plus the status counts.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.ts';
import { useLive } from './live.ts';
import { apiListQuery, HEALTH_STATUSES, SYNC_STATUSES, type AppFilters } from './lib/filters.ts';
import { countItems, countOf, type Count, type ListPage } from './lib/counts.ts';

/** An Application as the list answers it (the fields the pages read). */
export interface AppItem {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { project?: string; destination?: { name?: string; server?: string; namespace?: string }; source?: { repoURL?: string; path?: string; chart?: string; targetRevision?: string }; sources?: { repoURL?: string; path?: string; chart?: string; targetRevision?: string }[] };
  status?: { sync?: { status?: string; revision?: string }; health?: { status?: string; message?: string }; cluster?: { name?: string }; reconciledAt?: string; operationState?: { phase?: string; finishedAt?: string } };
}

/** Sync and health counts (undefined while they load). */
export type Counts = { sync: Map<string, Count>; health: Map<string, Count> };

/** One page of applications. */
export type AppPage = { items: AppItem[]; metadata?: ListPage['metadata'] };

/** One page of applications for these filters, live; with `withCounts`, the status counts too. */
export function useAppList(filters: AppFilters, limit: number, withCounts: boolean) {
  const [page, setPage] = useState<AppPage | undefined>(undefined);
  const [counts, setCounts] = useState<Counts | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const key = apiListQuery(filters, limit);
  const generation = useRef(0);
  const countTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const loadCounts = async (first: AppPage, mine: number) => {
    if (!withCounts) return;
    if (!first.metadata) {
      setCounts(countItems(first.items));
      return;
    }
    const ask = (over: Record<string, string>) => api<ListPage>('GET', `/api/v1/applications${apiListQuery(filters, 1, over)}`).then(countOf);
    const [sync, health] = await Promise.all([
      Promise.all(SYNC_STATUSES.map(async (s) => [s, await ask({ sync: s })] as const)),
      Promise.all(HEALTH_STATUSES.map(async (h) => [h, await ask({ health: h })] as const)),
    ]);
    if (mine === generation.current) setCounts({ sync: new Map(sync), health: new Map(health) });
  };

  const load = async () => {
    const mine = ++generation.current;
    try {
      const answer = await api<AppPage>('GET', `/api/v1/applications${key}`);
      if (mine !== generation.current) return;
      setPage(answer);
      setError(undefined);
      void loadCounts(answer, mine).catch(() => undefined);
    } catch (e) {
      if (mine === generation.current) setError(e);
    }
  };

  useEffect(() => {
    setPage(undefined);
    setCounts(undefined);
    void load();
  }, [key]);

  const recount = () => {
    clearTimeout(countTimer.current);
    countTimer.current = setTimeout(() => void load(), 2000);
  };
  useLive<AppItem>('applications', {
    onItem(item) {
      setPage((current): AppPage | undefined => current && current.items.some((i) => i.metadata.name === item.metadata.name)
        ? { ...current, items: current.items.map((i) => (i.metadata.name === item.metadata.name ? item : i)) }
        : current);
      // A new app, or one whose status moved: the counts (and, for a new one, the page) follow shortly.
      if (withCounts) recount();
    },
    onDeleted(name) {
      setPage((current): AppPage | undefined => current && { ...current, items: current.items.filter((i) => i.metadata.name !== name) });
      if (withCounts) recount();
    },
    poll: () => void load(),
  });
  useEffect(() => () => clearTimeout(countTimer.current), []);
  return { page, counts, error, reload: load };
}
