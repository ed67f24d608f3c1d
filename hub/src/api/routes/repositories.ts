// Git repositories the hub may fetch, with HTTPS credentials (stored encrypted, never returned),
// bound to the repository's exact URL, scheme included. Credential templates for every repository
// under a URL prefix are in repo-creds.ts.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { alreadyExists, invalidInput, notFound } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { permittedItems } from '../rbac.ts';
import { deleteRepository, getRepository, listRepositories, upsertRepository, type RepositoryRecord } from '../../store/repositories.ts';
import { primarySource, type ApplicationRecord } from '../../store/applications.ts';
import { recordAudit } from '../../store/audit.ts';
import { credentialUrlKey, isUnderPrefix } from '../../repo/credential-match.ts';
import { parseCredentialRequest } from '../../repo/credential-input.ts';
import { redactRepoUrl } from '../../repo/url-userinfo.ts';
import { RepositoryCreateBody, errorResponses } from '../schemas.ts';

const present = (r: RepositoryRecord) => ({ repo: redactRepoUrl(r.url), type: 'git', username: r.username ?? undefined, hasCredentials: r.hasPassword, createdAt: r.createdAt.toISOString() });
const UrlParams = Type.Object({ url: Type.String({ minLength: 1 }) });

/** /api/v1/repositories. */
export const repositoryRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.get('/', { config: { rbac: { resource: 'repositories', action: 'get', list: true } }, schema: { summary: 'List repositories (those the caller may get)', tags: ['repositories'] } }, async (request) => ({ items: permittedItems(request, 'repositories', await listRepositories(ctx.pool), (r) => r.url).map(present) }));

  app.post<{ Body: Static<typeof RepositoryCreateBody> }>('/', {
    config: { rbac: { resource: 'repositories', action: 'create' } },
    schema: { summary: 'Register a repository (with credentials for a private one, bound to this exact URL)', tags: ['repositories'], body: RepositoryCreateBody, response: errorResponses },
  }, async (request, reply) => {
    const input = parseCredentialRequest(request.body, ctx.repo.urlPolicy, { template: false });
    if (!input.ok) throw invalidInput(input.message, [{ path: input.field, message: input.message }]);
    const { url, credentialKey } = input;
    if (!request.body.upsert && (await getRepository(ctx.pool, credentialKey))) throw alreadyExists('repository', url);
    const result = await upsertRepository(ctx.pool, ctx.secrets, input);
    await recordAudit(ctx.pool, { actor: request.account, action: result === 'created' ? 'create' : 'update', resource: 'repositories', object: url, detail: { username: input.username ?? null } });
    // Applications of this repository may have failed for want of these credentials.
    ctx.refreshInBackground(await appsUnder(ctx, credentialKey, false));
    return reply.status(result === 'created' ? 201 : 200).send(present((await getRepository(ctx.pool, credentialKey))!));
  });

  app.delete<{ Params: Static<typeof UrlParams> }>('/:url', {
    config: { rbac: { resource: 'repositories', action: 'delete' } },
    schema: { summary: 'Remove a repository (URL-encoded in the path)', tags: ['repositories'], params: UrlParams, response: errorResponses },
  }, async (request) => {
    const key = credentialUrlKey(request.params.url);
    const shown = redactRepoUrl(request.params.url);
    const existing = key === undefined ? undefined : await getRepository(ctx.pool, key);
    if (!existing || !(await deleteRepository(ctx.pool, existing.credentialKey))) throw notFound('repository', shown);
    await recordAudit(ctx.pool, { actor: request.account, action: 'delete', resource: 'repositories', object: existing.url, detail: {} });
    return { deleted: true };
  });
};

/** The applications whose repository is the key (or, for a template, lies under it). */
export async function appsUnder(ctx: HubContext, credentialKey: string, template: boolean): Promise<string[]> {
  // applications.repo_url is the scheme-less form; narrow by it, then match scheme and prefix exactly.
  const schemeless = credentialKey.replace(/^https?:\/\//, '');
  const like = `${schemeless.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;
  const rows = (await ctx.pool.query<{ name: string; spec: ApplicationRecord['spec'] }>(
    'SELECT name, spec FROM applications WHERE repo_url = $1 OR ($2 AND repo_url LIKE $3)',
    [schemeless, template, like],
  )).rows;
  return rows.filter((r) => {
    const key = credentialUrlKey(primarySource(r.spec).repoURL);
    return key !== undefined && (template ? isUnderPrefix(credentialKey, key) : key === credentialKey);
  }).map((r) => r.name);
}
