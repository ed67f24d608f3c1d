// The agent's durable state: its credential, the last revision it acked, every assignment, each
// application's inventory, the operations it ran, and its sequence counters. Every update is
// written to the backend (files or Secrets) before it resolves, so the hub is told nothing that is
// not durable, and a restart — hub up or down — resumes where it stopped and never runs an
// operation twice.
import type { Assignment } from '@flotilla/shared';
import type { StateBackend } from './backend.ts';

/** A finished operation, remembered so a replay is answered, not rerun. */
export interface FinishedOperation {
  id: string;
  app: string;
  phase: 'Succeeded' | 'Failed' | 'Error';
  message: string;
  startedAt: string;
  finishedAt: string;
}

/** One object this agent applied for an application. */
export interface InventoryEntry {
  group: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Everything the agent keeps across restarts. */
export interface AgentState {
  hub: string;
  cluster?: string;
  credential?: string;
  /** The hub epoch `revision` belongs to (a hub restored from backup has another). */
  epoch?: string;
  revision: number;
  assignments: Record<string, Assignment>;
  inventories: Record<string, InventoryEntry[]>;
  /** Each application's operation run in progress (the engine's OperationRun), stored after every step. */
  runs: Record<string, unknown>;
  finishedOperations: FinishedOperation[];
  statusSeq: number;
  eventSeq: number;
}

const MAX_FINISHED = 200;
const STATE_KEY = 'state';

/** The state in memory and its durable copy. */
export class StateStore {
  readonly backend: StateBackend;
  private state: AgentState | undefined;
  private writes: Promise<void> = Promise.resolve();

  constructor(backend: StateBackend) {
    this.backend = backend;
  }

  /** Loads the state (or a fresh one for this hub). */
  async load(hub: string): Promise<AgentState> {
    const fresh: AgentState = { hub, revision: 0, assignments: {}, inventories: {}, runs: {}, finishedOperations: [], statusSeq: 0, eventSeq: 0 };
    const stored = await this.backend.read(STATE_KEY);
    this.state = stored ? { ...fresh, ...(JSON.parse(stored) as AgentState) } : fresh;
    // Before runs were stored, started operation ids were (and never read): nothing to resume from them.
    delete (this.state as AgentState & { startedOperations?: unknown }).startedOperations;
    if (this.state.hub !== hub) {
      // Another hub: its revisions mean nothing here, but inventories still say what we own.
      this.state = { ...fresh, inventories: this.state.inventories, runs: this.state.runs, statusSeq: this.state.statusSeq, eventSeq: this.state.eventSeq };
    }
    return this.state;
  }

  /** The loaded state. */
  get current(): AgentState {
    if (!this.state) throw new Error('state not loaded');
    return this.state;
  }

  /** Applies a change in memory and resolves once that state is durable (writes are serialised). */
  update(change: (state: AgentState) => void): Promise<void> {
    change(this.current);
    const s = this.current;
    if (s.finishedOperations.length > MAX_FINISHED) s.finishedOperations.splice(0, s.finishedOperations.length - MAX_FINISHED);
    const snapshot = JSON.stringify(s);
    this.writes = this.writes.catch(() => {}).then(() => this.backend.write(STATE_KEY, snapshot));
    return this.writes;
  }

  /** Reads another durable document (bundles). */
  read(key: string): Promise<string | undefined> {
    return this.backend.read(key);
  }

  /** Writes another durable document (bundles). */
  write(key: string, content: string): Promise<void> {
    return this.backend.write(key, content);
  }

  /** The keys of the other documents that start with `prefix`. */
  list(prefix: string): Promise<string[]> {
    return this.backend.list(prefix);
  }

  /** Removes another document (gone already counts as done). */
  remove(key: string): Promise<void> {
    return this.backend.remove(key);
  }
}
