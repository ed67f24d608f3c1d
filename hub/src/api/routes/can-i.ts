// "May I?" for the logged-in caller (Argo CD's GET /api/v1/account/can-i/{resource}/{action}/{object}):
// the web UI disables what the caller's role does not allow and says why. The answer comes from the
// same enforcer and stored policy every route is checked with (rbac.ts authorizeRequest), for the
// caller's own account and groups only: nobody learns another subject's permissions here.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { invalidInput } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { currentPolicy } from '../../rbac/current-policy.ts';
import type { RbacAction, RbacResource } from '../rbac.ts';
import { errorResponses } from '../schemas.ts';

const RESOURCES: readonly RbacResource[] = ['applications', 'applicationsets', 'clusters', 'projects', 'repositories', 'accounts', 'certificates', 'gpgkeys', 'logs', 'exec', 'extensions'];
const ACTIONS: readonly RbacAction[] = ['get', 'create', 'update', 'delete', 'sync', 'override', 'action', 'invoke'];

const CanIParams = Type.Object({ resource: Type.String(), action: Type.String(), '*': Type.Optional(Type.String()) });

/** The object a can-i question is about: the path's rest (`<project>/<name>` for an application), `*` when none. */
export function canIObject(rest: string | undefined): string {
  return rest === undefined || rest === '' ? '*' : rest;
}

/** /api/v1/account/can-i/:resource/:action/*object. */
export const canIRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  const handler = async (request: { params: Static<typeof CanIParams>; account: string; groups: string[] }) => {
    const { resource, action } = request.params;
    if (!RESOURCES.includes(resource as RbacResource)) throw invalidInput(`unknown RBAC resource "${resource}" (one of ${RESOURCES.join(', ')})`, [{ path: 'params.resource', message: 'unknown resource' }]);
    if (!ACTIONS.includes(action as RbacAction)) throw invalidInput(`unknown RBAC action "${action}" (one of ${ACTIONS.join(', ')})`, [{ path: 'params.action', message: 'unknown action' }]);
    const enforcer = await currentPolicy(ctx.pool, ctx.log).enforcer();
    const decision = enforcer.decide({ account: request.account, groups: request.groups ?? [] }, resource, action, canIObject(request.params['*']));
    return decision.allowed ? { allowed: true } : { allowed: false, reason: `${resource} ${action}: ${decision.reason}` };
  };
  const schema = {
    summary: "Whether the caller may do an action (Argo CD's can-i): {allowed, reason?}",
    tags: ['accounts'],
    params: CanIParams,
    response: { ...errorResponses, 200: Type.Object({ allowed: Type.Boolean(), reason: Type.Optional(Type.String()) }) },
  };
  app.get<{ Params: Static<typeof CanIParams> }>('/can-i/:resource/:action', { config: { authenticated: true }, schema }, handler);
  app.get<{ Params: Static<typeof CanIParams> }>('/can-i/:resource/:action/*', { config: { authenticated: true }, schema }, handler);
};
