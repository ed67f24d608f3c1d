// The audit log, newest first: filtered by actor, action, resource, object, result and time
// (audit-query.ts), paged by `limit` and `continue` (keyset by id: a page never repeats or skips an
// entry while entries are added). Readable by who may get every account (`accounts, get, *`:
// role:admin and role:readonly): an entry names actors and objects of every project, so the log
// is not filtered per project.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { invalidInput } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { AUDIT_RESULTS, listAudit } from '../../store/audit.ts';
import { auditFilterOf } from '../audit-query.ts';
import { errorResponses } from '../schemas.ts';

const Field = (description: string) => Type.Optional(Type.String({ maxLength: 2048, description }));
const AuditQuery = Type.Object({
  actor: Field('who: an account, `proj:<project>:<role>`, `application/<parent>` (app of apps) or `automated`'),
  action: Field('e.g. create, update, delete, sync, rollback, terminate, operation, login, login-failed, token-used, token-refused'),
  resource: Field('applications, clusters, projects, repositories, repocreds, accounts, rbac, session'),
  object: Field("the object's name (a repository's URL, a token's `<account>/<id>`)"),
  result: Type.Optional(Type.Union(AUDIT_RESULTS.map((r) => Type.Literal(r)))),
  since: Field('at or after: an RFC 3339 time or a duration back from now (24h, 7d)'),
  until: Field('before: an RFC 3339 time or a duration back from now'),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'entries per page (default 100)' })),
  continue: Field("the previous page's metadata.continue"),
});

/** /api/v1/audit. */
export const auditRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.get<{ Querystring: Static<typeof AuditQuery> }>('/', {
    config: { rbac: { resource: 'accounts', action: 'get', object: '*' } },
    schema: { summary: 'The audit log, newest first; metadata.continue in the answer pages on (absent on the last page)', tags: ['audit'], querystring: AuditQuery, response: errorResponses },
  }, async (request) => {
    const filter = auditFilterOf(request.query, new Date());
    if ('error' in filter) throw invalidInput(filter.error, [{ path: filter.path, message: filter.error }]);
    const page = await listAudit(ctx.pool, filter);
    return { items: page.items, metadata: page.next !== undefined ? { continue: String(page.next) } : {} };
  });
};
