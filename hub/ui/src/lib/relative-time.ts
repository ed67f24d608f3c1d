// Times as people read them: "5 min ago", "in 2 h", with the absolute time for the hover title.
// The clock is a parameter. Pure.

const UNITS: [limitSeconds: number, unitSeconds: number, label: string][] = [
  [60, 1, 's'],
  [3600, 60, 'min'],
  [86_400, 3600, 'h'],
  [86_400 * 30, 86_400, 'd'],
  [86_400 * 365, 86_400 * 30, 'mo'],
  [Number.POSITIVE_INFINITY, 86_400 * 365, 'y'],
];

/** `at` relative to `now`: "just now" within 5 s, else the largest whole unit, "ago" or "in". '' for no or a bad time. */
export function relativeTime(at: string | Date | undefined | null, now: Date): string {
  if (at === undefined || at === null || at === '') return '';
  const time = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(time)) return '';
  const seconds = Math.round((now.getTime() - time) / 1000);
  const magnitude = Math.abs(seconds);
  if (magnitude < 5) return 'just now';
  const [, unit, label] = UNITS.find(([limit]) => magnitude < limit)!;
  const count = Math.floor(magnitude / unit);
  return seconds > 0 ? `${count} ${label} ago` : `in ${count} ${label}`;
}

/** The absolute time shown on hover: ISO-like in UTC, to the second ("2026-12-02 01:57:53 UTC"). '' for a bad time. */
export function absoluteTime(at: string | Date | undefined | null): string {
  if (at === undefined || at === null || at === '') return '';
  const date = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) return '';
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
