import type { ProjectResponse } from '@playbook/contract';
import type Koa from 'koa';
import type { Project } from '../domain/ports';
import { roleOf } from '../domain/project-roles';
import type { ProjectDeps } from '../domain/project-deps';

/** What the signed-in routes get: the use cases' deps and the guard that verifies the bearer token. */
export interface ProjectRoutesDeps {
  deps: ProjectDeps;
  /** Verifies the bearer token and sets `ctx.state.user`. */
  requireUser: Koa.Middleware;
}

/** The public shape of a project as `userId`, a member, sees it: with their role (no owner id, no members, no internal bookkeeping). */
export function toProjectResponse(project: Project, userId: string): ProjectResponse {
  const { id, name, description, contentVersion, createdAt, updatedAt } = project;
  return { id, name, description, contentVersion, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString(), role: roleOf(project, userId) ?? 'viewer' };
}
