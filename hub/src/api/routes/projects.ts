// Projects: list and get (create, update and enforcement arrive with tenancy).
import type { FastifyPluginAsync } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { notFound } from '@flotilla/shared';
import type { HubContext } from '../context.ts';
import { getProject, listProjects, type ProjectRecord } from '../../store/projects.ts';
import { NameParams, errorResponses } from '../schemas.ts';

const present = (p: ProjectRecord) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: p.name, creationTimestamp: p.createdAt.toISOString() }, spec: p.spec });

/** /api/v1/projects. */
export const projectRoutes = (ctx: HubContext): FastifyPluginAsync => async (app) => {
  app.get('/', { config: { rbac: { resource: 'projects', action: 'get' } }, schema: { summary: 'List projects', tags: ['projects'] } }, async () => ({ items: (await listProjects(ctx.pool)).map(present) }));
  app.get<{ Params: Static<typeof NameParams> }>('/:name', {
    config: { rbac: { resource: 'projects', action: 'get' } },
    schema: { summary: 'Get a project', tags: ['projects'], params: NameParams, response: errorResponses },
  }, async (request) => {
    const project = await getProject(ctx.pool, request.params.name);
    if (!project) throw notFound('project', request.params.name);
    return present(project);
  });
};
