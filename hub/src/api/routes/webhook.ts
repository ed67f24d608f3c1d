// Git push webhooks (GitHub, GitLab, Gitea, Bitbucket Server): verified against the configured
// secret, then every application whose repository matches is refreshed at once.
import type { FastifyPluginAsync } from 'fastify';
import type { HubContext } from '../context.ts';
import { parsePushWebhook } from '../../repo/webhook.ts';
import { normalizeRepoUrl } from '../../repo/repo-url.ts';
import { applicationsOfRepositories } from '../../store/applications.ts';

/** POST /api/webhook. */
export const webhookRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/api/webhook', {
    config: { public: true },
    schema: { summary: 'Git push webhook; refreshes the applications of the pushed repository', tags: ['webhooks'] },
  }, async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const result = parsePushWebhook(request.headers, body, ctx.settings.webhookSecrets);
    if (result.kind === 'rejected') {
      request.log.warn({ reason: result.reason }, 'webhook rejected');
      return reply.status(result.status).send({ error: { code: result.status === 401 ? 'FLT_ERR_UNAUTHENTICATED' : 'FLT_ERR_INVALID_INPUT', message: result.reason } });
    }
    if (result.kind === 'ignored') return { refreshed: [], ignored: result.reason };
    const urls = [...new Set(result.repoUrls.map(normalizeRepoUrl))];
    // Any source's repository: a push to a multi-source app's `ref` repository refreshes it too.
    const apps = await applicationsOfRepositories(ctx.pool, urls);
    ctx.log.info({ provider: result.provider, repos: urls, ref: result.ref, apps: apps.length }, 'webhook: refreshing');
    ctx.refreshInBackground(apps);
    return { refreshed: apps };
  });
};
