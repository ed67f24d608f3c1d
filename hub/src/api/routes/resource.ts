// GET /api/v1/applications/:name/resource?group=&kind=&namespace=&name= : one resource of an
// application for the UI's panel: the desired manifest from the application's current bundle at
// the hub, the live object read through its agent (`resource.get`, protocol/resource.ts; the agent
// answers only for objects of the resource tree it reported for the application, Secret values
// masked), and the diff the agent reported for it. A Secret's values are masked on both sides as
// Argo CD masks them (equal values one mask, different values masks of different lengths): the hub
// sends a random key for that one request, the agent answers an HMAC of each live value under it,
// the hub compares them with the desired values' (protocol/resource-secrets.ts) and drops key and
// digests; the browser gets masks only. The agent must be connected to this replica: agents hold one socket to one
// replica, and a request that lands elsewhere gets a 503 saying so (the client tries again, or a
// sticky load balancer sends it where the agent is). Older agents, which lack the feature, get a
// 501; no answer in 5 s a 504.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { FlotillaError, notFound, invalidInput, RESOURCE_GET_FEATURE, DIGEST_KEY_BYTES, displayPair, type ResourceRef } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { getApplication, isHubApplication, type ApplicationRecord } from '../../store/applications.ts';
import { bundleByKey } from '../../store/bundles.ts';
import { connectionState, getClusterById } from '../../store/clusters.ts';
import { findManifest } from '../desired-manifest.ts';
import { NameParams, errorResponses } from '../schemas.ts';

/** How long the hub waits for the agent's answer. */
export const RESOURCE_TIMEOUT_MS = 5_000;

const ResourceQuery = Type.Object({
  group: Type.Optional(Type.String({ maxLength: 253, description: "the API group ('' or absent: the core group)" })),
  kind: Type.String({ minLength: 1, maxLength: 63 }),
  namespace: Type.Optional(Type.String({ maxLength: 63 })),
  name: Type.String({ minLength: 1, maxLength: 253 }),
});

interface ReportedResource { group: string; kind: string; namespace?: string; name: string; diff?: string }

/** /api/v1/applications/:name/resource. */
export const resourceRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.get<{ Params: Static<typeof NameParams>; Querystring: Static<typeof ResourceQuery> }>('/:name/resource', {
    config: { rbac: { resource: 'applications', action: 'get' } },
    schema: {
      summary: "One resource of the application: desired (its bundle), live (read through its agent, Secret values masked) and the agent's diff",
      tags: ['applications'], params: NameParams, querystring: ResourceQuery, response: errorResponses,
    },
  }, async (request) => {
    const record = await getApplication(ctx.pool, request.params.name);
    if (!record) throw notFound('application', request.params.name);
    const { group = '', kind, namespace, name } = request.query;
    const ref: ResourceRef = { group, kind, name, ...(namespace ? { namespace } : {}) };
    const desired = await desiredOf(ctx, record, ref);
    const reported = ((record.status?.status as { resources?: ReportedResource[] } | undefined)?.resources ?? [])
      .find((r) => r.group === group && r.kind === kind && r.name === name && (r.namespace ?? '') === (namespace ?? ''));
    // The key lives for this request only: never stored, logged or sent anywhere but to the agent.
    const digestKey = group === '' && kind === 'Secret' ? randomBytes(DIGEST_KEY_BYTES) : undefined;
    const live = await liveOf(ctx, record, ref, digestKey);
    const shown = displayPair(desired, live?.object, live?.secretDigests, digestKey ?? Buffer.alloc(0));
    return { live: shown.live ?? null, desired: shown.desired ?? null, diff: reported?.diff ?? null };
  });
};

/** The manifest as rendered (Secret values unmasked: displayPair masks them before anything leaves). */
async function desiredOf(ctx: HubContext, record: ApplicationRecord, ref: ResourceRef): Promise<Record<string, unknown> | undefined> {
  if (!record.bundleKey) return undefined;
  const bundle = await bundleByKey(ctx.pool, ctx.secrets, record.bundleKey);
  return (bundle && findManifest(bundle.manifests as Record<string, unknown>[], ref, record.spec.destination.namespace)) || undefined;
}

/** The agent's answer: the object (masked by the agent, masked again by displayPair) and, for a Secret asked with a key, its digests. */
async function liveOf(ctx: HubContext, record: ApplicationRecord, ref: ResourceRef, digestKey: Buffer | undefined): Promise<{ object?: Record<string, unknown>; secretDigests?: Record<string, string> } | undefined> {
  if (isHubApplication(record)) throw invalidInput(`application "${record.name}" is applied by the hub (app of apps): its resources are applications, read them with GET /api/v1/applications/:name`);
  const session = ctx.agentSession?.(record.clusterId!);
  const clusterName = record.clusterName ?? String(record.clusterId);
  if (!session) {
    const cluster = await getClusterById(ctx.pool, record.clusterId!);
    const elsewhere = cluster && connectionState(cluster, new Date(), ctx.settings.heartbeatIntervalMs * ctx.settings.missedHeartbeats).status === 'Successful';
    throw new FlotillaError('FLT_ERR_UNAVAILABLE', elsewhere
      ? `the agent of cluster "${clusterName}" is connected to another hub replica: live resources are read by the replica holding its connection (try again, or route a cluster's requests to one replica)`
      : `the agent of cluster "${clusterName}" is not connected: its live resources cannot be read now`);
  }
  if (!session.features.has(RESOURCE_GET_FEATURE)) {
    throw new FlotillaError('FLT_ERR_NOT_IMPLEMENTED', `the agent of cluster "${clusterName}" is too old to serve live resources (it does not name the "${RESOURCE_GET_FEATURE}" feature): upgrade it`);
  }
  const answer = session.resourceRequests.ask((requestId) => session.send({ type: 'resource.get', requestId, app: record.name, ref, ...(digestKey ? { digestKey: digestKey.toString('base64') } : {}) }), RESOURCE_TIMEOUT_MS);
  if (!answer) throw new FlotillaError('FLT_ERR_TOO_MANY_REQUESTS', `too many live resource reads in flight to the agent of cluster "${clusterName}": try again shortly`);
  const outcome = await answer;
  if ('failed' in outcome) {
    if (outcome.failed === 'timeout') throw new FlotillaError('FLT_ERR_TIMEOUT', `the agent of cluster "${clusterName}" did not answer within ${RESOURCE_TIMEOUT_MS / 1000} s`);
    throw new FlotillaError('FLT_ERR_UNAVAILABLE', `the agent of cluster "${clusterName}" disconnected before it answered: try again`);
  }
  const { object, error, secretDigests } = outcome.answered;
  // 'not in the inventory': what agents before live reads of the whole tree answer.
  if (error) throw new FlotillaError(/^not in the (resource tree|inventory)/.test(error) ? 'FLT_ERR_NOT_FOUND' : 'FLT_ERR_UNAVAILABLE', `the agent of cluster "${clusterName}": ${error}`);
  // The agent masked it already; displayPair masks again, which holds even for a careless agent.
  return object && { object, ...(secretDigests && digestKey ? { secretDigests } : {}) };
}
