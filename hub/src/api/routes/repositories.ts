// Git repositories the hub may fetch, with HTTPS credentials (stored encrypted, never returned).
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { alreadyExists, notFound } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { deleteRepository, getRepository, listRepositories, upsertRepository, type RepositoryRecord } from '../../store/repositories.ts';
import { recordAudit } from '../../store/audit.ts';
import { normalizeRepoUrl } from '../../repo/repo-url.ts';
import { RepositoryCreateBody, errorResponses } from '../schemas.ts';

const present = (r: RepositoryRecord) => ({ repo: r.url, type: 'git', username: r.username ?? undefined, hasCredentials: r.hasPassword, createdAt: r.createdAt.toISOString() });
const UrlParams = Type.Object({ url: Type.String({ minLength: 1 }) });

/** /api/v1/repositories. */
export const repositoryRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.get('/', { config: { rbac: { resource: 'repositories', action: 'get' } }, schema: { summary: 'List repositories', tags: ['repositories'] } }, async () => ({ items: (await listRepositories(ctx.pool)).map(present) }));

  app.post<{ Body: Static<typeof RepositoryCreateBody> }>('/', {
    config: { rbac: { resource: 'repositories', action: 'create' } },
    schema: { summary: 'Register a repository (with credentials for a private one)', tags: ['repositories'], body: RepositoryCreateBody, response: errorResponses },
  }, async (request, reply) => {
    const { url, username, password, upsert } = request.body;
    const normalizedUrl = normalizeRepoUrl(url);
    if (!upsert && (await getRepository(ctx.pool, normalizedUrl))) throw alreadyExists('repository', url);
    const result = await upsertRepository(ctx.pool, ctx.secrets, { url, normalizedUrl, username, password });
    await recordAudit(ctx.pool, { actor: request.account, action: result === 'created' ? 'create' : 'update', resource: 'repositories', object: url, detail: { username: username ?? null } });
    // Applications of this repository may have failed for want of these credentials.
    ctx.refreshInBackground(await appsOf(ctx, normalizedUrl));
    return reply.status(result === 'created' ? 201 : 200).send(present((await getRepository(ctx.pool, normalizedUrl))!));
  });

  app.delete<{ Params: Static<typeof UrlParams> }>('/:url', {
    config: { rbac: { resource: 'repositories', action: 'delete' } },
    schema: { summary: 'Remove a repository (URL-encoded in the path)', tags: ['repositories'], params: UrlParams, response: errorResponses },
  }, async (request) => {
    if (!(await deleteRepository(ctx.pool, normalizeRepoUrl(request.params.url)))) throw notFound('repository', request.params.url);
    await recordAudit(ctx.pool, { actor: request.account, action: 'delete', resource: 'repositories', object: request.params.url, detail: {} });
    return { deleted: true };
  });
};

async function appsOf(ctx: HubContext, normalizedUrl: string): Promise<string[]> {
  return (await ctx.pool.query<{ name: string }>('SELECT name FROM applications WHERE repo_url = $1', [normalizedUrl])).rows.map((r) => r.name);
}
