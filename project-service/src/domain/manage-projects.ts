import { ConflictError, UnauthorizedError } from '@playbook/kit';
import { decodeListCursor, encodeListCursor } from './list-cursor';
import { withOwnerLock, withProjectLock } from './project-lock';
import type { Project } from './ports';
import { projectNotFound } from './project-errors';
import type { ProjectDeps } from './project-deps';
import { checkIfMatch, readProject } from './project-state';

export interface ProjectPage {
  items: Project[];
  nextCursor: string | null;
}

/**
 * Creates a project owned by `ownerId`; 409 when the owner already keeps as many as one account may, 401 when
 * the account was deleted (its access token may still be valid for a few minutes).
 */
export function createProject(deps: ProjectDeps, ownerId: string, input: { name: string; description?: string }): Promise<Project> {
  return withOwnerLock(deps, ownerId, async () => {
    const { projects: owned, deleted } = await deps.projects.ownerState(ownerId);
    if (deleted) throw new UnauthorizedError('The account no longer exists');
    if (owned >= deps.maxProjectsPerOwner) throw new ConflictError(`This account keeps ${owned} projects, the most it may; delete one to create another`);
    return deps.projects.create({ ownerId, name: input.name, description: input.description ?? '', now: deps.now() });
  });
}

/** One page of the owner's projects, newest first; `nextCursor` is null on the last page. */
export async function listProjects(deps: ProjectDeps, ownerId: string, query: { limit: number; cursor?: string }): Promise<ProjectPage> {
  const after = query.cursor === undefined ? undefined : decodeListCursor(query.cursor);
  const found = await deps.projects.listOwned(ownerId, query.limit + 1, after);
  const items = found.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: found.length > query.limit && last ? encodeListCursor(last) : null };
}

/** The owner's project with its current content version; anything else (bad id, unknown, someone else's) is the same 404. */
export async function getProject(deps: ProjectDeps, ownerId: string, projectId: string): Promise<Project> {
  return readProject(deps, ownerId, projectId);
}

/**
 * Renames or re-describes a project; bumps its content version and tells the other services. `ifMatch` (the
 * versions the client last saw) makes a stale change a 412 that writes nothing.
 */
export async function updateProject(deps: ProjectDeps, ownerId: string, projectId: string, changes: { name?: string; description?: string }, ifMatch?: number[]): Promise<Project> {
  const updated = await withProjectLock(deps, ownerId, projectId, async (project) => {
    checkIfMatch(project, ifMatch);
    return deps.projects.update(project.id, changes, project.contentVersion + 1, deps.now());
  });
  if (!updated) throw projectNotFound();
  await deps.events.projectUpdated(updated);
  return updated;
}

/**
 * Deletes a project with its answers, holding its lock so no save lands in between. Answers go first: if
 * this fails half-way the project is still there and a retried DELETE finishes the job, where the other
 * order would leave answers nobody can reach.
 */
export async function deleteProject(deps: ProjectDeps, ownerId: string, projectId: string): Promise<void> {
  const project = await withProjectLock(deps, ownerId, projectId, async (found) => {
    await deps.answers.delete(found.id);
    await withOwnerLock(deps, ownerId, () => deps.projects.delete(found));
    return found;
  });
  await deps.events.projectDeleted(project);
}
