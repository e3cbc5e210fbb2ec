import Router from '@koa/router';
import {
  contentVersionEtag,
  createProjectBodySchema,
  ifMatchHeadersSchema,
  listProjectsQuerySchema,
  parseIfMatch,
  projectIdParamsSchema,
  updateProjectBodySchema,
} from '@playbook/contract';
import { parseOrThrow, userOf } from '@playbook/kit';
import { createProject, deleteProject, getProject, listProjects, updateProject } from '../domain/manage-projects';
import { toProjectResponse, type ProjectRoutesDeps } from './project-view';

/** /api/projects and /api/projects/:id, as declared in contract/src/project-routes.ts; all for a signed-in user. */
export function projectsRoutes({ deps, requireUser }: ProjectRoutesDeps): Router {
  const router = new Router();

  router.get('/api/projects', requireUser, async (ctx) => {
    const query = parseOrThrow(listProjectsQuerySchema, ctx.query, 'query');
    const page = await listProjects(deps, userOf(ctx).id, query);
    ctx.body = { items: page.items.map((project) => toProjectResponse(project, userOf(ctx).id)), nextCursor: page.nextCursor };
  });

  router.post('/api/projects', requireUser, async (ctx) => {
    const body = parseOrThrow(createProjectBodySchema, ctx.request.body);
    const project = await createProject(deps, userOf(ctx).id, body);
    ctx.status = 201;
    ctx.set('Location', `/api/projects/${project.id}`);
    ctx.body = toProjectResponse(project, userOf(ctx).id);
  });

  router.get('/api/projects/:id', requireUser, async (ctx) => {
    const { id } = parseOrThrow(projectIdParamsSchema, ctx.params, 'path');
    const project = await getProject(deps, userOf(ctx).id, id);
    ctx.set('ETag', contentVersionEtag(project.contentVersion));
    ctx.body = toProjectResponse(project, userOf(ctx).id);
  });

  router.patch('/api/projects/:id', requireUser, async (ctx) => {
    const { id } = parseOrThrow(projectIdParamsSchema, ctx.params, 'path');
    const ifMatch = parseIfMatch(parseOrThrow(ifMatchHeadersSchema, ctx.headers, 'headers'));
    const changes = parseOrThrow(updateProjectBodySchema, ctx.request.body);
    const project = await updateProject(deps, userOf(ctx).id, id, changes, ifMatch);
    ctx.set('ETag', contentVersionEtag(project.contentVersion));
    ctx.body = toProjectResponse(project, userOf(ctx).id);
  });

  router.delete('/api/projects/:id', requireUser, async (ctx) => {
    const { id } = parseOrThrow(projectIdParamsSchema, ctx.params, 'path');
    await deleteProject(deps, userOf(ctx).id, id);
    ctx.status = 204;
  });

  return router;
}
