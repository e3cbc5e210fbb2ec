import { leaveSharedProjects } from './manage-members';
import { unlistFromMembers } from './manage-projects';
import type { Project } from './ports';
import type { ProjectDeps } from './project-deps';
import { withOwnerLock } from './project-lock';

/**
 * Removes everything a deleted user owned, and their place in other people's projects. The account is marked
 * deleted first, under the owner's lock (so a create in progress finishes before, and none starts after: an
 * access token outlives its account by minutes). Then it leaves the projects shared with it (each announced as
 * a membership change), then its own projects go, and their other members' lists lose them. Idempotent, as a
 * redelivered event must be harmless: answers go before projects, so a run that failed half-way still finds
 * the projects the next time.
 */
export async function deleteUserData(deps: ProjectDeps, userId: string): Promise<{ projects: number; answerSets: number; memberships: number }> {
  await withOwnerLock(deps, userId, () => deps.projects.markOwnerDeleted(userId, deps.now()));
  const memberships = await leaveSharedProjects(deps, userId);
  const projectIds = await deps.projects.listIdsOwnedBy(userId);
  const owned = (await Promise.all(projectIds.map((id) => deps.projects.find(id)))).filter((project): project is Project => project !== undefined);
  let answerSets = 0;
  for (const id of projectIds) answerSets += await deps.answers.delete(id);
  const projects = await deps.projects.deleteOwnedBy(userId);
  await deps.locks.releaseAll(projectIds);
  for (const project of owned) await unlistFromMembers(deps, project);
  for (const id of projectIds) await deps.events.projectDeleted({ id, ownerId: userId, members: owned.find((project) => project.id === id)?.members ?? [] });
  return { projects, answerSets, memberships };
}
