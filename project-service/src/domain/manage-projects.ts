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

/** One page of the projects the user owns or is a member of, newest first; `nextCursor` is null on the last page. */
export async function listProjects(deps: ProjectDeps, userId: string, query: { limit: number; cursor?: string }): Promise<ProjectPage> {
  const after = query.cursor === undefined ? undefined : decodeListCursor(query.cursor);
  const found = await deps.projects.listFor(userId, query.limit + 1, after);
  const items = found.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: found.length > query.limit && last ? encodeListCursor(last) : null };
}

/** A project the user is a member of, with its current content version; anything else (bad id, unknown, not a member) is the same 404. */
export async function getProject(deps: ProjectDeps, userId: string, projectId: string): Promise<Project> {
  return readProject(deps, userId, projectId, 'read');
}

/**
 * Renames or re-describes a project (its owner or an editor); bumps its content version and tells the other
 * services. `ifMatch` (the versions the client last saw) makes a stale change a 412 that writes nothing.
 */
export async function updateProject(deps: ProjectDeps, userId: string, projectId: string, changes: { name?: string; description?: string }, ifMatch?: number[]): Promise<Project> {
  const updated = await withProjectLock(deps, userId, projectId, 'edit', async (project) => {
    checkIfMatch(project, ifMatch);
    return deps.projects.update(project.id, changes, project.contentVersion + 1, deps.now());
  });
  if (!updated) throw projectNotFound();
  await deps.events.projectUpdated(updated);
  return updated;
}

/**
 * Deletes a project with its answers (its owner only), holding its lock so no save lands in between. Answers
 * go first: if this fails half-way the project is still there and a retried DELETE finishes the job, where
 * the other order would leave answers nobody can reach. The members' lists lose it last.
 */
export async function deleteProject(deps: ProjectDeps, userId: string, projectId: string): Promise<void> {
  const project = await withProjectLock(deps, userId, projectId, 'delete', async (found) => {
    await deps.answers.delete(found.id);
    await withOwnerLock(deps, found.ownerId, () => deps.projects.delete(found));
    await unlistFromMembers(deps, found);
    return found;
  });
  await deps.events.projectDeleted(project);
}

/** Takes a deleted project off its members' lists (a crash before leaves entries the lists skip). */
export async function unlistFromMembers(deps: ProjectDeps, project: Pick<Project, 'id' | 'members'>): Promise<void> {
  for (const { userId } of project.members) await withOwnerLock(deps, userId, () => deps.projects.unlistProject(userId, project.id));
}
