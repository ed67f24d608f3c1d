// Logging in and out, who am I, and changing one's own password.
import type { FastifyPluginAsync } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { unauthenticated, invalidInput } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { checkLogin, createSession, deleteSession, updatePassword } from '../../store/accounts.ts';
import { recordAudit } from '../../store/audit.ts';
import { bearerToken } from '../auth.ts';
import { LoginBody, PasswordBody, errorResponses } from '../schemas.ts';

/** /api/v1/session and /api/v1/account/password. */
export const sessionRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.post<{ Body: Static<typeof LoginBody> }>('/session', {
    config: { public: true },
    schema: { summary: 'Log in with a local account', tags: ['session'], body: LoginBody, response: errorResponses },
  }, async (request, reply) => {
    const account = await checkLogin(ctx.pool, request.body.username, request.body.password);
    if (!account) throw unauthenticated('invalid username or password');
    const session = await createSession(ctx.pool, account, ctx.settings.sessionTtlSeconds);
    await recordAudit(ctx.pool, { actor: account, action: 'login', resource: 'session', object: account, detail: {} });
    void reply.header('set-cookie', `flotilla.token=${encodeURIComponent(session.token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${ctx.settings.sessionTtlSeconds}`);
    return { token: session.token, expiresAt: session.expiresAt.toISOString(), username: account };
  });

  app.get('/session/userinfo', {
    config: { authenticated: true },
    schema: { summary: 'The logged-in account', tags: ['session'] },
  }, async (request) => ({ loggedIn: true, username: request.account }));

  app.delete('/session', { config: { public: true }, schema: { summary: 'Log out', tags: ['session'] } }, async (request) => {
    const token = bearerToken(request);
    if (token) await deleteSession(ctx.pool, token);
    return { loggedOut: true };
  });

  app.put<{ Body: Static<typeof PasswordBody> }>('/account/password', {
    config: { rbac: { resource: 'accounts', action: 'update' } },
    schema: { summary: "Change the logged-in account's password", tags: ['accounts'], body: PasswordBody, response: errorResponses },
  }, async (request) => {
    const ok = await checkLogin(ctx.pool, request.account, request.body.currentPassword);
    if (!ok) throw invalidInput('the current password is wrong', [{ path: 'body.currentPassword', message: 'does not match' }]);
    await updatePassword(ctx.pool, ctx.settings.dataDir, request.account, request.body.newPassword, bearerToken(request));
    await recordAudit(ctx.pool, { actor: request.account, action: 'update-password', resource: 'accounts', object: request.account, detail: {} });
    return { updated: true };
  });
};
