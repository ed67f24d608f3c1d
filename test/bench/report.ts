// What a benchmark hands back, and how figures are summarised and printed: percentiles, seconds
// and megabytes, and plain-text tables.

/** Seconds, megabytes, or a plain count (renders). */
export type Unit = 's' | 'MB' | 'count';

/** One line of the final summary. */
export interface Figure {
  metric: string;
  unit: Unit;
  flotilla?: number;
  baseline?: number;
  /** What the baseline is (e.g. "kubectl apply --server-side"). */
  baselineLabel: string;
  argo: string;
  target: string;
  /** Whether the target is met; undefined when it could not be measured. */
  met?: boolean;
}

/** A benchmark's outcome: its figures so far, and the error that stopped it, if any. */
export interface BenchResult {
  name: string;
  figures: Figure[];
  error?: string;
  /** Log files kept because something went wrong. */
  logs: string[];
}

/** Counts for a full run or a --quick smoke run. */
export interface BenchOptions {
  quick: boolean;
  /** Keep the hub and agent logs even when nothing failed. */
  keepLogs: boolean;
}

/** The p-th percentile (nearest rank) of some numbers. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const seconds = (ms: number): number => ms / 1000;

/** A figure for printing: 3 significant decimals for seconds, 1 for megabytes, counts as they are. */
export function format(value: number | undefined, unit: Unit): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (unit === 'count') return String(value);
  return unit === 's' ? `${value.toFixed(value < 10 ? 3 : 1)} s` : `${value.toFixed(1)} MB`;
}

/** A ratio Flotilla / baseline, e.g. "1.07×". */
export function ratio(flotilla: number | undefined, baseline: number | undefined): string {
  if (flotilla === undefined || baseline === undefined || !baseline || Number.isNaN(flotilla) || Number.isNaN(baseline)) return '—';
  return `${(flotilla / baseline).toFixed(2)}×`;
}

/** A plain-text table with a header rule; columns as wide as their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Prints a benchmark's own table under a title. */
export function printTable(title: string, header: string[], rows: string[][]): void {
  console.log(`\n${title}\n${table(header, rows)}`);
}

/** Waits ms milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
