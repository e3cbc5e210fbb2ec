import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ConflictError } from '@playbook/shared';
import type { ProjectLock } from '../data/project-lock-repository';
import type { AnswerWrite, Project } from '../data/project-repository';
import type { ProjectDeps } from './project-deps';
import { projectNotFound } from './project-errors';

/*
 * FerretDB v1 has no transactions, and its conditional updates and $inc are not atomic between clients
 * (measured: concurrent "claim if free" updates all succeed, 20 concurrent $inc add 2). Inserting a
 * document with a taken _id is the one thing it refuses atomically, so every change of a project holds a
 * lock document keyed by the project id. A save of answers also writes its answers into the lock
 * (a journal) before applying them with one ordered bulkWrite of idempotent upserts/deletes, then bumps the
 * content version, then releases the lock. If the writer dies half-way, the next request finds the stale
 * journal, applies it again and releases it: a save ends up complete, never half-done.
 */

const WAIT_STEP_MS = 50;
const WAIT_STEPS = 40; // about two seconds, then 409

const busy = () => new ConflictError('Another change to this project is in progress; retry shortly');

/** Applies a journalled save and makes it visible: answers, then the version, then the lock goes. */
async function finishSave(deps: ProjectDeps, projectId: string, lock: ProjectLock): Promise<Project | undefined> {
  if (lock.items) await deps.responses.applyWrites(projectId, lock.items, lock.startedAt);
  const project = lock.items ? await deps.projects.bumpVersion(projectId, deps.now()) : undefined;
  await deps.locks.release(projectId, lock.writeId);
  if (project) await deps.events.projectUpdated(project);
  return project;
}

/** A lock older than the stale limit belongs to a writer that died: finish its save (if any) and free the project. */
async function recoverIfStale(deps: ProjectDeps, projectId: string, lock: ProjectLock): Promise<boolean> {
  if (deps.now().getTime() - lock.startedAt.getTime() < deps.lockStaleMs) return false;
  deps.logger.warn(`finishing the abandoned ${lock.items ? 'save' : 'change'} ${lock.writeId} of project ${projectId}`);
  await finishSave(deps, projectId, lock);
  return true;
}

/**
 * The owner's project with no save half-done: a save in progress is waited for (bounded: 409 after about
 * two seconds), an abandoned one is finished first. Unknown or not the owner's: 404.
 */
export async function settledProject(deps: ProjectDeps, ownerId: string, projectId: string): Promise<Project> {
  for (let step = 0; ; step++) {
    const project = await deps.projects.findOwned(projectId, ownerId);
    if (!project) throw projectNotFound();
    const lock = await deps.locks.find(project.id);
    if (!lock?.items) return project; // a rename in progress leaves the answers whole
    if (await recoverIfStale(deps, project.id, lock)) continue;
    if (step >= WAIT_STEPS) throw busy();
    await delay(WAIT_STEP_MS);
  }
}

/** Takes the project's lock for the caller (waiting a little, recovering abandoned locks), or 404 / 409. */
async function claimProjectLock(deps: ProjectDeps, ownerId: string, projectId: string, items?: AnswerWrite[]): Promise<{ project: Project; lock: ProjectLock }> {
  for (let step = 0; ; step++) {
    const project = await deps.projects.findOwned(projectId, ownerId);
    if (!project) throw projectNotFound();
    const lock: ProjectLock = { writeId: randomUUID(), startedAt: deps.now(), ...(items ? { items } : {}) };
    if (await deps.locks.claim(project.id, lock)) return { project, lock };
    const held = await deps.locks.find(project.id);
    if (held && (await recoverIfStale(deps, project.id, held))) continue;
    if (step >= WAIT_STEPS) throw busy();
    await delay(WAIT_STEP_MS);
  }
}

/** Saves a batch of answers through the journal; the project after the save, with its new content version. */
export async function saveWithJournal(deps: ProjectDeps, ownerId: string, projectId: string, items: AnswerWrite[]): Promise<Project> {
  const { project, lock } = await claimProjectLock(deps, ownerId, projectId, items);
  let saved: Project | undefined;
  try {
    saved = await finishSave(deps, project.id, lock);
  } catch (error) {
    // Each step is idempotent, so one immediate retry is safe; if it fails too, the journal stays and
    // the next request after PROJECT_LOCK_STALE_MS finishes the save.
    deps.logger.warn(`save ${lock.writeId} of project ${project.id} failed once, retrying: ${(error as Error).message}`);
    saved = await finishSave(deps, project.id, lock);
  }
  if (!saved) throw projectNotFound(); // deleted by the user-deletion handler meanwhile
  return saved;
}

/** Runs a change that is not a save of answers (rename, delete) while holding the project's lock. */
export async function withProjectLock<T>(deps: ProjectDeps, ownerId: string, projectId: string, change: (project: Project) => Promise<T>): Promise<T> {
  const { project, lock } = await claimProjectLock(deps, ownerId, projectId);
  try {
    return await change(project);
  } finally {
    await deps.locks.release(project.id, lock.writeId);
  }
}
