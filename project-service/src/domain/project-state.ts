import { contentVersionEtag } from '@playbook/contract';
import { PreconditionFailedError } from '@playbook/kit';
import type { Project, StoredAnswer } from './ports';
import type { ProjectDeps } from './project-deps';
import { projectNotFound } from './project-errors';

/** A project as users see it, with its answers. */
export interface ProjectState {
  project: Project;
  answers: StoredAnswer[];
}

/**
 * The owner's project and its answers, or 404. A save writes the answers (with the version it makes) before
 * the project's own version, so after a crash between the two the answers are ahead: the content version a
 * user sees is the larger of the two, and it never goes back.
 */
export async function readProjectState(deps: ProjectDeps, ownerId: string, projectId: string): Promise<ProjectState> {
  const [project, answerSet] = await Promise.all([deps.projects.findOwned(projectId, ownerId), deps.answers.read(projectId)]);
  if (!project) throw projectNotFound();
  const contentVersion = Math.max(project.contentVersion, answerSet?.version ?? 0);
  return { project: { ...project, contentVersion }, answers: answerSet?.answers ?? [] };
}

/**
 * The owner's project, or 404, without its answers. Its content version is the project's own: that is the
 * current one whenever no lock is held (a save left half-done keeps its lock, see project-lock.ts), and it
 * can lag one save behind only while a save is between its two writes or before such a lock is freed.
 */
export async function readProject(deps: ProjectDeps, ownerId: string, projectId: string): Promise<Project> {
  const project = await deps.projects.findOwned(projectId, ownerId);
  if (!project) throw projectNotFound();
  return project;
}

/**
 * The content version a PDF of the project would show: the project's own, read without the answers, unless
 * a change holds the project's lock (a save between its two writes, or one left half-done), when the
 * answers' version counts too (see readProjectState).
 */
export async function readContentVersion(deps: ProjectDeps, ownerId: string, projectId: string): Promise<number> {
  const [project, lock] = await Promise.all([readProject(deps, ownerId, projectId), deps.locks.find(projectId)]);
  return lock ? (await readProjectState(deps, ownerId, projectId)).project.contentVersion : project.contentVersion;
}

/**
 * `If-Match`: the content versions the client last saw; undefined when it sent none (no condition). A
 * stale one is refused with 412 and the current version, and nothing is written.
 */
export function checkIfMatch(project: Project, ifMatch: number[] | undefined): void {
  if (ifMatch !== undefined && !ifMatch.includes(project.contentVersion)) {
    throw new PreconditionFailedError(
      `The project changed since you read it: it is at content version ${project.contentVersion}, not ${ifMatch.join(' or ')}; nothing was saved`,
      contentVersionEtag(project.contentVersion),
    );
  }
}
