// The engine's ports: what it needs from the rest of the agent, named by what it is for, so the
// engine knows no hub. agent.ts wires them: the desired source and engine state to the state
// store and bundle cache, the status sink to the hub link, the clock to Date.
import type { AppStatus, Assignment, EventMessage } from '@flotilla/shared';
import type { ObjectRef } from './objects.ts';
import type { OperationRun } from './operation.ts';
import type { DeletionRun } from './post-delete.ts';

/** What the hub wants applied: assignments and their bundles. */
export interface DesiredSource {
  /** The stored assignment of an application (the hub may be away). */
  assignment(app: string): Assignment | undefined;
  /** The applications assigned to this cluster. */
  apps(): string[];
  /** A bundle's manifests (cached, else downloaded and verified). */
  bundle(key: string): Promise<{ manifests: object[] }>;
}

/** An operation from the hub that finished here (so a replay is answered, not rerun). */
export interface FinishedOperation {
  id: string;
  app: string;
  phase: 'Succeeded' | 'Failed' | 'Error';
  message: string;
  startedAt: string;
  finishedAt: string;
}

/** What the engine keeps across restarts; every write is durable before it resolves. */
export interface EngineState {
  inventory(app: string): ObjectRef[];
  setInventory(app: string, refs: ObjectRef[] | undefined): Promise<void>;
  /** The operation run in progress, if any. */
  run(app: string): OperationRun | undefined;
  saveRun(app: string, run: OperationRun | undefined): Promise<void>;
  isFinished(id: string): boolean;
  /** The last operation from the hub that finished for an app. */
  lastFinished(app: string): FinishedOperation | undefined;
  /** Records a finished operation and drops the run in progress, in one durable write. */
  finish(app: string, op: FinishedOperation | undefined): Promise<void>;
  /** The application's deletion in progress (resources, then PostDelete hooks), kept until the hub lets the app go. */
  deletion(app: string): DeletionRun | undefined;
  saveDeletion(app: string, run: DeletionRun | undefined): Promise<void>;
}

/** Where status and events go (the hub, eventually). */
export interface StatusSink {
  reportStatus(app: string, status: AppStatus): void;
  reportEvent(event: EventMessage['event'], app?: string): void;
}

/** The time, for everything that decides by it. */
export interface Clock {
  now(): number;
}
