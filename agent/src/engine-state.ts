// The engine's ports over the agent's state store and bundle cache: what the engine reads and
// writes, kept durable by the store (every write resolves once it is on disk or in its Secret).
import type { BundleCache } from './link/bundles.ts';
import type { StateStore } from './link/state.ts';
import type { ObjectRef } from './engine/objects.ts';
import type { OperationRun } from './engine/operation.ts';
import type { DeletionRun } from './engine/post-delete.ts';
import type { DesiredSource, EngineState } from './engine/ports.ts';

/** The assignments and bundles the engine reconciles to. */
export function desiredSourceOf(store: StateStore, bundles: BundleCache): DesiredSource {
  return {
    assignment: (app) => store.current.assignments[app],
    apps: () => Object.keys(store.current.assignments),
    bundle: (key) => bundles.get(key),
  };
}

/**
 * Where an application's deletion run is kept: beside the runs (so the bundle it names is kept, agent.ts),
 * under a key no application name can take (names are DNS labels, without '/').
 */
const deletionKey = (app: string) => `deletion/${app}`;

/** Inventories, operation runs, deletion runs and finished operations, in the state store. */
export function engineStateOf(store: StateStore): EngineState {
  return {
    inventory: (app) => (store.current.inventories[app] ?? []) as ObjectRef[],
    setInventory: (app, refs) => store.update((s) => {
      if (refs) s.inventories[app] = refs;
      else delete s.inventories[app];
    }),
    run: (app) => store.current.runs[app] as OperationRun | undefined,
    saveRun: (app, run) => store.update((s) => {
      if (run) s.runs[app] = run;
      else delete s.runs[app];
    }),
    isFinished: (id) => store.current.finishedOperations.some((o) => o.id === id),
    lastFinished: (app) => store.current.finishedOperations.findLast((o) => o.app === app),
    finish: (app, op) => store.update((s) => {
      delete s.runs[app];
      if (op) s.finishedOperations.push(op);
    }),
    deletion: (app) => store.current.runs[deletionKey(app)] as DeletionRun | undefined,
    saveDeletion: (app, run) => store.update((s) => {
      if (run) s.runs[deletionKey(app)] = run;
      else delete s.runs[deletionKey(app)];
    }),
  };
}
