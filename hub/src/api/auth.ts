// Authentication of API requests: a bearer token (or the flotilla.token cookie) naming a live
// session, API token or project role JWT (credentials.ts), checked when a request arrives (before
// its body is parsed) on any route that is not public; then, once the body is parsed, the route's
// declared RBAC check.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { unauthenticated } from '@flotilla/shared';
import { resolveCredential } from './credentials.ts';
import type { HubContext } from './context.ts';
import { authorizeRequest, hasDeclaredAccess, type RouteAccess } from './rbac.ts';
import { SESSION_COOKIE } from './session-cookie.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated account ('' until authenticated), or `proj:<project>:<role>` for a project role JWT. */
    account: string;
    /** The caller's groups, for RBAC `g` lines ([] for local accounts and project tokens). */
    groups: string[];
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
    const principal = await resolveCredential(ctx, token, { ip: request.ip });
    request.account = principal.account;
    request.groups = principal.groups;
  };
}

/**
 * The preHandler that enforces a route's declared RBAC access for the authenticated caller
 * (request.account and request.groups) against the stored policy; a denial names its rule.
 */
export function authorizeHook(ctx: HubContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const access = request.routeOptions.config as RouteAccess;
    if (!access.rbac) return;
    // `self` routes: an account may act on itself (`:name` is its own, or the route names none).
    const named = (request.params as { name?: string } | undefined)?.name ?? request.account;
    if (access.self && named === request.account && !request.account.startsWith('proj:')) return;
    await authorizeRequest(ctx, request, access);
  };
}
