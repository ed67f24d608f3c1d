// `GET /api/v1/applications` as pages: the filters and the caller's RBAC patterns go to SQL
// (store/list-applications.ts), keyset pages by name (list-page.ts) of whole records, then the
// page's sync histories and hub roll-ups are read in one batch each, never one query per application.
//
// RBAC "in SQL": the caller's `get` patterns on applications (`project/name` globs, allow and deny,
// from the enforcer) become SQL conditions, so a tenant's page reads only its own rows and
// `remainingItemCount` counts only what it may get. Each row is also checked by the enforcer: when
// SQL could not decide exactly (regex match mode, an unusual glob) the enforcer's check is the one
// that counts, further batches fill the page, and no count is given (it could include hidden
// applications). Hub-applied applications (app of apps) have the hub's roll-up as status; a
// sync or health filter keeps them in SQL and decides them here.
import type { FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { HubContext } from './context.ts';
import { listScope } from './rbac.ts';
import { presentApplication } from './present-application.ts';
import { applicationFilterOf, pageOf, type ApplicationListQuery } from './list-query.ts';
import { collectPage, encodeContinue } from './list-page.ts';
import { applicationCandidates, applicationWhere, countApplicationCandidates, type ApplicationListFilter } from '../store/list-applications.ts';
import type { ApplicationRecord } from '../store/applications.ts';
import { historyOf } from '../store/sync-history.ts';
import { hubStatusOf } from '../controllers/app-of-apps.ts';

type HubStatus = Awaited<ReturnType<typeof hubStatusOf>>;

/** A list answer, as Kubernetes lists are shaped. */
export interface ListAnswer<T> {
  items: T[];
  metadata: { continue?: string; remainingItemCount?: number };
}

// The hub's roll-ups of these hub-applied applications, read one after another (each reads its children).
async function hubStatuses(ctx: HubContext, records: ApplicationRecord[]): Promise<Map<string, HubStatus>> {
  const out = new Map<string, HubStatus>();
  for (const record of records) if (record.clusterId === null) out.set(record.name, await hubStatusOf(ctx.pool, ctx.secrets, record));
  return out;
}

const statusMatches = (filter: ApplicationListFilter, status: HubStatus) =>
  (!filter.sync || filter.sync.includes(status.sync.status)) && (!filter.health || filter.health.includes(status.health.status));

/** One page of the applications the caller may get, filtered as the query asks. */
export async function listApplicationsPage(ctx: HubContext, request: FastifyRequest, query: Static<typeof ApplicationListQuery>): Promise<ListAnswer<ReturnType<typeof presentApplication>>> {
  const page = pageOf('applications', query);
  const filter = applicationFilterOf(query);
  const scope = listScope(request, 'applications');
  const where = applicationWhere(filter, scope);
  if (where.none) return { items: [], metadata: {} };
  const rolledUp = new Map<string, HubStatus>();
  const keep = async (rows: ApplicationRecord[]) => {
    const permitted = rows.filter((r) => scope.permits(`${r.project}/${r.name}`));
    if (!where.statusFiltered || !permitted.some((r) => r.clusterId === null)) return permitted;
    for (const [name, status] of await hubStatuses(ctx, permitted)) rolledUp.set(name, status);
    return permitted.filter((r) => r.clusterId !== null || statusMatches(filter, rolledUp.get(r.name)!));
  };
  const { items: records, more } = await collectPage({ ...page, fetch: (after, count) => applicationCandidates(ctx.pool, where, after, count), keep });
  // The page's histories and the roll-ups not read yet, in one batch each.
  const names = records.map((r) => r.name);
  const histories = names.length ? await historyOf(ctx.pool, names) : new Map();
  for (const [name, status] of await hubStatuses(ctx, records.filter((r) => !rolledUp.has(r.name)))) rolledUp.set(name, status);
  const items = records.map((a) => presentApplication(a, undefined, rolledUp.get(a.name), histories.get(a.name)));
  if (!more) return { items, metadata: {} };
  const last = names[names.length - 1]!;
  const metadata: ListAnswer<unknown>['metadata'] = { continue: encodeContinue('applications', last) };
  if (where.exact) {
    const remaining = await countApplicationCandidates(ctx.pool, where, last);
    if (!where.statusFiltered || remaining.hub === 0) metadata.remainingItemCount = remaining.total;
  }
  return { items, metadata };
}
