// `flotilla app history` output (pure), as `argocd app history` prints it: one table per source
// (`SOURCE <repoURL>` then `ID  DATE  REVISION`), each revision shown as the source's
// targetRevision with the commit it resolved to, and who started it (a user, or `automated`). A multi-source application's entries name every
// source's revision (`revisions[i]` beside `sources[i]`), so each source gets its own table.
import { renderTable, shortRevision } from '../output.ts';

interface HistorySource { repoURL?: string; path?: string; chart?: string; ref?: string; targetRevision?: string }

/** One `status.history[]` entry as the API answers it. */
export interface HistoryView {
  id: number;
  revision: string;
  revisions?: string[];
  source?: HistorySource;
  sources?: HistorySource[];
  deployedAt: string;
  initiatedBy?: { username?: string; automated?: boolean };
}

/** `main (1a2b3c4)`; the target alone when it is the revision (a chart version), the revision alone without a target. */
function revisionCell(target: string | undefined, revision: string | undefined): string {
  const short = shortRevision(revision);
  if (!target) return short;
  return short && short !== target ? `${target} (${short})` : target;
}

/** What tells two sources of one repository apart: its chart, path or ref. */
function sourceLabel(source: HistorySource | undefined): string {
  if (!source) return '(unknown source)';
  const what = source.chart !== undefined ? `chart ${source.chart}` : source.path ? `path ${source.path}` : source.ref ? `ref ${source.ref}` : '';
  return `${source.repoURL ?? ''}${what ? ` (${what})` : ''}`;
}

/** The history tables of an application (pure); entries oldest first, as the API lists them. */
export function renderHistory(entries: HistoryView[]): string {
  if (!entries.length) return 'no sync history yet\n';
  // Who started each sync (a user, or the automated sync policy), when the hub recorded it.
  const initiators = entries.some((e) => e.initiatedBy);
  const initiator = (e: HistoryView) => (e.initiatedBy?.automated ? 'automated' : e.initiatedBy?.username ?? '');
  // Keyed by source position and label: the same source through the entries shares one table.
  const tables = new Map<string, string[][]>();
  for (const entry of entries) {
    const sources = entry.sources ?? [entry.source];
    for (const [i, source] of sources.entries()) {
      const key = `${entry.sources ? i : 0}\u0000${sourceLabel(source)}`;
      const revision = entry.sources ? entry.revisions?.[i] : entry.revision;
      const rows = tables.get(key) ?? [];
      rows.push([String(entry.id), entry.deployedAt, revisionCell(source?.targetRevision, revision), ...(initiators ? [initiator(entry)] : [])]);
      tables.set(key, rows);
    }
  }
  return [...tables].map(([key, rows]) => `SOURCE  ${key.split('\u0000')[1]}\n${renderTable(['id', 'date', 'revision', ...(initiators ? ['initiated by'] : [])], rows)}`).join('\n');
}
