// Authentication of API requests: a bearer token (or the flotilla.token cookie) naming a live
// session, checked when a request arrives (before its body is parsed) on any route that is not
// public; then, once the body is parsed, the route's declared RBAC check.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { permissionDenied, unauthenticated } from '@flotilla/shared';
import { sessionAccount } from '../store/accounts.ts';
import type { HubContext } from './context.ts';
import { authorize, hasDeclaredAccess, type RouteAccess } from './rbac.ts';
import { SESSION_COOKIE } from './session-cookie.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated account ('' until authenticated). */
    account: string;
  }
}

/** The bearer token of a request, from the Authorization header or the flotilla.token cookie. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const cookie = request.headers.cookie?.split(';').map((c) => c.trim()).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return cookie ? decodeCookie(cookie.slice(SESSION_COOKIE.length + 1)) : undefined;
}

// A malformed %-escape is no token (not a 500); an empty value is a cleared cookie.
function decodeCookie(value: string): string | undefined {
  try {
    return decodeURIComponent(value) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The onRequest hook that authenticates users before anything reads the body: an anonymous
 * client never gets a request body parsed (issue 13: YAML bodies were parsed before this).
 */
export function authenticateHook(ctx: HubContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const access = request.routeOptions.config as RouteAccess | undefined;
    // Routes that declare no access (the not-found handler) answer for themselves.
    if (!hasDeclaredAccess(access) || access!.public || access!.agent) return;
    const token = bearerToken(request);
    if (!token) throw unauthenticated();
    const account = await sessionAccount(ctx.pool, token);
    if (!account) throw unauthenticated('the token is invalid or expired: log in again');
    request.account = account;
  };
}

/** The preHandler that enforces a route's declared RBAC access for the authenticated account. */
export function authorizeHook() {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const access = request.routeOptions.config as RouteAccess;
    if (!access.rbac) return;
    const object = (request.params as { name?: string } | undefined)?.name ?? '*';
    const decision = authorize(request.account, access.rbac.resource, access.rbac.action, object);
    if (!decision.allowed) throw permissionDenied(`permission denied: ${decision.reason}`);
  };
}
