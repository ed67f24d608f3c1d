// The lines of a Kubernetes watch stream, read into what an informer acts on: a change to an
// object, a bookmark (only a newer resourceVersion: proof the stream is alive), or an ERROR event
// carrying a Status. An ERROR is either "gone" (410: the resourceVersion is too old, relist) or
// another failure (log it, watch again after a delay). Pure.

/** The Status an ERROR event carries. */
export interface WatchErrorStatus {
  code?: number;
  reason?: string;
  message?: string;
}

/** One watch event, read. */
export type WatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: { metadata: { name: string; namespace?: string; resourceVersion?: string } } & Record<string, unknown> }
  | { type: 'BOOKMARK'; resourceVersion: string | undefined }
  | { type: 'GONE'; status: WatchErrorStatus }
  | { type: 'ERROR'; status: WatchErrorStatus }
  | { type: 'MALFORMED'; line: string };

const CHANGES = new Set(['ADDED', 'MODIFIED', 'DELETED']);

/** Reads one line of a watch stream (a line that is not a watch event is MALFORMED, with the line cut to 200 characters). */
export function parseWatchEvent(line: string): WatchEvent {
  let event: { type?: unknown; object?: unknown };
  try {
    event = JSON.parse(line) as typeof event;
  } catch {
    return { type: 'MALFORMED', line: line.slice(0, 200) };
  }
  const object = event?.object as { metadata?: { name?: unknown; resourceVersion?: unknown }; code?: unknown; reason?: unknown; message?: unknown } | undefined;
  if (typeof object !== 'object' || object === null) return { type: 'MALFORMED', line: line.slice(0, 200) };
  if (event.type === 'ERROR') {
    const status: WatchErrorStatus = {};
    if (typeof object.code === 'number') status.code = object.code;
    if (typeof object.reason === 'string') status.reason = object.reason;
    if (typeof object.message === 'string') status.message = object.message;
    return isGone(status) ? { type: 'GONE', status } : { type: 'ERROR', status };
  }
  if (event.type === 'BOOKMARK') {
    const rv = object.metadata?.resourceVersion;
    return { type: 'BOOKMARK', resourceVersion: typeof rv === 'string' ? rv : undefined };
  }
  if (typeof event.type === 'string' && CHANGES.has(event.type) && typeof object.metadata?.name === 'string') {
    return { type: event.type as 'ADDED', object: object as Extract<WatchEvent, { type: 'ADDED' }>['object'] };
  }
  return { type: 'MALFORMED', line: line.slice(0, 200) };
}

/** A Status that says the resourceVersion (or continue token) is too old: 410 Gone / Expired. */
export function isGone(status: WatchErrorStatus): boolean {
  return status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone';
}
