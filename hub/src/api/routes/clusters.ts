// Cluster registration: add (with a one-time bootstrap token and the agent install command),
// list, get, remove, issue a new bootstrap token, and revoke every credential of a cluster.
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { alreadyExists, notFound, FlotillaError } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { ListMetadata, NamedListQuery } from '../list-query.ts';
import { listNamedPage } from '../list-named.ts';
import { connectionState, createCluster, deleteCluster, getCluster, issueBootstrapToken, listClusters, revokeClusterTokens, setClusterLabels, setClusterServer, type ClusterRecord, type ServerConflict } from '../../store/clusters.ts';
import { notifyRevoked } from '../../store/assignments.ts';
import { recordAudit } from '../../store/audit.ts';
import { withTransaction } from '../../store/db.ts';
import { ClusterCreateBody, ClusterUpdateBody, NameParams, errorResponses } from '../schemas.ts';

/** The JSON form of a cluster, with its connection state. */
export function presentCluster(cluster: ClusterRecord, ctx: HubContext, now = new Date()) {
  return {
    name: cluster.name,
    labels: cluster.labels,
    server: cluster.serverUrl,
    info: {
      /** The API URL the agent reported; destination.server matches it only once an admin confirms it. */
      reportedServer: cluster.reportedServerUrl,
      connectionState: connectionState(cluster, now, ctx.settings.heartbeatIntervalMs * ctx.settings.missedHeartbeats),
      agent: cluster.agentInfo,
      /** What the cluster serves, as its agent reported (renders use it: Helm's .Capabilities); null before any report. */
      capabilities: cluster.capabilities,
      applicationsCount: cluster.applications,
      revision: cluster.revision,
      ackedRevision: cluster.ackedRevision,
      lastSeenAt: cluster.lastSeenAt?.toISOString() ?? null,
    },
    createdAt: cluster.createdAt.toISOString(),
  };
}

/** The command that installs an agent for a cluster; it pins the hub's self-signed certificate when there is one. */
export function installCommand(hubUrl: string, token: string, hubFingerprint?: string): string {
  const pin = hubFingerprint ? ` --hub-fingerprint ${hubFingerprint}` : '';
  return `npx flotilla-agent --hub ${hubUrl}${pin} --token ${token} --kubeconfig <path to the cluster's kubeconfig>`;
}

/** What an agent needs besides its token: the install command and, for a self-signed hub, the fingerprint to pin. */
function agentSetup(ctx: HubContext, token: string) {
  const { externalUrl, hubFingerprint } = ctx.settings;
  return { installCommand: installCommand(externalUrl, token, hubFingerprint), ...(hubFingerprint ? { hubFingerprint } : {}) };
}

/** /api/v1/clusters. */
export const clusterRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.get<{ Querystring: Static<typeof NamedListQuery> }>('/', {
    config: { rbac: { resource: 'clusters', action: 'get', list: true } },
    schema: { summary: 'List clusters (those the caller may get); pages with limit and continue, filters by selector and search', tags: ['clusters'], querystring: NamedListQuery, response: { 200: Type.Object({ items: Type.Array(Type.Unknown()), metadata: ListMetadata }), ...errorResponses } },
  }, async (request) => {
    const now = new Date();
    return listNamedPage(ctx, request, 'clusters', request.query, async (names) => (await listClusters(ctx.pool, { names })).map((c) => presentCluster(c, ctx, now)));
  });

  app.get<{ Params: Static<typeof NameParams> }>('/:name', {
    config: { rbac: { resource: 'clusters', action: 'get' } },
    schema: { summary: 'Get a cluster', tags: ['clusters'], params: NameParams, response: errorResponses },
  }, async (request) => {
    const cluster = await getCluster(ctx.pool, request.params.name);
    if (!cluster) throw notFound('cluster', request.params.name);
    return presentCluster(cluster, ctx);
  });

  app.post<{ Body: Static<typeof ClusterCreateBody> }>('/', {
    config: { rbac: { resource: 'clusters', action: 'create' } },
    schema: { summary: 'Register a cluster; answers a one-time bootstrap token for its agent', tags: ['clusters'], body: ClusterCreateBody, response: errorResponses },
  }, async (request, reply) => {
    const { name, labels = {}, server } = request.body;
    if (name === 'hub') throw new FlotillaError('FLT_ERR_INVALID_INPUT', 'the cluster name "hub" is reserved for the hub itself', [{ path: 'body.name', message: 'reserved' }]);
    const cluster = await createCluster(ctx.pool, name, labels, server);
    if ('conflict' in cluster) throw cluster.conflict === 'name' ? alreadyExists('cluster', name) : serverTaken(server!, cluster);
    const token = await issueBootstrapToken(ctx.pool, cluster.id, ctx.settings.bootstrapTokenTtlSeconds);
    await recordAudit(ctx.pool, { actor: request.account, action: 'create', resource: 'clusters', object: name, detail: { labels } });
    return reply.status(201).send({
      cluster: presentCluster(cluster, ctx),
      bootstrapToken: token.token,
      expiresAt: token.expiresAt.toISOString(),
      ...agentSetup(ctx, token.token),
    });
  });

  app.patch<{ Params: Static<typeof NameParams>; Body: Static<typeof ClusterUpdateBody> }>('/:name', {
    config: { rbac: { resource: 'clusters', action: 'update' } },
    schema: { summary: "Change a cluster: set, confirm or clear the API URL destination.server matches; replace its labels", tags: ['clusters'], params: NameParams, body: ClusterUpdateBody, response: errorResponses },
  }, async (request) => {
    const { server, confirmServer, labels } = request.body;
    if (server !== undefined && confirmServer) throw new FlotillaError('FLT_ERR_INVALID_INPUT', 'give either server or confirmServer, not both', [{ path: 'body.confirmServer', message: 'conflicts with server' }]);
    const updated = await withTransaction(ctx.pool, async (db) => {
      const found = await getCluster(db, request.params.name);
      if (!found) throw notFound('cluster', request.params.name);
      let next = server;
      if (confirmServer) {
        if (!found.reportedServerUrl) throw new FlotillaError('FLT_ERR_INVALID_INPUT', `the agent of cluster "${found.name}" has reported no API URL yet: set one with server`, [{ path: 'body.confirmServer', message: 'nothing reported' }]);
        next = found.reportedServerUrl;
      }
      if (next !== undefined) {
        const result = await setClusterServer(db, found.id, next);
        if (result !== 'set') throw serverTaken(next!, result);
      }
      if (labels) await setClusterLabels(db, found.id, labels);
      return (await getCluster(db, found.name))!;
    });
    await recordAudit(ctx.pool, { actor: request.account, action: 'update', resource: 'clusters', object: updated.name, detail: { server: updated.serverUrl, ...(labels ? { labels } : {}) } });
    return presentCluster(updated, ctx);
  });

  app.post<{ Params: Static<typeof NameParams> }>('/:name/bootstrap-token', {
    config: { rbac: { resource: 'clusters', action: 'update' } },
    schema: { summary: 'Issue a new one-time bootstrap token for a cluster', tags: ['clusters'], params: NameParams, response: errorResponses },
  }, async (request) => {
    const cluster = await getCluster(ctx.pool, request.params.name);
    if (!cluster) throw notFound('cluster', request.params.name);
    const token = await issueBootstrapToken(ctx.pool, cluster.id, ctx.settings.bootstrapTokenTtlSeconds);
    await recordAudit(ctx.pool, { actor: request.account, action: 'issue-token', resource: 'clusters', object: cluster.name, detail: {} });
    return { bootstrapToken: token.token, expiresAt: token.expiresAt.toISOString(), ...agentSetup(ctx, token.token) };
  });

  app.post<{ Params: Static<typeof NameParams> }>('/:name/revoke', {
    config: { rbac: { resource: 'clusters', action: 'update' } },
    schema: { summary: "Revoke every token of a cluster and disconnect its agent", tags: ['clusters'], params: NameParams, response: errorResponses },
  }, async (request) => {
    const cluster = await getCluster(ctx.pool, request.params.name);
    if (!cluster) throw notFound('cluster', request.params.name);
    const revoked = await revokeClusterTokens(ctx.pool, cluster.id);
    await notifyRevoked(ctx.pool, cluster.id);
    await recordAudit(ctx.pool, { actor: request.account, action: 'revoke', resource: 'clusters', object: cluster.name, detail: { revoked } });
    return { revoked };
  });

  app.delete<{ Params: Static<typeof NameParams> }>('/:name', {
    config: { rbac: { resource: 'clusters', action: 'delete' } },
    schema: { summary: 'Remove a cluster (refused while applications target it)', tags: ['clusters'], params: NameParams, response: errorResponses },
  }, async (request) => {
    const cluster = await withTransaction(ctx.pool, async (db) => {
      const found = await getCluster(db, request.params.name);
      if (!found) throw notFound('cluster', request.params.name);
      // Refused while targeted: nothing is revoked or removed then.
      const result = await deleteCluster(db, found.name);
      if (result === 'in-use') throw new FlotillaError('FLT_ERR_CONFLICT', `cluster "${found.name}" is the destination of ${found.applications} application(s): delete or move them first`);
      await notifyRevoked(db, found.id); // delivered on commit: every replica closes the agent's socket
      return found;
    });
    await recordAudit(ctx.pool, { actor: request.account, action: 'delete', resource: 'clusters', object: cluster.name, detail: {} });
    return { deleted: true };
  });
};

function serverTaken(server: string, conflict: ServerConflict): FlotillaError {
  const holder = conflict.conflict === 'server' ? conflict.cluster : 'another cluster';
  return new FlotillaError('FLT_ERR_CONFLICT', `the API URL ${server} already belongs to cluster "${holder}": a URL routes to one cluster only`, [{ path: 'body.server', message: 'taken' }]);
}
