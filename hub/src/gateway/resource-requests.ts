// The `resource.get` requests a session has sent its agent and not yet had answered: each waits
// for its `resource.got` or its timeout, and all are answered at once when the session closes, so
// a caller never hangs on an agent that went away.
import { randomUUID } from 'node:crypto';
import type { ResourceGot } from '@flotilla/shared';

/** How a request ended: the agent's answer, or why there is none. */
export type ResourceAnswer = { answered: ResourceGot } | { failed: 'timeout' | 'closed' };

/** Bound on requests in flight per session (a UI hammering one agent gets a refusal, not a queue). */
export const MAX_PENDING_RESOURCE_REQUESTS = 64;

/** Requests in flight to one agent. */
export class ResourceRequests {
  readonly #pending = new Map<string, { resolve: (answer: ResourceAnswer) => void; timer: NodeJS.Timeout }>();

  /** Sends a request through `send` (given its id) and waits for its answer; undefined when too many are in flight. */
  ask(send: (requestId: string) => void, timeoutMs: number): Promise<ResourceAnswer> | undefined {
    if (this.#pending.size >= MAX_PENDING_RESOURCE_REQUESTS) return undefined;
    const requestId = randomUUID();
    const answer = new Promise<ResourceAnswer>((resolve) => {
      const timer = setTimeout(() => this.#finish(requestId, { failed: 'timeout' }), timeoutMs);
      this.#pending.set(requestId, { resolve, timer });
    });
    send(requestId);
    return answer;
  }

  /** An answer from the agent; one for no pending request (late, after a timeout) is dropped. */
  settle(message: ResourceGot): void {
    this.#finish(message.requestId, { answered: message });
  }

  /** Ends every pending request (the session closed). */
  closeAll(): void {
    for (const id of [...this.#pending.keys()]) this.#finish(id, { failed: 'closed' });
  }

  #finish(requestId: string, answer: ResourceAnswer): void {
    const pending = this.#pending.get(requestId);
    if (!pending) return;
    this.#pending.delete(requestId);
    clearTimeout(pending.timer);
    pending.resolve(answer);
  }
}
