// How long a token lives: `expiresIn` as Argo CD takes it (seconds; 0 or absent: never) or as a
// duration (`90m`, `24h`, `7d`, `1h30m`, `2w`), and the expiry instant it gives. Pure.

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** The longest lifetime accepted (100 years): beyond it, an expiry is a typo, not a plan. */
export const MAX_TOKEN_SECONDS = 100 * 365 * 86_400;

/** Seconds in `value` (a whole number of seconds or a duration such as `24h`), or an error message. */
export function parseExpiresIn(value: number | string | undefined): { seconds: number } | { error: string } {
  if (value === undefined || value === '') return { seconds: 0 };
  let seconds: number;
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    seconds = Number(value);
    if (!Number.isSafeInteger(seconds) || seconds < 0) return { error: 'must be a whole number of seconds, 0 or more' };
  } else {
    const parts = [...value.matchAll(/(\d+)([smhdw])/g)];
    if (!parts.length || parts.map((p) => p[0]).join('') !== value) return { error: `"${value}" is not a duration: use seconds or e.g. 90m, 24h, 7d, 1h30m` };
    seconds = parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit!]!, 0);
  }
  if (seconds > MAX_TOKEN_SECONDS) return { error: 'must be at most 100 years' };
  return { seconds };
}

/** When a token issued at `now` with a lifetime of `seconds` expires (null: never). */
export function expiryOf(now: Date, seconds: number): Date | null {
  return seconds > 0 ? new Date(now.getTime() + seconds * 1000) : null;
}
