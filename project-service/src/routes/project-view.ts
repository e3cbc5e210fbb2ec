import type { AuthenticatedUser, ProjectResponse } from '@playbook/shared';
import type Koa from 'koa';
import type { Project } from '../data/project-repository';

/** The public shape of a project (no owner id, no internal bookkeeping). */
export function toProjectResponse(project: Project): ProjectResponse {
  const { id, name, description, contentVersion, createdAt, updatedAt } = project;
  return { id, name, description, contentVersion, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() };
}

/** The signed-in user's id, put there by authMiddleware. */
export const callerId = (ctx: Koa.Context): string => (ctx.state.user as AuthenticatedUser).id;

/** Parsed by the shared JSON body middleware (@koa/bodyparser). */
export const bodyOf = (ctx: Koa.Context): unknown => (ctx.request as { body?: unknown }).body;
