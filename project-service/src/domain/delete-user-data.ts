import type { ProjectDeps } from './project-deps';

/**
 * Removes everything a deleted user owned. Idempotent, as a redelivered event must be harmless: answers
 * go before projects, so a run that failed half-way still finds the projects the next time.
 */
export async function deleteUserData(deps: ProjectDeps, userId: string): Promise<{ projects: number; responses: number }> {
  const projectIds = await deps.projects.listIdsOwnedBy(userId);
  const responses = await deps.responses.deleteForProjects(projectIds);
  const projects = await deps.projects.deleteOwnedBy(userId);
  await deps.locks.releaseForProjects(projectIds);
  for (const id of projectIds) await deps.events.projectDeleted({ id, ownerId: userId });
  return { projects, responses };
}
