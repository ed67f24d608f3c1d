// `GET /api/v1/audit`'s query as a store filter: exact fields, `since`/`until` as RFC 3339 times
// or durations back from now (`1h`, `7d`), `continue` as the paging key the previous page gave.
// Pure: the clock is passed in; a bad value is an error naming the parameter.
import { parseExpiresIn } from '../accounts/token-expiry.ts';
import type { AuditFilter, AuditResult } from '../store/audit.ts';

/** The query parameters, as the route's schema lets them through. */
export interface AuditQueryParams {
  actor?: string;
  action?: string;
  resource?: string;
  object?: string;
  result?: AuditResult;
  since?: string;
  until?: string;
  limit?: number;
  continue?: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** An instant: an RFC 3339 time, or a duration before `now`. */
export function instantOf(value: string, now: Date): Date | { error: string } {
  if (RFC3339.test(value)) {
    const at = new Date(value);
    return Number.isNaN(at.getTime()) ? { error: `"${value}" is not a valid time` } : at;
  }
  const ago = parseExpiresIn(value);
  if ('error' in ago) return { error: `"${value}" is neither an RFC 3339 time (2026-01-31T12:00:00Z) nor a duration (90m, 24h, 7d)` };
  return new Date(now.getTime() - ago.seconds * 1000);
}

/** The store filter of a query, or the parameter that is wrong and why. */
export function auditFilterOf(query: AuditQueryParams, now: Date): AuditFilter | { error: string; path: string } {
  const filter: AuditFilter = { limit: query.limit ?? 100 };
  for (const field of ['actor', 'action', 'resource', 'object', 'result'] as const) {
    if (query[field] !== undefined && query[field] !== '') Object.assign(filter, { [field]: query[field] });
  }
  for (const field of ['since', 'until'] as const) {
    const value = query[field];
    if (value === undefined || value === '') continue;
    const at = instantOf(value, now);
    if ('error' in at) return { error: `${field}: ${at.error}`, path: `querystring.${field}` };
    filter[field] = at;
  }
  if (filter.since && filter.until && filter.since >= filter.until) return { error: 'since must be before until', path: 'querystring.since' };
  if (query.continue !== undefined && query.continue !== '') {
    if (!/^[1-9]\d{0,15}$/.test(query.continue)) return { error: 'continue: not a key this API gave: pass the continue of the previous page as it is', path: 'querystring.continue' };
    filter.before = Number(query.continue);
  }
  return filter;
}
