// JWTs of project roles (Argo CD's `proj role create-token`): issued for a role in the project's
// spec.roles, answered once, signed with the store's key (store/signing-keys.ts); the store keeps
// each one's id and hash, so they are listed and revoked by id, on every replica at once.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { alreadyExists, FlotillaError } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { getProject } from '../../store/projects.ts';
import { listProjectTokens, projectHasRole, recordProjectToken, revokeProjectToken } from '../../store/project-tokens.ts';
import { currentSigningKey } from '../../store/signing-keys.ts';
import { recordAudit } from '../../store/audit.ts';
import { PROJECT_JWT_ISSUER, projectSubject, signProjectJwt } from '../../accounts/project-jwt.ts';
import { expiryOf } from '../../accounts/token-expiry.ts';
import { RoleParams, RoleTokenParams, TokenCreateBody } from '../account-schemas.ts';
import { errorResponses } from '../schemas.ts';
import { lifetimeOf, tokenIdOf, tokenView } from './accounts.ts';

async function roleOrNotFound(ctx: HubContext, project: string, role: string): Promise<void> {
  if (!(await getProject(ctx.pool, project))) throw new FlotillaError('FLT_ERR_NOT_FOUND', `project "${project}" not found`);
  if (!(await projectHasRole(ctx.pool, project, role))) throw new FlotillaError('FLT_ERR_NOT_FOUND', `project "${project}" has no role "${role}" (add it to spec.roles first)`);
}

/** /api/v1/projects/:name/roles/:role/token…. */
export const projectTokenRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.post<{ Params: Static<typeof RoleParams>; Body: Static<typeof TokenCreateBody> }>('/:name/roles/:role/token', {
    config: { rbac: { resource: 'projects', action: 'update' } },
    schema: { summary: 'Issue a JWT for a project role (answered once)', tags: ['projects'], params: RoleParams, body: TokenCreateBody, response: errorResponses },
  }, async (request, reply) => {
    const { name: project, role } = request.params;
    const seconds = lifetimeOf(request.body.expiresIn);
    const id = tokenIdOf(request.body.id) ?? randomUUID();
    await roleOrNotFound(ctx, project, role);
    const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const expiresAt = expiryOf(issuedAt, seconds);
    const jwt = signProjectJwt({
      iss: PROJECT_JWT_ISSUER, sub: projectSubject(project, role), iat: issuedAt.getTime() / 1000,
      ...(expiresAt ? { exp: expiresAt.getTime() / 1000 } : {}), jti: id,
    }, await currentSigningKey(ctx.pool, ctx.secrets));
    if (!(await recordProjectToken(ctx.pool, { jwt, project, role, id, issuedAt, expiresAt }))) throw alreadyExists('token', `${project}/${role}/${id}`);
    await recordAudit(ctx.pool, { actor: request.account, action: 'token-issued', resource: 'projects', object: `${project}/${role}/${id}`, detail: { expiresAt: expiresAt?.toISOString() ?? null } });
    void reply.status(201);
    return { token: jwt, id, issuedAt: issuedAt.toISOString(), expiresAt: expiresAt?.toISOString() ?? null };
  });

  app.get<{ Params: Static<typeof RoleParams> }>('/:name/roles/:role/token', {
    config: { rbac: { resource: 'projects', action: 'get' } },
    schema: { summary: "List a project role's tokens (ids and times, never the tokens)", tags: ['projects'], params: RoleParams, response: errorResponses },
  }, async (request) => {
    const { name: project, role } = request.params;
    await roleOrNotFound(ctx, project, role);
    return { items: (await listProjectTokens(ctx.pool, project, role)).map(tokenView) };
  });

  app.delete<{ Params: Static<typeof RoleTokenParams> }>('/:name/roles/:role/token/:id', {
    config: { rbac: { resource: 'projects', action: 'update' } },
    schema: { summary: "Revoke a project role's token by id", tags: ['projects'], params: RoleTokenParams, response: errorResponses },
  }, async (request) => {
    const { name: project, role, id } = request.params;
    if (!(await revokeProjectToken(ctx.pool, project, role, id))) throw new FlotillaError('FLT_ERR_NOT_FOUND', `project "${project}" role "${role}" has no token "${id}"`);
    await recordAudit(ctx.pool, { actor: request.account, action: 'token-revoked', resource: 'projects', object: `${project}/${role}/${id}`, detail: {} });
    return { revoked: true };
  });
};
