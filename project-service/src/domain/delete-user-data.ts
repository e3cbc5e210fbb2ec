import type { ProjectDeps } from './project-deps';
import { withOwnerLock } from './project-lock';

/**
 * Removes everything a deleted user owned. The account is marked deleted first, under the owner's lock (so a
 * create in progress finishes before, and none starts after: an access token outlives its account by minutes).
 * Idempotent, as a redelivered event must be harmless: answers go before projects, so a run that failed
 * half-way still finds the projects the next time.
 */
export async function deleteUserData(deps: ProjectDeps, userId: string): Promise<{ projects: number; answerSets: number }> {
  await withOwnerLock(deps, userId, () => deps.projects.markOwnerDeleted(userId, deps.now()));
  const projectIds = await deps.projects.listIdsOwnedBy(userId);
  let answerSets = 0;
  for (const id of projectIds) answerSets += await deps.answers.delete(id);
  const projects = await deps.projects.deleteOwnedBy(userId);
  await deps.locks.releaseAll(projectIds);
  for (const id of projectIds) await deps.events.projectDeleted({ id, ownerId: userId });
  return { projects, answerSets };
}
