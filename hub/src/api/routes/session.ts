// Logging in and out, who am I, and changing one's own password. Both password routes go
// through authenticatePassword (throttled, one scrypt derivation whether or not the user exists).
// Logins are audited, failed ones too (under the name tried); an account without the `login`
// capability, or disabled, or without a password, fails like a wrong password.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { unauthenticated, invalidInput } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { createSession, deleteSession, updatePassword } from '../../store/accounts.ts';
import { deleteSsoSession, isSsoSessionToken } from '../../store/sso.ts';
import { recordAudit } from '../../store/audit.ts';
import { bearerToken } from '../auth.ts';
import { authenticatePassword } from '../login.ts';
import { clearedSessionCookie, sessionCookie } from '../session-cookie.ts';
import { LoginBody, PasswordBody, errorResponses } from '../schemas.ts';

const passwordErrorResponses = { ...errorResponses, 429: { $ref: 'ErrorBody#' } };

/** /api/v1/session and /api/v1/account/password. */
export const sessionRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.post<{ Body: Static<typeof LoginBody> }>('/session', {
    config: { public: true },
    schema: { summary: 'Log in with a local account', tags: ['session'], body: LoginBody, response: passwordErrorResponses },
  }, async (request, reply) => {
    const { username, password } = request.body;
    const account = await withRetryAfter(reply, authenticatePassword(ctx, { username, password, ip: request.ip }));
    if (!account) {
      await recordAudit(ctx.pool, { actor: username.slice(0, 256), action: 'login-failed', resource: 'session', object: username.slice(0, 256), result: 'failure', detail: { address: request.ip } });
      throw unauthenticated('invalid username or password');
    }
    const session = await createSession(ctx.pool, account, ctx.settings.sessionTtlSeconds);
    await recordAudit(ctx.pool, { actor: account, action: 'login', resource: 'session', object: account, detail: {} });
    void reply.header('set-cookie', sessionCookie(session.token, ctx.settings.sessionTtlSeconds, ctx.settings.tls));
    return { token: session.token, expiresAt: session.expiresAt.toISOString(), username: account };
  });

  app.get('/session/userinfo', {
    config: { authenticated: true },
    schema: { summary: 'The logged-in account', tags: ['session'] },
  }, async (request) => ({ loggedIn: true, username: request.account, groups: request.groups }));

  app.delete('/session', { config: { public: true }, schema: { summary: 'Log out', tags: ['session'] } }, async (request, reply) => {
    const token = bearerToken(request);
    const ended = !token ? undefined : isSsoSessionToken(token) ? (await deleteSsoSession(ctx.pool, ctx.secrets, token))?.subject : await deleteSession(ctx.pool, token);
    if (ended) await recordAudit(ctx.pool, { actor: ended, action: 'logout', resource: 'session', object: ended, result: 'success', detail: {} });
    void reply.header('set-cookie', clearedSessionCookie(ctx.settings.tls));
    return { loggedOut: true };
  });

  app.put<{ Body: Static<typeof PasswordBody> }>('/account/password', {
    config: { rbac: { resource: 'accounts', action: 'update' }, self: true },
    schema: { summary: "Change the logged-in account's password", tags: ['accounts'], body: PasswordBody, response: passwordErrorResponses },
  }, async (request, reply) => {
    const ok = await withRetryAfter(reply, authenticatePassword(ctx, { username: request.account, password: request.body.currentPassword, ip: request.ip }));
    if (!ok) throw invalidInput('the current password is wrong', [{ path: 'body.currentPassword', message: 'does not match' }]);
    await withRetryAfter(reply, updatePassword(ctx.pool, ctx.passwords, ctx.settings.dataDir, request.account, request.body.newPassword, bearerToken(request)));
    await recordAudit(ctx.pool, { actor: request.account, action: 'update-password', resource: 'accounts', object: request.account, detail: {} });
    return { updated: true };
  });
};

/** Awaits work; a 429 it throws (throttled, or the hasher is full) sets Retry-After on the reply. */
export async function withRetryAfter<T>(reply: FastifyReply, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    throw error;
  }
}
