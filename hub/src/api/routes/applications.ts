// Applications (Argo CD Application objects, YAML or JSON): create, update, get, list, delete,
// sync (of another revision, of selected resources), rollback, terminate of the running
// operation, refresh, resource tree and events. Operation requests are decided in
// operation-request.ts (Argo CD's refusals, in its words) and queued by queue-operation.ts. Writes that change what a cluster must run bump its
// revision in the same transaction, so its agent hears of them.
import type { FastifyPluginAsync } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { FlotillaError, alreadyExists, invalidInput, notFound } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { withTransaction } from '../../store/db.ts';
import { getApplication, insertApplication, isHubApplication, type ApplicationRecord } from '../../store/applications.ts';
import { deleteApplication, hubStatusOf, syncHubApplication } from '../../controllers/app-of-apps.ts';
import { assignmentOf, recordAssignment } from '../../store/assignments.ts';
import { connectionState, getCluster } from '../../store/clusters.ts';
import { toWrite, updateApplication } from '../application-write.ts';
import { recordAudit } from '../../store/audit.ts';
import { listEvents } from '../../store/status.ts';
import { presentApplication } from '../present-application.ts';
import { ApplicationListQuery, ListMetadata } from '../list-query.ts';
import { listApplicationsPage } from '../list-applications.ts';
import { historyOf } from '../../store/sync-history.ts';
import { getProject } from '../../store/projects.ts';
import { manualSyncRefusal, syncWindowStatus, windowTargetOf } from '../sync-window-state.ts';
import { NameParams, RollbackBody, SyncBody, errorResponses } from '../schemas.ts';
import { NOTHING_TO_TERMINATE, autoSyncRevisionRefusal, isOtherRevision, parseResources, parseSyncRetry, rollbackRefusal, rollbackTarget, runningOperation, syncOptionsOf } from '../operation-request.ts';
import { queueOperation } from '../queue-operation.ts';

const CreateQuery = Type.Object({ upsert: Type.Optional(Type.Boolean()) });
const DeleteQuery = Type.Object({
  cascade: Type.Optional(Type.Boolean()),
  confirm: Type.Optional(Type.Boolean({ description: 'confirms the deletion of resources marked Delete=confirm (again on an application being deleted: it goes on)' })),
  propagationPolicy: Type.Optional(Type.Union([Type.Literal('foreground'), Type.Literal('background')])),
});
const RefreshQuery = Type.Object({ hard: Type.Optional(Type.Boolean()) });
const ApplicationBody = Type.Object({}, { additionalProperties: true, description: 'an Argo CD Application (argoproj.io/v1alpha1), as JSON or YAML' });

/** /api/v1/applications. */
export const applicationRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  const unknownAfter = ctx.settings.heartbeatIntervalMs * ctx.settings.missedHeartbeats;
  const present = async (name: string) => {
    const record = await getApplication(ctx.pool, name);
    if (!record) throw notFound('application', name);
    const history = (await historyOf(ctx.pool, [name])).get(name);
    // The sync windows in force now (issue 16): `app get` shows them.
    const windowsOf = async (server?: string | null) => syncWindowStatus((await getProject(ctx.pool, record.project))?.spec ?? {}, windowTargetOf(record, server), new Date());
    if (isHubApplication(record)) return presentApplication(record, undefined, await hubStatusOf(ctx.pool, ctx.secrets, record), history, await windowsOf());
    const cluster = await getCluster(ctx.pool, record.clusterName!);
    return presentApplication(record, cluster && connectionState(cluster, new Date(), unknownAfter), undefined, history, await windowsOf(cluster?.serverUrl));
  };

  // A sync window of the project may refuse a manual sync (issue 16): 409 naming the window.
  const refuseInWindow = async (target: ApplicationRecord, account: string) => {
    const cluster = target.clusterName ? await getCluster(ctx.pool, target.clusterName) : undefined;
    const refusal = manualSyncRefusal((await getProject(ctx.pool, target.project))?.spec ?? {}, windowTargetOf(target, cluster?.serverUrl), new Date());
    if (!refusal) return;
    await recordAudit(ctx.pool, { actor: account, action: 'sync', resource: 'applications', object: target.name, result: 'denied', detail: { refused: refusal } });
    throw new FlotillaError('FLT_ERR_CONFLICT', `sync of application "${target.name}" refused by project "${target.project}": ${refusal}`);
  };

  // `app sync --revision`: that revision rendered into a bundle (the target is not touched); a revision that does not resolve or render is a 400 naming it.
  const renderRevision = async (target: ApplicationRecord, revision: string) => {
    const outcome = await ctx.repo.renderAtRevision(target, revision);
    if (!outcome.ok) throw invalidInput(`cannot sync application "${target.name}" to revision "${revision}": ${outcome.message}`, [{ path: 'revision', message: outcome.message }]);
    return { bundle: outcome.bundleKey, revision: outcome.commit };
  };

  app.get<{ Querystring: Static<typeof ApplicationListQuery> }>('/', {
    config: { rbac: { resource: 'applications', action: 'get', list: true } },
    schema: { summary: 'List applications (those the caller may get), filtered in SQL; pages with limit and continue (list-applications.ts)', tags: ['applications'], querystring: ApplicationListQuery, response: { 200: Type.Object({ items: Type.Array(Type.Unknown()), metadata: ListMetadata }), ...errorResponses } },
  }, async (request) => listApplicationsPage(ctx, request, request.query));

  app.get<{ Params: Static<typeof NameParams> }>('/:name', {
    config: { rbac: { resource: 'applications', action: 'get' } },
    schema: { summary: 'Get an application with its status', tags: ['applications'], params: NameParams, response: errorResponses },
  }, async (request) => present(request.params.name));

  app.post<{ Body: unknown; Querystring: Static<typeof CreateQuery> }>('/', {
    config: { rbac: { resource: 'applications', action: 'create' } },
    schema: { summary: 'Create an application from an Argo CD Application object (JSON or YAML)', tags: ['applications'], body: ApplicationBody, querystring: CreateQuery, response: errorResponses },
  }, async (request, reply) => {
    const write = await toWrite(ctx.pool, request.body);
    const created = await withTransaction(ctx.pool, async (db) => {
      if (await insertApplication(db, write)) {
        await recordAssignment(db, write.clusterId, write.name, assignmentOf((await getApplication(db, write.name))!));
        return true;
      }
      if (!request.query.upsert) throw alreadyExists('application', write.name);
      await updateApplication(db, write);
      return false;
    });
    await recordAudit(ctx.pool, { actor: request.account, action: created ? 'create' : 'update', resource: 'applications', object: write.name, detail: { cluster: write.clusterId } });
    ctx.refreshInBackground([write.name]);
    return reply.status(created ? 201 : 200).send(await present(write.name));
  });

  app.put<{ Params: Static<typeof NameParams>; Body: unknown }>('/:name', {
    config: { rbac: { resource: 'applications', action: 'update' } },
    schema: { summary: 'Replace an application', tags: ['applications'], params: NameParams, body: ApplicationBody, response: errorResponses },
  }, async (request) => {
    const write = await toWrite(ctx.pool, request.body, request.params.name);
    await withTransaction(ctx.pool, async (db) => {
      if (!(await getApplication(db, write.name, { forUpdate: true }))) throw notFound('application', write.name);
      await updateApplication(db, write);
    });
    await recordAudit(ctx.pool, { actor: request.account, action: 'update', resource: 'applications', object: write.name, detail: {} });
    ctx.refreshInBackground([write.name]);
    return present(write.name);
  });

  app.delete<{ Params: Static<typeof NameParams>; Querystring: Static<typeof DeleteQuery> }>('/:name', {
    config: { rbac: { resource: 'applications', action: 'delete' } },
    schema: { summary: 'Delete an application; with cascade (the default) its agent deletes its resources first', tags: ['applications'], params: NameParams, querystring: DeleteQuery, response: errorResponses },
  }, async (request) => {
    const cascade = request.query.cascade ?? true;
    const state = await withTransaction(ctx.pool, async (db) => {
      const current = await getApplication(db, request.params.name, { forUpdate: true });
      if (!current) throw notFound('application', request.params.name);
      return deleteApplication(db, current, { cascade, propagationPolicy: request.query.propagationPolicy, ...(request.query.confirm ? { confirmed: true } : {}), secrets: ctx.secrets });
    });
    await recordAudit(ctx.pool, { actor: request.account, action: 'delete', resource: 'applications', object: request.params.name, detail: { cascade } });
    return { name: request.params.name, state };
  });

  app.post<{ Params: Static<typeof NameParams>; Body: Static<typeof SyncBody> | undefined }>('/:name/sync', {
    config: { rbac: { resource: 'applications', action: 'sync' } },
    schema: { summary: 'Start a sync operation (run once by the agent); with revision, the hub renders that revision and the operation carries its bundle', tags: ['applications'], params: NameParams, body: Type.Optional(SyncBody), response: errorResponses },
  }, async (request) => {
    const body = request.body ?? {};
    const target = await getApplication(ctx.pool, request.params.name);
    if (!target) throw notFound('application', request.params.name);
    await refuseInWindow(target, request.account);
    const parsed = parseResources(body.resources ?? []);
    if ('errors' in parsed) throw invalidInput(`invalid resources: ${parsed.errors.join('; ')}`, parsed.errors.map((message) => ({ path: 'resources', message })));
    if (body.retry !== undefined && body.retryStrategy !== undefined) throw invalidInput('give retry or retryStrategy, not both', [{ path: 'retryStrategy', message: 'the same as retry' }]);
    const retry = parseSyncRetry(body.retry ?? body.retryStrategy, body.retry === undefined && body.retryStrategy !== undefined ? 'retryStrategy' : 'retry');
    if ('error' in retry) throw invalidInput(`invalid retry strategy: ${retry.error.message}`, [retry.error]);
    // Argo CD refuses a sync to another revision while automated sync is on (it would sync back at once).
    const autoRefusal = autoSyncRevisionRefusal(target.spec, body.revision, body.dryRun ?? false);
    if (autoRefusal) throw new FlotillaError('FLT_ERR_CONFLICT', autoRefusal);
    const id = randomUUID();
    if (isHubApplication(target)) {
      if (isOtherRevision(target.spec, body.revision) || parsed.resources.length) throw invalidInput(`application "${target.name}" is applied by the hub (app of apps): a sync of another revision or of selected resources is not supported for it`);
      // No agent: the hub renders the parent now and applies its children itself (app of apps).
      await ctx.repo.refresh([target]);
      const done = await syncHubApplication(ctx, target.name, { id, initiatedBy: request.account, ...(body.prune !== undefined ? { prune: body.prune } : {}), ...(body.dryRun !== undefined ? { dryRun: body.dryRun } : {}) });
      await recordAudit(ctx.pool, { actor: request.account, action: 'sync', resource: 'applications', object: target.name, detail: { operation: id, phase: done.phase } });
      ctx.refreshInBackground(done.refresh);
      // A later sync wave waits for this one: the operation stays Running and carries on from here.
      if (done.waiting) ctx.recheckParent(target.name);
      return { operation: { id, kind: 'sync', initiatedBy: request.account }, application: await present(target.name) };
    }
    // Another revision: rendered now (the target stays as it is), its bundle travels on the operation.
    const pinned = isOtherRevision(target.spec, body.revision) ? await renderRevision(target, body.revision) : undefined;
    const syncOptions = syncOptionsOf(body.syncOptions, body.force);
    const operation = await queueOperation(ctx.pool, target.name, () => ({
      operation: {
        id, kind: 'sync', initiatedBy: request.account,
        ...(body.prune !== undefined ? { prune: body.prune } : {}),
        ...(body.dryRun !== undefined ? { dryRun: body.dryRun } : {}),
        ...(syncOptions ? { syncOptions } : {}),
        ...(body.confirm ? { confirm: true } : {}),
        ...(parsed.resources.length ? { resources: parsed.resources } : {}),
        ...(pinned ? { bundle: pinned.bundle, revision: pinned.revision } : {}),
        ...(retry.retry ? { retry: retry.retry } : {}),
      },
    }));
    await recordAudit(ctx.pool, { actor: request.account, action: 'sync', resource: 'applications', object: target.name, detail: { operation: id, ...(pinned ? { revision: pinned.revision } : {}) } });
    return { operation, application: await present(target.name) };
  });

  app.post<{ Params: Static<typeof NameParams>; Body: Static<typeof RollbackBody> | undefined }>('/:name/rollback', {
    config: { rbac: { resource: 'applications', action: 'sync' } },
    schema: { summary: "Roll back to a history entry (the previous one without an id): an operation that re-applies that entry's bundle; refused while automated sync is on, as Argo CD does", tags: ['applications'], params: NameParams, body: Type.Optional(RollbackBody), response: errorResponses },
  }, async (request) => {
    const body = request.body ?? {};
    const target = await getApplication(ctx.pool, request.params.name);
    if (!target) throw notFound('application', request.params.name);
    if (target.deletion) throw new FlotillaError('FLT_ERR_CONFLICT', 'application is deleting');
    const refusal = rollbackRefusal(target.spec);
    if (refusal) throw new FlotillaError('FLT_ERR_CONFLICT', refusal);
    if (isHubApplication(target)) throw invalidInput(`application "${target.name}" is applied by the hub (app of apps): rollback is not supported for it`);
    const entry = rollbackTarget(target.name, (await historyOf(ctx.pool, [target.name])).get(target.name) ?? [], body.id);
    if ('error' in entry) throw invalidInput(entry.error, [{ path: 'id', message: entry.error }]);
    if (!entry.bundleKey) throw invalidInput(`history entry ${entry.id} of application ${target.name} names no bundle: sync to revision instead`, [{ path: 'id', message: 'names no bundle' }]);
    await refuseInWindow(target, request.account);
    const operation = await queueOperation(ctx.pool, target.name, () => ({
      operation: {
        id: randomUUID(), kind: 'rollback', initiatedBy: request.account, bundle: entry.bundleKey!,
        ...(entry.revision ? { revision: entry.revision } : {}),
        ...(body.prune !== undefined ? { prune: body.prune } : {}),
        ...(body.dryRun !== undefined ? { dryRun: body.dryRun } : {}),
      },
      extra: { historyId: entry.id },
    }));
    await recordAudit(ctx.pool, { actor: request.account, action: 'rollback', resource: 'applications', object: target.name, detail: { operation: operation.id, historyId: entry.id } });
    return { operation, application: await present(target.name) };
  });

  const terminate = async (name: string, account: string) => {
    const found = await getApplication(ctx.pool, name);
    if (!found) throw notFound('application', name);
    if (isHubApplication(found)) throw invalidInput(`application "${name}" is applied by the hub (app of apps): terminating its operation is not supported`);
    const operation = await queueOperation(ctx.pool, name, (current) => {
      if (current.operation?.kind === 'terminate') throw new FlotillaError('FLT_ERR_CONFLICT', `the operation of application "${name}" is being terminated already (${current.operation.id})`);
      const reported = (current.status?.status as { operationState?: { id: string; phase: string } } | undefined)?.operationState;
      const running = runningOperation(current.operation, reported);
      if (!running) throw new FlotillaError('FLT_ERR_CONFLICT', NOTHING_TO_TERMINATE);
      return { operation: { id: randomUUID(), kind: 'terminate', initiatedBy: account }, extra: { terminates: running } };
    }, { replaces: true });
    await recordAudit(ctx.pool, { actor: account, action: 'terminate', resource: 'applications', object: name, detail: { operation: operation.id } });
    return { operation, application: await present(name) };
  };
  const terminateSchema = { summary: 'Terminate the running operation (sent to the agent as an operation of kind terminate); 409 when none runs', tags: ['applications'], params: NameParams, response: errorResponses };
  app.post<{ Params: Static<typeof NameParams> }>('/:name/operation/terminate', { config: { rbac: { resource: 'applications', action: 'sync' } }, schema: terminateSchema }, async (request) => terminate(request.params.name, request.account));
  app.delete<{ Params: Static<typeof NameParams> }>('/:name/operation', { config: { rbac: { resource: 'applications', action: 'sync' } }, schema: { ...terminateSchema, summary: "Terminate the running operation (Argo CD's DELETE …/operation)" } }, async (request) => terminate(request.params.name, request.account));

  app.post<{ Params: Static<typeof NameParams>; Querystring: Static<typeof RefreshQuery> }>('/:name/refresh', {
    config: { rbac: { resource: 'applications', action: 'get' } },
    schema: { summary: 'Refresh from Git now (resolve the revision, render if it changed) and answer the result', tags: ['applications'], params: NameParams, querystring: RefreshQuery, response: errorResponses },
  }, async (request) => {
    const current = await getApplication(ctx.pool, request.params.name);
    if (!current) throw notFound('application', request.params.name);
    await ctx.repo.refresh([current], { hard: request.query.hard ?? false });
    return present(request.params.name);
  });

  app.get<{ Params: Static<typeof NameParams> }>('/:name/resource-tree', {
    config: { rbac: { resource: 'applications', action: 'get' } },
    schema: { summary: "The application's live resources and their parents, as its agent reported them, and the orphaned resources of its namespace when its project monitors them (Argo CD's orphanedNodes)", tags: ['applications'], params: NameParams, response: errorResponses },
  }, async (request) => {
    const current = await getApplication(ctx.pool, request.params.name);
    if (!current) throw notFound('application', request.params.name);
    const reported = current.status?.status as { resources?: unknown[]; orphanedResources?: unknown[] } | undefined;
    return { nodes: reported?.resources ?? [], orphanedNodes: reported?.orphanedResources ?? [] };
  });

  app.get<{ Params: Static<typeof NameParams> }>('/:name/events', {
    config: { rbac: { resource: 'applications', action: 'get' } },
    schema: { summary: "Events the application's agent reported", tags: ['applications'], params: NameParams, response: errorResponses },
  }, async (request) => {
    const current = await getApplication(ctx.pool, request.params.name);
    if (!current) throw notFound('application', request.params.name);
    return { items: current.clusterId === null ? [] : await listEvents(ctx.pool, current.clusterId, current.name) };
  });
};
