// Credential templates (Argo CD's repocreds): one username and password for every repository under
// a URL prefix (scheme, host and path up to a `/`), used when a repository has no credentials of its
// own; the longest matching prefix wins. Passwords are stored encrypted and never returned.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { alreadyExists, invalidInput, notFound } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { deleteRepoCreds, getRepoCreds, listRepoCreds, upsertRepoCreds, type RepoCredsRecord } from '../../store/repositories.ts';
import { recordAudit } from '../../store/audit.ts';
import { credentialUrlKey } from '../../repo/credential-match.ts';
import { parseCredentialRequest } from '../../repo/credential-input.ts';
import { redactRepoUrl } from '../../repo/url-userinfo.ts';
import { errorResponses } from '../schemas.ts';
import { appsUnder } from './repositories.ts';

/** Registering a credential template. */
export const RepoCredsCreateBody = Type.Object({
  url: Type.String({ pattern: '^https?://[^\\s]+$', description: 'an HTTP(S) URL prefix: every repository under it uses these credentials' }),
  username: Type.Optional(Type.String({ maxLength: 256 })),
  password: Type.String({ minLength: 1, maxLength: 4096 }),
  upsert: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

const present = (r: RepoCredsRecord) => ({ url: redactRepoUrl(r.url), username: r.username ?? undefined, createdAt: r.createdAt.toISOString() });
const UrlParams = Type.Object({ url: Type.String({ minLength: 1 }) });

/** /api/v1/repocreds. */
export const repoCredsRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.get('/', { config: { rbac: { resource: 'repositories', action: 'get' } }, schema: { summary: 'List credential templates', tags: ['repositories'] } }, async () => ({ items: (await listRepoCreds(ctx.pool)).map(present) }));

  app.post<{ Body: Static<typeof RepoCredsCreateBody> }>('/', {
    config: { rbac: { resource: 'repositories', action: 'create' } },
    schema: { summary: 'Register a credential template for every repository under a URL prefix', tags: ['repositories'], body: RepoCredsCreateBody, response: errorResponses },
  }, async (request, reply) => {
    const input = parseCredentialRequest(request.body, ctx.repo.urlPolicy, { template: true });
    if (!input.ok) throw invalidInput(input.message, [{ path: input.field, message: input.message }]);
    const { url, credentialKey } = input;
    if (!request.body.upsert && (await getRepoCreds(ctx.pool, credentialKey))) throw alreadyExists('credential template', url);
    const result = await upsertRepoCreds(ctx.pool, ctx.secrets, { ...input, password: input.password! });
    await recordAudit(ctx.pool, { actor: request.account, action: result === 'created' ? 'create' : 'update', resource: 'repocreds', object: url, detail: { username: input.username ?? null } });
    ctx.refreshInBackground(await appsUnder(ctx, credentialKey, true));
    return reply.status(result === 'created' ? 201 : 200).send(present((await getRepoCreds(ctx.pool, credentialKey))!));
  });

  app.delete<{ Params: Static<typeof UrlParams> }>('/:url', {
    config: { rbac: { resource: 'repositories', action: 'delete' } },
    schema: { summary: 'Remove a credential template (its URL, URL-encoded in the path)', tags: ['repositories'], params: UrlParams, response: errorResponses },
  }, async (request) => {
    const key = credentialUrlKey(request.params.url);
    const existing = key === undefined ? undefined : await getRepoCreds(ctx.pool, key);
    if (!existing || !(await deleteRepoCreds(ctx.pool, existing.credentialKey))) throw notFound('credential template', redactRepoUrl(request.params.url));
    await recordAudit(ctx.pool, { actor: request.account, action: 'delete', resource: 'repocreds', object: existing.url, detail: {} });
    return { deleted: true };
  });
};
