// Desired state per cluster: what each assigned application should look like (its bundle key and
// policy), versioned by one monotonically increasing revision per cluster. The hub sends a full
// snapshot or the deltas since the agent's acked revision; the agent acks after storing durably.
import { Type, type Static } from '@sinclair/typebox';

/** A pending operation the agent must run once (sync, rollback, terminate). */
export const OperationSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  kind: Type.Union([Type.Literal('sync'), Type.Literal('rollback'), Type.Literal('terminate')]),
  initiatedBy: Type.Optional(Type.String()),
  prune: Type.Optional(Type.Boolean()),
  dryRun: Type.Optional(Type.Boolean()),
  syncOptions: Type.Optional(Type.Array(Type.String())),
  resources: Type.Optional(Type.Array(Type.Object({ group: Type.String(), kind: Type.String(), name: Type.String(), namespace: Type.Optional(Type.String()) }))),
  bundle: Type.Optional(Type.String()),
  revision: Type.Optional(Type.String()),
  /**
   * The user confirms what Prune=confirm resources wait for (`app sync --prune --confirm`): this
   * sync prunes them. Without it they are kept, reported as requiring pruning.
   */
  confirm: Type.Optional(Type.Boolean()),
  /**
   * The retry strategy of this run (`app sync --retry-limit ...`, Argo CD's SyncOperation `retry`):
   * used instead of the application's `syncPolicy.retry`. An agent without it ignores it (the
   * hub's messages are decoded tolerantly) and uses the policy's.
   */
  retry: Type.Optional(Type.Object({
    limit: Type.Optional(Type.Integer()),
    backoff: Type.Optional(Type.Object({
      duration: Type.Optional(Type.String({ maxLength: 64 })),
      factor: Type.Optional(Type.Integer({ minimum: 1 })),
      maxDuration: Type.Optional(Type.String({ maxLength: 64 })),
    }, { additionalProperties: false })),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

const Globs = Type.Array(Type.String());
const ResourceEntries = Type.Array(Type.Object({ group: Type.String(), kind: Type.String(), name: Type.Optional(Type.String()) }));

/**
 * The application's AppProject rules, as the hub enforced them (shared/src/application/
 * project-permits.ts, sync-windows.ts): the agent checks a bundle against them before it applies
 * (defence in depth), holds syncs while a window says so, and watches for orphaned resources when
 * the project asks. Field names and meaning
 * are the AppProject spec's.
 */
export const ProjectLimitsSchema = Type.Object({
  /** The destination cluster as the hub matched `destinations` and window `clusters`: its name and server URL ('' when none). */
  cluster: Type.Optional(Type.Object({ name: Type.String(), server: Type.String() })),
  sourceRepos: Type.Optional(Globs),
  sourceNamespaces: Type.Optional(Globs),
  destinations: Type.Optional(Type.Array(Type.Object({ name: Type.Optional(Type.String()), server: Type.Optional(Type.String()), namespace: Type.Optional(Type.String()) }))),
  clusterResourceWhitelist: Type.Optional(ResourceEntries),
  clusterResourceBlacklist: Type.Optional(ResourceEntries),
  namespaceResourceWhitelist: Type.Optional(ResourceEntries),
  namespaceResourceBlacklist: Type.Optional(ResourceEntries),
  syncWindows: Type.Optional(Type.Array(Type.Object({
    kind: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
    schedule: Type.String(),
    duration: Type.String(),
    applications: Type.Optional(Globs),
    namespaces: Type.Optional(Globs),
    clusters: Type.Optional(Globs),
    manualSync: Type.Optional(Type.Boolean()),
    timeZone: Type.Optional(Type.String()),
    andOperator: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String()),
    syncOverrun: Type.Optional(Type.Boolean()),
  }))),
  /**
   * Orphaned resources monitoring: the agent reports the top-level objects of the destination
   * namespace no application manages (agent/src/engine/orphans.ts), with an
   * OrphanedResourceWarning condition when `warn`; `ignore` entries are left out.
   */
  orphanedResources: Type.Optional(Type.Object({
    warn: Type.Optional(Type.Boolean()),
    ignore: Type.Optional(Type.Array(Type.Object({ group: Type.Optional(Type.String()), kind: Type.Optional(Type.String()), name: Type.Optional(Type.String()) }))),
  })),
});

/** One application as its cluster's agent must reconcile it. */
export const AssignmentSchema = Type.Object({
  app: Type.String({ minLength: 1 }),
  project: Type.String(),
  generation: Type.Integer({ minimum: 1 }),
  /** Destination namespace for namespaced objects that name none. */
  namespace: Type.String(),
  source: Type.Object({ repoURL: Type.String(), path: Type.String(), targetRevision: Type.String() }, { additionalProperties: false }),
  /** Content key of the rendered manifests; null while the first render has not succeeded. */
  bundle: Type.Union([Type.String(), Type.Null()]),
  /** Git commit the bundle was rendered from (the first source's, for a multi-source application). */
  revision: Type.Union([Type.String(), Type.Null()]),
  /**
   * A `spec.sources` application's revision of each source, in source order (a commit, or a
   * chart's version); absent for a `spec.source` one and before the first render. The agent
   * reports it back as `status.sync.revisions`.
   */
  revisions: Type.Optional(Type.Array(Type.String())),
  syncPolicy: Type.Optional(Type.Unknown()),
  ignoreDifferences: Type.Optional(Type.Array(Type.Unknown())),
  operation: Type.Optional(OperationSchema),
  /** The project's rules and sync windows (absent from an older hub: the agent then trusts the hub's checks). */
  projectLimits: Type.Optional(ProjectLimitsSchema),
  /** Set when the application is being deleted: remove its resources (cascade) or just let go. */
  deletion: Type.Optional(Type.Object({
    cascade: Type.Boolean(),
    propagationPolicy: Type.Optional(Type.String()),
    /** The user confirmed the deletion of Delete=confirm resources; until then the deletion waits for them. */
    confirmed: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

/** Hub → agent: the whole assignment set at a revision. */
export const SnapshotSchema = Type.Object({
  type: Type.Literal('snapshot'),
  revision: Type.Integer({ minimum: 0 }),
  assignments: Type.Array(AssignmentSchema),
}, { additionalProperties: false });

/** Hub → agent: the changes after fromRevision, one per revision, in order. */
export const DeltaSchema = Type.Object({
  type: Type.Literal('delta'),
  fromRevision: Type.Integer({ minimum: 0 }),
  revision: Type.Integer({ minimum: 0 }),
  changes: Type.Array(Type.Object({
    revision: Type.Integer({ minimum: 1 }),
    app: Type.String(),
    /** The new assignment, or null when the application left this cluster. */
    assignment: Type.Union([AssignmentSchema, Type.Null()]),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

/** Agent → hub: everything up to revision is stored durably. */
export const AckSchema = Type.Object({
  type: Type.Literal('ack'),
  revision: Type.Integer({ minimum: 0 }),
}, { additionalProperties: false });

export type Operation = Static<typeof OperationSchema>;
export type Assignment = Static<typeof AssignmentSchema>;
export type ProjectLimits = Static<typeof ProjectLimitsSchema>;
export type Snapshot = Static<typeof SnapshotSchema>;
export type Delta = Static<typeof DeltaSchema>;
export type Ack = Static<typeof AckSchema>;
