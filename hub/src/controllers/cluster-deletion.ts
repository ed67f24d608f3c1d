// What deleting an application on a cluster does to its row (pure; deleteApplication in
// app-of-apps.ts reads the facts and writes the answer). Argo CD's finalizers, followed:
// - with cascade (resources-finalizer): the agent deletes the resources, then runs the PostDelete
//   hooks; a later cascade delete only adds a confirmation or keeps the propagation policy;
// - without cascade, when the bundle holds PostDelete hooks (Argo CD keeps its post-delete finalizer,
//   controller/appcontroller.go finalizeApplicationDeletion): the agent runs the hooks and leaves the
//   resources, but only an agent that names NON_CASCADE_HOOKS_FEATURE (an older one ignored `cascade`
//   and would delete them); otherwise, or without hooks, the row goes at once;
// - a deletion once started keeps its cascade (the agent may be past deleting the resources), but a
//   delete without cascade of an application already being deleted drops the row at once: the way
//   out of a deletion that cannot end (a hook that keeps failing, an agent gone for good), as removing
//   the finalizers by hand is in Argo CD.

/** A deletion as the application row and the assignment carry it. */
export interface Deletion {
  cascade: boolean;
  propagationPolicy?: string;
  confirmed?: boolean;
}

/** What the caller asked for, and what the hub knows (the facts matter only for a first deletion without cascade). */
export interface DeletionRequest {
  /** The deletion in progress, if any. */
  current: Deletion | null;
  cascade: boolean;
  propagationPolicy?: string;
  confirmed?: boolean;
  /** The application's current bundle holds PostDelete hooks. */
  hasHooks: boolean;
  /** The cluster's agent names NON_CASCADE_HOOKS_FEATURE (as it said at its last hello). */
  agentRunsHooks: boolean;
}

/** The answer: drop the row now, or store this deletion for the agent. */
export type DeletionOutcome = { drop: true; reason: string } | { deletion: Deletion };

/** Whether a non-cascade deletion needs the facts (a bundle read); the answer does not depend on them otherwise. */
export function needsHookFacts(current: Deletion | null, cascade: boolean): boolean {
  return !cascade && current === null;
}

/** Decides a cluster application's deletion. */
export function clusterDeletion(request: DeletionRequest): DeletionOutcome {
  const { current } = request;
  if (!request.cascade) {
    if (current) return { drop: true, reason: 'already being deleted: let go at once' };
    if (!request.hasHooks) return { drop: true, reason: 'no PostDelete hooks' };
    if (!request.agentRunsHooks) return { drop: true, reason: 'the agent does not run PostDelete hooks without cascade' };
    return { deletion: { cascade: false } };
  }
  if (current?.cascade === false) return { deletion: current };
  // Delete=confirm resources wait for a confirmation, given with this deletion or a later one.
  const confirmed = request.confirmed === true || current?.confirmed === true;
  return { deletion: { cascade: true, propagationPolicy: request.propagationPolicy ?? current?.propagationPolicy ?? 'foreground', ...(confirmed ? { confirmed: true } : {}) } };
}
