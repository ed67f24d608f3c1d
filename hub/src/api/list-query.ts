// The query strings of the list routes (applications, clusters, projects): Kubernetes' `limit` and
// `continue`, and the filters, parsed into what store/list-*.ts compile to SQL. Lists of values
// are comma-separated (`sync=Synced,OutOfSync`: any of them). Bad values are 400s naming them.
import { Type, type Static } from '@sinclair/typebox';
import { invalidInput } from '@flotilla/shared';
import { MAX_LIST_LIMIT, decodeContinue } from './list-page.ts';
import { parseSelector, type Requirement } from './list-selector.ts';
import type { ApplicationListFilter } from '../store/list-applications.ts';
import type { NamedListFilter } from '../store/list-named.ts';

const paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIST_LIMIT, description: `at most this many items (1-${MAX_LIST_LIMIT}); without it, every item` })),
  continue: Type.Optional(Type.String({ maxLength: 2048, description: "the previous page's metadata.continue" })),
  selector: Type.Optional(Type.String({ maxLength: 4096, description: 'a label selector: k=v, k!=v, k, !k, k in (a,b), k notin (a,b), comma-joined' })),
  search: Type.Optional(Type.String({ maxLength: 253, description: 'a case-insensitive substring of the name' })),
};

/** `GET /api/v1/applications`'s query. */
export const ApplicationListQuery = Type.Object({
  ...paging,
  project: Type.Optional(Type.String({ description: 'project names, comma-separated' })),
  cluster: Type.Optional(Type.String({ description: 'destination cluster names or API URLs, comma-separated (hub: applied by the hub)' })),
  namespace: Type.Optional(Type.String({ description: 'destination namespaces, comma-separated' })),
  repo: Type.Optional(Type.String({ description: 'source repository URLs, comma-separated' })),
  sync: Type.Optional(Type.String({ description: 'sync statuses (Synced, OutOfSync, Unknown), comma-separated' })),
  health: Type.Optional(Type.String({ description: 'health statuses (Healthy, Progressing, Degraded, Suspended, Missing, Unknown), comma-separated' })),
});

/** The cluster and project lists' query. */
export const NamedListQuery = Type.Object(paging);

/** The `metadata` of a list answer, as Kubernetes lists carry it. */
export const ListMetadata = Type.Object({
  continue: Type.Optional(Type.String({ description: 'pass as ?continue= for the next page; absent on the last page' })),
  remainingItemCount: Type.Optional(Type.Integer({ description: 'how many items follow this page (omitted when the hub cannot count them exactly)' })),
});

const SYNC = ['Synced', 'OutOfSync', 'Unknown'];
const HEALTH = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'];

/** Comma-separated values, trimmed; undefined when there are none. */
export function csv(value: string | undefined): string[] | undefined {
  const values = value?.split(',').map((v) => v.trim()).filter(Boolean);
  return values?.length ? [...new Set(values)] : undefined;
}

function oneOf(field: string, value: string | undefined, allowed: string[]): string[] | undefined {
  const values = csv(value);
  const bad = values?.find((v) => !allowed.includes(v));
  if (bad !== undefined) throw invalidInput(`invalid ${field} "${bad}": one of ${allowed.join(', ')}`, [{ path: `querystring.${field}`, message: `not one of ${allowed.join(', ')}` }]);
  return values;
}

function selectorOf(text: string | undefined): Requirement[] | undefined {
  if (text === undefined) return undefined;
  const parsed = parseSelector(text);
  if ('error' in parsed) throw invalidInput(parsed.error, [{ path: 'querystring.selector', message: parsed.error }]);
  return parsed.requirements;
}

/** Where a page starts and how long it is. */
export interface PageSpec {
  limit?: number;
  after?: string;
}

// PostgreSQL text cannot hold NUL: a value with one is the caller's mistake (a 400), not a 500.
function refuseNul(query: object): void {
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === 'string' && value.includes('\0')) throw invalidInput(`invalid ${key}: it holds a NUL character`, [{ path: `querystring.${key}`, message: 'holds a NUL character' }]);
  }
}

/** The paging of a list query (a bad continue token, or any value holding NUL, is a 400). */
export function pageOf(kind: string, query: { limit?: number; continue?: string }): PageSpec {
  refuseNul(query);
  return { limit: query.limit, ...(query.continue !== undefined ? { after: decodeContinue(kind, query.continue) } : {}) };
}

/** The filters of an application list query. */
export function applicationFilterOf(query: Static<typeof ApplicationListQuery>): ApplicationListFilter {
  return {
    projects: csv(query.project),
    clusters: csv(query.cluster),
    namespaces: csv(query.namespace),
    repos: csv(query.repo),
    sync: oneOf('sync', query.sync, SYNC),
    health: oneOf('health', query.health, HEALTH),
    selector: selectorOf(query.selector),
    search: query.search?.trim() || undefined,
  };
}

/** The filters of a cluster or project list query. */
export function namedFilterOf(query: Static<typeof NamedListQuery>): NamedListFilter {
  return { selector: selectorOf(query.selector), search: query.search?.trim() || undefined };
}
