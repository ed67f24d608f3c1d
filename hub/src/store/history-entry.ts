// What one sync history entry records (pure): the revision synced, and for a multi-source
// application each source's revision and the sources themselves, as Argo CD's
// `status.history[].revisions` and `.sources` (`.source` for a single-source application).
import type { ApplicationRecord, SourceLike } from './applications.ts';
import { redactSpecRepoUrls } from '../repo/url-userinfo.ts';

/** One sync_history row to write. */
export interface HistoryWrite {
  app: string;
  revision: string | null;
  bundleKey: string | null;
  operationId: string;
  initiatedBy: string | null;
  /** Per source, in source order; only for a `spec.sources` application whose revisions are known. */
  revisions?: string[];
  source?: SourceLike;
  sources?: SourceLike[];
}

/** What the agent said it synced (`status.sync` of its report); empty for the hub's own syncs. */
export interface ReportedSync {
  revision?: string;
  revisions?: string[];
  bundle?: string;
}

/**
 * The history entry of a finished sync of `app` (pure). The agent's report says what it synced;
 * an agent that reports no `revisions` (one older than them) gets the hub's list, but only when
 * its `revision` is the hub's: a list from another render would name commits it never synced.
 */
export function historyEntryOf(app: ApplicationRecord, reported: ReportedSync, operation: { id: string; initiatedBy?: string | null }): HistoryWrite {
  const revision = reported.revision ?? app.revision;
  const spec = redactSpecRepoUrls(app.spec);
  const multi = Boolean(spec.sources?.length);
  const revisions = reported.revisions ?? (revision === app.revision ? app.revisions ?? undefined : undefined);
  return {
    app: app.name,
    revision,
    bundleKey: reported.bundle ?? app.bundleKey,
    operationId: operation.id,
    initiatedBy: operation.initiatedBy ?? null,
    ...(multi ? { sources: spec.sources!, ...(revisions ? { revisions } : {}) } : spec.source ? { source: spec.source } : {}),
  };
}
