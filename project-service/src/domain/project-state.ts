import { contentVersionEtag } from '@playbook/contract';
import { PreconditionFailedError } from '@playbook/kit';
import type { Project, StoredAnswer } from './ports';
import type { ProjectDeps } from './project-deps';
import { projectNotFound } from './project-errors';
import { requireAccess, type ProjectAction } from './project-roles';

/** A project as users see it, with its answers. */
export interface ProjectState {
  project: Project;
  answers: StoredAnswer[];
}

/** The project if the user may do `action` with it: 404 for anyone not a member, 403 for a role that may not (project-roles.ts). */
export async function readProject(deps: ProjectDeps, userId: string, projectId: string, action: ProjectAction = 'read'): Promise<Project> {
  const project = await deps.projects.find(projectId);
  if (!project) throw projectNotFound();
  requireAccess(project, userId, action);
  return project;
}

/**
 * The project and its answers, for a member who may do `action` (404, 403 otherwise). A save writes the answers (with the version it makes) before
 * the project's own version, so after a crash between the two the answers are ahead: the content version a
 * user sees is the larger of the two, and it never goes back.
 */
export async function readProjectState(deps: ProjectDeps, userId: string, projectId: string, action: ProjectAction = 'read'): Promise<ProjectState> {
  const [project, answerSet] = await Promise.all([readProject(deps, userId, projectId, action), deps.answers.read(projectId)]);
  const contentVersion = Math.max(project.contentVersion, answerSet?.version ?? 0);
  return { project: { ...project, contentVersion }, answers: answerSet?.answers ?? [] };
}

/*
 * readProject reads the project without its answers. Its content version is the project's own: that is the
 * current one whenever no lock is held (a save left half-done keeps its lock, see project-lock.ts), and it
 * can lag one save behind only while a save is between its two writes or before such a lock is freed.
 */

/**
 * The content version a PDF of the project would show: the project's own, read without the answers, unless
 * a change holds the project's lock (a save between its two writes, or one left half-done), when the
 * answers' version counts too (see readProjectState).
 */
export async function readContentVersion(deps: ProjectDeps, userId: string, projectId: string): Promise<number> {
  const [project, lock] = await Promise.all([readProject(deps, userId, projectId, 'renderPdf'), deps.locks.find(projectId)]);
  return lock ? (await readProjectState(deps, userId, projectId, 'renderPdf')).project.contentVersion : project.contentVersion;
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
