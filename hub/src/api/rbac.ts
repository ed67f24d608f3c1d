// Every API route declares the RBAC resource and action it needs (Argo CD's vocabulary). Once the
// body is parsed, the route's objects are resolved (an application's is `<its project>/<name>`,
// on create the body's spec.project; a project's, cluster's or account's is its name; a
// repository's its URL) and the stored policy (rbac/current-policy.ts) decides, with a reason.
// A denial is audited (result denied, bounded per actor: repeated-audit.ts).
// List routes (`list: true`) are not refused: their handlers keep only what the caller may get.
import type { FastifyRequest } from 'fastify';
import { permissionDenied } from '@flotilla/shared';
import type { HubContext } from './context.ts';
import { currentPolicy } from '../rbac/current-policy.ts';
import type { Decision, RbacEnforcer } from '../rbac/enforcer.ts';
import { applicationProject } from '../store/rbac.ts';
import { auditDenial } from './repeated-audit.ts';

/** Argo CD's RBAC resources. */
export type RbacResource = 'applications' | 'applicationsets' | 'clusters' | 'projects' | 'repositories' | 'accounts' | 'certificates' | 'gpgkeys' | 'logs' | 'exec' | 'extensions';
/** Argo CD's RBAC actions. */
export type RbacAction = 'get' | 'create' | 'update' | 'delete' | 'sync' | 'override' | 'action' | 'invoke';

/** What a route declares in its `config`. */
export interface RouteAccess {
  /** No authentication at all (health, login, webhooks with their own signatures). */
  public?: boolean;
  /** Authenticated by an agent credential instead of a user. */
  agent?: boolean;
  /** Any logged-in account (its own session, its own userinfo). */
  authenticated?: boolean;
  /** The permission needed; `list`: a list route, filtered by its handler instead of refused; `object`: a fixed object. */
  rbac?: { resource: RbacResource; action: RbacAction; list?: boolean; object?: string };
  /** The account named by `:name` may do it to itself without an RBAC rule (Argo CD: an account always has access to itself). */
  self?: boolean;
}

export type { Decision };

/** One permission a request needs. */
export interface RbacCheck {
  action: string;
  object: string;
}

/** Whether a route's config declares how it is authorized (every /api route must). */
export function hasDeclaredAccess(config: unknown): boolean {
  const access = config as RouteAccess | undefined;
  return Boolean(access && (access.public || access.agent || access.authenticated || access.rbac));
}

const enforcers = new WeakMap<FastifyRequest, RbacEnforcer>();

interface RequestFacts {
  params?: { name?: string; url?: string };
  body?: { metadata?: { name?: unknown }; spec?: { project?: unknown }; name?: unknown; url?: unknown };
  query?: { upsert?: unknown };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

// An application's object: `<project>/<name>`; an unknown application's is `*/<name>`, which
// only a policy over every project matches (the caller then learns it is missing, not others).
async function applicationChecks(ctx: HubContext, facts: RequestFacts, action: string): Promise<RbacCheck[]> {
  const name = facts.params?.name ?? text(facts.body?.metadata?.name);
  // A nameless body (a 400 follows) is checked against its project, so its author hears why.
  if (name === undefined) return [{ action, object: facts.body?.spec ? `${text(facts.body.spec.project) ?? 'default'}/` : '*/*' }];
  const stored = await applicationProject(ctx.pool, name);
  const current = `${stored ?? '*'}/${name}`;
  // Only an Application body (create, update) names a project; a sync's options do not.
  if (!facts.body || typeof facts.body !== 'object' || !('spec' in facts.body)) return [{ action, object: current }];
  const named = `${text(facts.body.spec?.project) ?? 'default'}/${name}`;
  // Creating an application that exists is an update of it only with ?upsert (else a 409 follows).
  if (action === 'create' && (stored === undefined || facts.query?.upsert !== true)) return [{ action, object: named }];
  // A write is checked against the project it names and, when it exists, the one it is in now.
  const write = action === 'create' ? 'update' : action;
  return stored === undefined ? [{ action: write, object: named }] : [...new Set([named, current])].map((object) => ({ action: write, object }));
}

/** The permissions a request needs: the route's action on each object it touches. */
export async function requestChecks(ctx: HubContext, request: FastifyRequest, access: RouteAccess): Promise<RbacCheck[]> {
  const { resource, action, object: fixed } = access.rbac!;
  if (fixed !== undefined) return [{ action, object: fixed }];
  const facts = request as unknown as RequestFacts;
  if (resource === 'applications' || resource === 'applicationsets' || resource === 'logs' || resource === 'exec') return applicationChecks(ctx, facts, action);
  const object = resource === 'repositories'
    ? (facts.params?.url ?? text(facts.body?.url) ?? '*')
    : (facts.params?.name ?? text(facts.body?.metadata?.name) ?? text(facts.body?.name) ?? '*');
  return [{ action, object }];
}

/** Decides a request against the policy in force; throws a 403 naming the deciding rule or default. */
export async function authorizeRequest(ctx: HubContext, request: FastifyRequest, access: RouteAccess): Promise<void> {
  const enforcer = await currentPolicy(ctx.pool, ctx.log).enforcer();
  enforcers.set(request, enforcer);
  if (access.rbac!.list) return;
  const subject = { account: request.account, groups: request.groups ?? [] };
  for (const check of await requestChecks(ctx, request, access)) {
    const decision = enforcer.decide(subject, access.rbac!.resource, check.action, check.object);
    if (!decision.allowed) {
      await auditDenial(ctx, { actor: request.account, resource: access.rbac!.resource, action: check.action, object: check.object, reason: decision.reason, route: `${request.method} ${request.routeOptions.url ?? ''}`, ip: request.ip });
      throw permissionDenied(`permission denied: ${decision.reason}`);
    }
  }
}

/** May the caller of this (authorized) request do `action` on `resource` `object`? For list filters. */
export function isPermitted(request: FastifyRequest, resource: RbacResource, action: RbacAction, object: string): boolean {
  const enforcer = enforcers.get(request);
  if (!enforcer) throw new Error('isPermitted called before the RBAC hook loaded the policy');
  return enforcer.decide({ account: request.account, groups: request.groups ?? [] }, resource, action, object).allowed;
}

/** The items the caller may get, of a list route (objectOf gives each item's RBAC object). */
export function permittedItems<T>(request: FastifyRequest, resource: RbacResource, items: T[], objectOf: (item: T) => string): T[] {
  const enforcer = enforcers.get(request);
  if (!enforcer) throw new Error('permittedItems called before the RBAC hook loaded the policy');
  const permits = enforcer.permits({ account: request.account, groups: request.groups ?? [] }, resource, 'get');
  return items.filter((item) => permits(objectOf(item)));
}

/** What the caller of a list route may get: the deciding object patterns (for SQL) and the exact predicate. */
export function listScope(request: FastifyRequest, resource: RbacResource) {
  const enforcer = enforcers.get(request);
  if (!enforcer) throw new Error('listScope called before the RBAC hook loaded the policy');
  const subject = { account: request.account, groups: request.groups ?? [] };
  return { ...enforcer.patterns(subject, resource, 'get'), permits: enforcer.permits(subject, resource, 'get') };
}

declare module 'fastify' {
  // Route options carry their access declaration in `config`.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface FastifyContextConfig extends RouteAccess {}
}
