// Projects (Argo CD AppProject objects, YAML or JSON): create, replace, get, list and delete.
// `default` is editable but not deletable; a project that applications use cannot be deleted (409
// naming them); a project an app of apps renders is changed in Git, not here (409 naming the parent).
// A replaced project re-logs its applications' assignments (store/projects.ts updateProject).
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { DEFAULT_PROJECT, FlotillaError, alreadyExists, notFound } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { ListMetadata, NamedListQuery } from '../list-query.ts';
import { listNamedPage } from '../list-named.ts';
import { deleteProject, getProject, insertProject, listProjects, projectUsers, updateProject, type ProjectRecord } from '../../store/projects.ts';
import { withTransaction, type Queryable } from '../../store/db.ts';
import { recordAudit } from '../../store/audit.ts';
import { presentProject as present, toProjectWrite } from '../project-write.ts';
import { NameParams, errorResponses } from '../schemas.ts';

const CreateQuery = Type.Object({ upsert: Type.Optional(Type.Boolean()) });
const ProjectBody = Type.Object({}, { additionalProperties: true, description: 'an Argo CD AppProject (argoproj.io/v1alpha1), as JSON or YAML' });

/** A project rendered by an app of apps belongs to its parent: changed in Git, not through the API. */
function refuseOwned(project: ProjectRecord): void {
  if (project.owner) throw new FlotillaError('FLT_ERR_CONFLICT', `project "${project.name}" is rendered by application "${project.owner}": change it in that application's source`);
}

/** Replaces a stored project (locked), refusing one an app of apps owns. */
async function replace(db: Queryable, write: ReturnType<typeof toProjectWrite>): Promise<void> {
  const current = await getProject(db, write.name, { forUpdate: true });
  if (!current) throw notFound('project', write.name);
  refuseOwned(current);
  await updateProject(db, write);
}

/** /api/v1/projects. */
export const projectRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.get<{ Querystring: Static<typeof NamedListQuery> }>('/', {
    config: { rbac: { resource: 'projects', action: 'get', list: true } },
    schema: { summary: 'List projects (those the caller may get); pages with limit and continue, filters by selector and search', tags: ['projects'], querystring: NamedListQuery, response: { 200: Type.Object({ items: Type.Array(Type.Unknown()), metadata: ListMetadata }), ...errorResponses } },
  }, async (request) => listNamedPage(ctx, request, 'projects', request.query, async (names) => (await listProjects(ctx.pool, { names })).map(present)));
  app.get<{ Params: Static<typeof NameParams> }>('/:name', {
    config: { rbac: { resource: 'projects', action: 'get' } },
    schema: { summary: 'Get a project', tags: ['projects'], params: NameParams, response: errorResponses },
  }, async (request) => {
    const project = await getProject(ctx.pool, request.params.name);
    if (!project) throw notFound('project', request.params.name);
    return present(project);
  });

  app.post<{ Body: unknown; Querystring: Static<typeof CreateQuery> }>('/', {
    config: { rbac: { resource: 'projects', action: 'create' } },
    schema: { summary: 'Create a project from an Argo CD AppProject object (JSON or YAML); ?upsert=true replaces an existing one', tags: ['projects'], body: ProjectBody, querystring: CreateQuery, response: errorResponses },
  }, async (request, reply) => {
    const write = toProjectWrite(request.body);
    const created = await withTransaction(ctx.pool, async (db) => {
      if (await insertProject(db, { ...write, owner: null })) return true;
      if (!request.query.upsert) throw alreadyExists('project', write.name);
      await replace(db, write);
      return false;
    });
    await recordAudit(ctx.pool, { actor: request.account, action: created ? 'create' : 'update', resource: 'projects', object: write.name, detail: {} });
    return reply.status(created ? 201 : 200).send(present((await getProject(ctx.pool, write.name))!));
  });

  app.put<{ Params: Static<typeof NameParams>; Body: unknown }>('/:name', {
    config: { rbac: { resource: 'projects', action: 'update' } },
    schema: { summary: 'Replace a project (its applications\' agents get the new rules)', tags: ['projects'], params: NameParams, body: ProjectBody, response: errorResponses },
  }, async (request) => {
    const write = toProjectWrite(request.body, request.params.name);
    await withTransaction(ctx.pool, (db) => replace(db, write));
    await recordAudit(ctx.pool, { actor: request.account, action: 'update', resource: 'projects', object: write.name, detail: {} });
    return present((await getProject(ctx.pool, write.name))!);
  });

  app.delete<{ Params: Static<typeof NameParams> }>('/:name', {
    config: { rbac: { resource: 'projects', action: 'delete' } },
    schema: { summary: 'Delete a project no application uses', tags: ['projects'], params: NameParams, response: errorResponses },
  }, async (request) => {
    const name = request.params.name;
    if (name === DEFAULT_PROJECT) throw new FlotillaError('FLT_ERR_CONFLICT', 'the default project cannot be deleted (applications without spec.project use it): edit it instead');
    await withTransaction(ctx.pool, async (db) => {
      const current = await getProject(db, name, { forUpdate: true });
      if (!current) throw notFound('project', name);
      refuseOwned(current);
      const users = (await projectUsers(db, [name]))[name] ?? [];
      if (users.length) {
        const shown = users.slice(0, 20).join(', ') + (users.length > 20 ? ` and ${users.length - 20} more` : '');
        throw new FlotillaError('FLT_ERR_CONFLICT', `project "${name}" is used by ${users.length} application${users.length === 1 ? '' : 's'}: ${shown}; move or delete them first`);
      }
      await deleteProject(db, name);
    });
    await recordAudit(ctx.pool, { actor: request.account, action: 'delete', resource: 'projects', object: name, detail: {} });
    return { name };
  });
};
