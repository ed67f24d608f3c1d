// Agent-facing HTTP: bundles by content key, for the cluster whose credential is presented and
// only when one of its applications references the key. (The WebSocket is in ../../gateway.)
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { notFound, unauthenticated } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { bearerToken } from '../auth.ts';
import { authenticateCredential } from '../../store/clusters.ts';
import { bundleForCluster } from '../../store/bundles.ts';

const KeyParams = Type.Object({ key: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }) });

/** /api/v1/agent/bundles/:key. */
export const agentRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.get<{ Params: Static<typeof KeyParams> }>('/bundles/:key', {
    config: { agent: true },
    schema: { summary: "A bundle of rendered manifests, for an agent whose cluster's applications reference it", tags: ['agent'], params: KeyParams },
  }, async (request) => {
    const token = bearerToken(request);
    const auth = token ? await authenticateCredential(ctx.pool, token) : undefined;
    if (!auth || 'refused' in auth) throw unauthenticated(`cluster credential ${auth ? auth.refused : 'missing'}`);
    const bundle = await bundleForCluster(ctx.pool, auth.clusterId, request.params.key);
    // Not found and not yours look the same: a cluster cannot probe for other clusters' bundles.
    if (!bundle) throw notFound('bundle', request.params.key);
    return bundle;
  });
};
