// The agent's durable state: its credential, the last revision it acked, every assignment, each
// application's inventory, the operations it ran, and its sequence counters. Written atomically
// (temp file, fsync, rename) before the hub is told anything, so a restart — hub up or down —
// resumes where it stopped and never runs an operation twice.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Assignment } from '@flotilla/shared';

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
  revision: number;
  assignments: Record<string, Assignment>;
  inventories: Record<string, InventoryEntry[]>;
  /** Operation ids started and not yet finished (a crash mid-operation leaves them here). */
  startedOperations: Record<string, { app: string; startedAt: string }>;
  finishedOperations: FinishedOperation[];
  statusSeq: number;
  eventSeq: number;
}

const MAX_FINISHED = 200;

/** Where the state lives: a directory with state.json and bundles/. */
export class StateStore {
  readonly dir: string;
  private state: AgentState | undefined;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(join(dir, 'bundles'), { recursive: true, mode: 0o700 });
  }

  /** Loads the state (or a fresh one for this hub). */
  load(hub: string): AgentState {
    const file = join(this.dir, 'state.json');
    const fresh: AgentState = { hub, revision: 0, assignments: {}, inventories: {}, startedOperations: {}, finishedOperations: [], statusSeq: 0, eventSeq: 0 };
    this.state = existsSync(file) ? { ...fresh, ...(JSON.parse(readFileSync(file, 'utf8')) as AgentState) } : fresh;
    if (this.state.hub !== hub) {
      // Another hub: its revisions mean nothing here, but inventories still say what we own.
      this.state = { ...fresh, inventories: this.state.inventories, statusSeq: this.state.statusSeq, eventSeq: this.state.eventSeq };
    }
    return this.state;
  }

  /** The loaded state. */
  get current(): AgentState {
    if (!this.state) throw new Error('state not loaded');
    return this.state;
  }

  /** Applies a change to the state and writes it durably before returning. */
  update(change: (state: AgentState) => void): void {
    change(this.current);
    const s = this.current;
    if (s.finishedOperations.length > MAX_FINISHED) s.finishedOperations.splice(0, s.finishedOperations.length - MAX_FINISHED);
    writeAtomically(join(this.dir, 'state.json'), JSON.stringify(s));
  }

  /** Path of a cached bundle. */
  bundlePath(key: string): string {
    return join(this.dir, 'bundles', `${key.replace(/[^a-z0-9]/gi, '_')}.json`);
  }

  /** Writes a file durably (used for bundles too). */
  write(path: string, content: string): void {
    writeAtomically(path, content);
  }
}

function writeAtomically(path: string, content: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
