// Failed mutations are audited too: a POST, PUT, PATCH or DELETE of an authenticated caller on an
// RBAC-checked route that answers 4xx or 5xx (a 409 conflict, a 404, a 400 naming the field) is an
// entry with result `failure`, the route's RBAC action, and the status and error code (never the
// body or the message, which may quote what the caller sent). RBAC denials (403) and refused
// tokens (401) have entries of their own; a request whose handler audited its refusal (a sync
// refused by a sync window: `denied`) is not told twice. Coalesced and bounded as denials are.
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HubContext } from './context.ts';
import type { RouteAccess } from './rbac.ts';
import { auditFailure } from './repeated-audit.ts';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Facts {
  params?: { name?: unknown; url?: unknown };
  body?: { metadata?: { name?: unknown }; name?: unknown; url?: unknown };
}
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value.slice(0, 512) : undefined);

/** The object a failed request was about: its `:name` or `:url`, else the body's name, else `*`. */
export function failedObjectOf(request: Facts): string {
  const { params, body } = request;
  const fromBody = body && typeof body === 'object' ? text(body.metadata?.name) ?? text(body.name) ?? text(body.url) : undefined;
  return text(params?.name) ?? text(params?.url) ?? fromBody ?? '*';
}

const codes = new WeakMap<FastifyRequest, string>();

/** Adds the hooks that audit failed mutations: onError keeps the error's code, onSend writes. */
export function auditFailures<L extends FastifyBaseLogger>(app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, L>, ctx: HubContext): void {
  app.addHook('onError', async (request, _reply, error) => {
    const code = (error as { code?: unknown }).code;
    // Flotilla's and Fastify's own codes (not a driver's, such as PostgreSQL's SQLSTATE).
    if (typeof code === 'string' && /^(FLT_ERR_|FST_)/.test(code)) codes.set(request, code.slice(0, 64));
  });
  // Before the answer is sent: once the caller has it, the entry is there.
  app.addHook('onSend', async (request, reply, payload) => {
    const status = reply.statusCode;
    if (status < 400 || status === 401 || status === 403 || READS.has(request.method)) return payload;
    const access = request.routeOptions.config as RouteAccess | undefined;
    if (!access?.rbac || !request.account) return payload;
    await auditFailure(ctx, {
      actor: request.account, resource: access.rbac.resource, action: access.rbac.action, object: failedObjectOf(request as unknown as Facts),
      route: `${request.method} ${request.routeOptions.url ?? ''}`, status, code: codes.get(request), elapsedMs: reply.elapsedTime,
    });
    return payload;
  });
}
