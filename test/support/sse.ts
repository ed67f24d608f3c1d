// A Server-Sent Events client for tests: reads a stream over fetch, keeps every event (event, id,
// parsed data) and waits for the next one that matches.
/** One event received. */
export interface SseEvent {
  event: string;
  id?: string;
  data: any;
}

/** An open stream. */
export interface SseStream {
  status: number;
  events: SseEvent[];
  /** The id the client would resume from (the last `id:` seen, as EventSource keeps it). */
  lastId(): string | undefined;
  /** The first event not yet taken that matches (waits up to timeoutMs). */
  next(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens `url` with a bearer token (and Last-Event-ID when given). */
export async function openSse(url: string, token: string, lastEventId?: string): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: abort.signal });
  const events: SseEvent[] = [];
  const taken = new Set<SseEvent>();
  const waiters = new Set<() => void>();
  let last: string | undefined;
  if (res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const fields = { event: 'message', data: '', id: undefined as string | undefined };
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const colon = line.indexOf(':');
              const [key, value] = colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
              if (key === 'event') fields.event = value;
              else if (key === 'data') fields.data += value;
              else if (key === 'id') fields.id = value;
            }
            if (fields.id !== undefined) last = fields.id;
            if (fields.data) events.push({ event: fields.event, id: fields.id, data: JSON.parse(fields.data) });
            for (const w of waiters) w();
          }
        }
      } catch {
        // aborted
      }
    })();
  }
  return {
    status: res.status,
    events,
    lastId: () => last,
    async next(match, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find((e) => !taken.has(e) && match(e));
        if (found) {
          taken.add(found);
          return found;
        }
        if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => [e.event, e.id, e.data?.metadata?.name ?? e.data?.name]))}`);
        await new Promise<void>((resolve) => {
          const w = () => { waiters.delete(w); clearTimeout(t); resolve(); };
          const t = setTimeout(w, 100);
          waiters.add(w);
        });
      }
    },
    close: () => abort.abort(),
  };
}
