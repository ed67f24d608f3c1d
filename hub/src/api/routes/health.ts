// Liveness (the process answers) and readiness (the store answers).
import type { FastifyPluginAsync } from 'fastify';
import type { HubContext } from '../context.ts';

/** GET /healthz and /readyz. */
export const healthRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    try {
      await ctx.pool.query('SELECT 1');
      return { status: 'ok' };
    } catch (error) {
      return reply.status(503).send({ error: { code: 'FLT_ERR_UNAVAILABLE', message: `the store is unreachable: ${(error as Error).message}` } });
    }
  });
};
