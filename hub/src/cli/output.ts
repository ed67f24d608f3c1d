// Pure rendering of command output: aligned tables with upper-case headers, key/value views, and
// the `-o` formats (table, wide, json, yaml) every list and get verb offers.
import { stringify } from 'yaml';

/** The values `-o` accepts; `table` is the default (no -o). */
export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;

/** One `-o` format. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Whether a string is a known `-o` format. */
export function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

/** A table column: its header, how to read a row, and whether only `-o wide` shows it. */
export interface Column<T> {
  header: string;
  value: (row: T) => string;
  wide?: boolean;
}

/** Text cells as an aligned table: upper-case headers, two spaces between columns, no trailing blanks. */
export function renderTable(headers: string[], rows: string[][]): string {
  const all = [headers.map((h) => h.toUpperCase()), ...rows.map((r) => headers.map((_, i) => oneLine(r[i] ?? '')))];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** A list in the chosen format: table (or wide) through the columns, json/yaml as the objects. */
export function renderList<T>(items: T[], columns: Column<T>[], format: OutputFormat): string {
  if (format === 'json' || format === 'yaml') return renderObject(items, format);
  const shown = columns.filter((c) => format === 'wide' || !c.wide);
  return renderTable(shown.map((c) => c.header), items.map((item) => shown.map((c) => c.value(item))));
}

/** One object as pretty JSON or YAML. */
export function renderObject(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? JSON.stringify(value, null, 2) + '\n' : stringify(value);
}

/** `Key:  value` lines with the values aligned; empty values show as <none>. */
export function renderKeyValues(pairs: [string, string][]): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length + 1));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${v === '' ? '<none>' : v}`.trimEnd()).join('\n') + '\n';
}

/** Labels as `k=v,k2=v2` (sorted), or <none>. */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '<none>';
}

/** The first 7 characters of a commit SHA (other revisions as they are). */
export function shortRevision(revision: string | null | undefined): string {
  if (!revision) return '';
  return /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 7) : revision;
}

/** Argo CD's SYNCPOLICY column: Manual, Auto, or Auto-Prune. */
export function formatSyncPolicy(syncPolicy: { automated?: { prune?: boolean; enabled?: boolean } | null } | null | undefined): string {
  const automated = syncPolicy?.automated;
  if (!automated || automated.enabled === false) return 'Manual';
  return automated.prune ? 'Auto-Prune' : 'Auto';
}

/** Argo CD's CONDITIONS column: condition types with counts when repeated (`A(2),B`), or <none>. */
export function formatConditions(conditions: { type: string }[] | null | undefined): string {
  const counts = new Map<string, number>();
  for (const c of conditions ?? []) counts.set(c.type, (counts.get(c.type) ?? 0) + 1);
  const items = [...counts].map(([type, n]) => (n > 1 ? `${type}(${n})` : type)).sort();
  return items.length ? items.join(',') : '<none>';
}

/** A table cell never spans lines. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
