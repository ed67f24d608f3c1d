// Every API route declares the RBAC resource and action it needs (Argo CD's vocabulary); the
// decision is a pure function returning a reason. Until projects and policies land, the local
// admin account holds role:admin and may do everything; any other subject may do nothing.
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
  rbac?: { resource: RbacResource; action: RbacAction };
}

/** A decision and why. */
export interface Decision {
  allowed: boolean;
  reason: string;
}

/** May `subject` do `action` on `resource` `object`? (pure) */
export function authorize(subject: string, resource: RbacResource, action: RbacAction, object: string): Decision {
  if (subject === 'admin') return { allowed: true, reason: 'admin holds role:admin' };
  return { allowed: false, reason: `${subject} has no role that allows ${action} on ${resource} ${object}` };
}

/** Whether a route's config declares how it is authorized (every /api route must). */
export function hasDeclaredAccess(config: unknown): boolean {
  const access = config as RouteAccess | undefined;
  return Boolean(access && (access.public || access.agent || access.authenticated || access.rbac));
}

declare module 'fastify' {
  // Route options carry their access declaration in `config`.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface FastifyContextConfig extends RouteAccess {}
}
