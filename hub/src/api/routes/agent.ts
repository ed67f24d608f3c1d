// Agent-facing HTTP: bundles by content key, for the cluster whose credential is presented and
// only when one of its applications references the key, decrypted from their sealed form at rest.
// (The WebSocket is in ../../gateway.)
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { FlotillaError, notFound, unauthenticated } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { bearerToken } from '../auth.ts';
import { authenticateCredential } from '../../store/clusters.ts';
import { bundleForCluster } from '../../store/bundles.ts';
import { BundleSealError } from '../../store/bundle-seal.ts';

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
    const bundle = await bundleForCluster(ctx.pool, ctx.secrets, auth.clusterId, request.params.key).catch((error: unknown) => {
      if (!(error instanceof BundleSealError)) throw error;
      // The operator's problem (the secret key changed), told in the hub's log; the agent retries later.
      request.log.error({ bundle: request.params.key, cluster: auth.clusterId, err: error.message }, 'cannot decrypt a stored bundle');
      throw new FlotillaError('FLT_ERR_UNAVAILABLE', `bundle ${request.params.key} cannot be read by the hub just now; the hub's log says why`);
    });
    // Not found and not yours look the same: a cluster cannot probe for other clusters' bundles.
    if (!bundle) throw notFound('bundle', request.params.key);
    return bundle;
  });
};
