// `GET /api/v1/clusters` and `GET /api/v1/projects` as pages: the caller's RBAC patterns (objects
// are the names), a label selector and a name search in SQL (store/list-named.ts), keyset pages by
// name, and the page's records read in one query. As for applications (list-applications.ts), the
// enforcer checks every row too, and counts are given only when SQL decided exactly.
import type { FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { HubContext } from './context.ts';
import { listScope } from './rbac.ts';
import { namedFilterOf, pageOf, type NamedListQuery } from './list-query.ts';
import { collectPage, encodeContinue } from './list-page.ts';
import type { ListAnswer } from './list-applications.ts';
import { countNamed, namedCandidates, namedWhere, type NamedTable } from '../store/list-named.ts';

/** One page of the clusters or projects the caller may get; `read` loads the page's records by name, in name order. */
export async function listNamedPage<T>(ctx: HubContext, request: FastifyRequest, table: NamedTable, query: Static<typeof NamedListQuery>, read: (names: string[]) => Promise<T[]>): Promise<ListAnswer<T>> {
  const page = pageOf(table, query);
  const filter = namedFilterOf(query);
  const scope = listScope(request, table);
  const where = namedWhere(table, filter, scope);
  if (where.none) return { items: [], metadata: {} };
  const { items: rows, more } = await collectPage({
    ...page,
    fetch: (after, count) => namedCandidates(ctx.pool, where, after, count),
    keep: (candidates) => candidates.filter((c) => scope.permits(c.name)),
  });
  const names = rows.map((r) => r.name);
  const items = names.length ? await read(names) : [];
  if (!more) return { items, metadata: {} };
  const last = names[names.length - 1]!;
  return { items, metadata: { continue: encodeContinue(table, last), ...(where.exact ? { remainingItemCount: await countNamed(ctx.pool, where, last) } : {}) } };
}
