// The history API under the pages: the current location as state, navigation without reloads,
// and a hook that re-renders on every change (back and forward included).
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();

/** Goes to a path on this site (pushState; `replace` replaces the entry, for state changes like typing in a filter). */
export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const listener of listeners) listener();
}

/** The current path and query; re-renders the component when they change. */
export function useLocation(): { path: string; query: string } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const changed = () => setTick((n) => n + 1);
    listeners.add(changed);
    addEventListener('popstate', changed);
    return () => {
      listeners.delete(changed);
      removeEventListener('popstate', changed);
    };
  }, []);
  return { path: location.pathname, query: location.search };
}
