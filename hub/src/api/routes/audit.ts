// The audit log, newest first.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { HubContext } from '../context.ts';
import { listAudit } from '../../store/audit.ts';

const AuditQuery = Type.Object({ resource: Type.Optional(Type.String()), object: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) });

/** /api/v1/audit. */
export const auditRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.get<{ Querystring: Static<typeof AuditQuery> }>('/', {
    config: { rbac: { resource: 'accounts', action: 'get' } },
    schema: { summary: 'The audit log', tags: ['audit'], querystring: AuditQuery },
  }, async (request) => ({ items: await listAudit(ctx.pool, request.query) }));
};
