// Live updates: a Server-Sent Events stream of the hub (`/api/v1/stream/applications`, `/clusters`:
// `event: application` with one list item, `event: deleted` with {name}, `event: reset` to read all
// again; the browser resumes with Last-Event-ID by itself). While the stream is down or does not exist, `poll` runs every 5 s.
import { useEffect, useRef } from 'preact/hooks';

/** Handlers of one stream. */
export interface LiveHandlers<T> {
  onItem?(item: T): void;
  onDeleted?(name: string): void;
  /** Reloads what the page shows (the fallback while the stream is down). */
  poll(): void;
}

/** How often the page reloads while the stream is down. */
export const POLL_MS = 5000;

/** Follows a stream for as long as the component is mounted; handlers may change between renders. */
export function useLive<T>(stream: 'applications' | 'clusters', handlers: LiveHandlers<T>): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const startPolling = () => {
      timer ??= setInterval(() => current.current.poll(), POLL_MS);
    };
    const stopPolling = () => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    };
    if (typeof EventSource === 'undefined') {
      startPolling();
      return stopPolling;
    }
    const source = new EventSource(`/api/v1/stream/${stream}`);
    source.addEventListener('open', () => {
      // Whatever changed while the stream was down: read once, then follow the stream.
      if (timer !== undefined) current.current.poll();
      stopPolling();
    });
    source.addEventListener('error', () => startPolling());
    source.addEventListener(stream === 'applications' ? 'application' : 'cluster', (event) => {
      try {
        current.current.onItem?.(JSON.parse((event as MessageEvent<string>).data) as T);
      } catch {
        // a malformed event is skipped; the next poll or event corrects the page
      }
    });
    // The hub could not resume from Last-Event-ID (too old): read everything again.
    source.addEventListener('reset', () => current.current.poll());
    source.addEventListener('deleted', (event) => {
      try {
        const { name } = JSON.parse((event as MessageEvent<string>).data) as { name: string };
        current.current.onDeleted?.(name);
      } catch {
        // as above
      }
    });
    return () => {
      source.close();
      stopPolling();
    };
  }, [stream]);
}
