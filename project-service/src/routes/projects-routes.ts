import type Router from '@koa/router';
import {
  contentVersionEtag,
  createProjectBodySchema,
  ifMatchHeadersSchema,
  listProjectsQuerySchema,
  parseIfMatch,
  parseOrThrow,
  projectIdParamsSchema,
  updateProjectBodySchema,
} from '@playbook/shared';
import { createProject, deleteProject, getProject, listProjects, updateProject } from '../domain/manage-projects';
import type { ProjectDeps } from '../domain/project-deps';
import { bodyOf, callerId, toProjectResponse } from './project-view';

/** /api/projects and /api/projects/:id; the router they are mounted on requires a signed-in user. */
export function registerProjectRoutes(router: Router, deps: ProjectDeps): void {
  router.get('/api/projects', async (ctx) => {
    const query = parseOrThrow(listProjectsQuerySchema, ctx.query, 'query');
    const page = await listProjects(deps, callerId(ctx), query);
    ctx.body = { items: page.items.map(toProjectResponse), nextCursor: page.nextCursor };
  });

  router.post('/api/projects', async (ctx) => {
    const body = parseOrThrow(createProjectBodySchema, bodyOf(ctx));
    const project = await createProject(deps, callerId(ctx), body);
    ctx.status = 201;
    ctx.set('Location', `/api/projects/${project.id}`);
    ctx.body = toProjectResponse(project);
  });

  router.get('/api/projects/:id', async (ctx) => {
    const { id } = parseOrThrow(projectIdParamsSchema, ctx.params, 'path');
    const project = await getProject(deps, callerId(ctx), id);
    ctx.set('ETag', contentVersionEtag(project.contentVersion));
    ctx.body = toProjectResponse(project);
  });

  router.patch('/api/projects/:id', async (ctx) => {
    const { id } = parseOrThrow(projectIdParamsSchema, ctx.params, 'path');
    const ifMatch = parseIfMatch(parseOrThrow(ifMatchHeadersSchema, ctx.headers, 'headers'));
    const changes = parseOrThrow(updateProjectBodySchema, bodyOf(ctx));
    const project = await updateProject(deps, callerId(ctx), id, changes, ifMatch);
    ctx.set('ETag', contentVersionEtag(project.contentVersion));
    ctx.body = toProjectResponse(project);
  });

  router.delete('/api/projects/:id', async (ctx) => {
    const { id } = parseOrThrow(projectIdParamsSchema, ctx.params, 'path');
    await deleteProject(deps, callerId(ctx), id);
    ctx.status = 204;
  });
}
