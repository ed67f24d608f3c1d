// One Server-Sent Events response: the headers, events written as `event:`/`id:`/`data:` lines, a
// comment as heartbeat, and a bound on what may wait in the socket's buffer. A client that reads
// too slowly is disconnected (it reconnects with Last-Event-ID and resumes) rather than letting
// the hub's memory grow with what it has not read.
import type { ServerResponse } from 'node:http';

/** Bytes an SSE connection may have waiting unsent before it is cut (1 MiB). */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** An open event stream. */
export class SseConnection {
  readonly #res: ServerResponse;
  readonly #maxBuffered: number;
  #closed = false;
  readonly #onClose = new Set<() => void>();

  constructor(res: ServerResponse, maxBuffered = MAX_BUFFERED_BYTES) {
    this.#res = res;
    this.#maxBuffered = maxBuffered;
    res.on('close', () => this.#closeNow());
    res.on('error', () => this.#closeNow());
  }

  /** Sends the response's headers: the stream is open for the client from here on. */
  start(): void {
    const res = this.#res;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Reverse proxies (nginx) would otherwise hold events back in their buffer.
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
  }

  /** Sends one event; false when the connection is closed (or was just cut for being slow). */
  send(event: string, data: unknown, id?: number): boolean {
    return this.#write(`event: ${event}\n${id !== undefined ? `id: ${id}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  }

  /** Sets the client's Last-Event-ID without an event (an empty event is not dispatched). */
  mark(id: number): boolean {
    return this.#write(`id: ${id}\n\n`);
  }

  /** Sends a comment (a heartbeat: proxies and the client see the connection alive). */
  comment(text: string): boolean {
    return this.#write(`: ${text}\n\n`);
  }

  #write(chunk: string): boolean {
    if (this.#closed) return false;
    this.#res.write(chunk);
    if (this.#res.writableLength > this.#maxBuffered) {
      this.#res.destroy();
      this.#closeNow();
      return false;
    }
    return true;
  }

  /** Runs `listener` once the connection is closed, by either side. */
  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#onClose.add(listener);
  }

  /** Whether the connection is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Ends the stream (the hub is closing, the credential is no longer valid). */
  end(): void {
    if (this.#closed) return;
    this.#res.end();
    this.#closeNow();
  }

  #closeNow(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#onClose) listener();
    this.#onClose.clear();
  }
}
