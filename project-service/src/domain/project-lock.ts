import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ConflictError } from '@playbook/shared';
import type { ProjectLock } from '../data/project-lock-repository';
import type { ProjectDeps } from './project-deps';
import { projectNotFound } from './project-errors';
import { readProjectState, type ProjectState } from './project-state';

/*
 * FerretDB v1 applies neither conditional updates nor $inc atomically between clients (measured: of 40
 * concurrent "update if v == 0", several win), so the next content version and the If-Match check could
 * race. Every change of a project therefore holds a lock document keyed by the project id: inserting a
 * taken _id is the one write FerretDB refuses atomically. The change itself is one write of one document.
 */

const WAIT_STEP_MS = 50;
const WAIT_STEPS = 40; // about two seconds, then 409

const busy = () => new ConflictError('Another change to this project is in progress; retry shortly');

/**
 * A lock older than the stale limit belongs to a writer that died. Its save, if any, is already whole (one
 * write); only the project's version may lag behind the answers', so it is brought level and the lock freed.
 */
async function recoverIfStale(deps: ProjectDeps, ownerId: string, projectId: string, lock: ProjectLock): Promise<boolean> {
  if (deps.now().getTime() - lock.startedAt.getTime() < deps.lockStaleMs) return false;
  deps.logger.warn(`freeing the abandoned lock ${lock.writeId} of project ${projectId}`);
  const { project } = await readProjectState(deps, ownerId, projectId);
  const stored = await deps.projects.findOwned(projectId, ownerId);
  if (stored && stored.contentVersion < project.contentVersion) await deps.projects.setContentVersion(projectId, project.contentVersion, deps.now());
  await deps.locks.release(projectId, lock.writeId);
  return true;
}

/**
 * Runs a change of the owner's project while holding its lock (waiting a little, recovering abandoned locks;
 * 409 after about two seconds). The change gets the project as it is now, answers included; 404 for
 * anything not the owner's.
 */
export async function withProjectLock<T>(deps: ProjectDeps, ownerId: string, projectId: string, change: (current: ProjectState) => Promise<T>): Promise<T> {
  for (let step = 0; ; step++) {
    const lock: ProjectLock = { writeId: randomUUID(), startedAt: deps.now() };
    const project = await deps.projects.findOwned(projectId, ownerId); // 404 before any lock is taken
    if (!project) throw projectNotFound();
    if (await deps.locks.claim(project.id, lock)) {
      try {
        return await change(await readProjectState(deps, ownerId, project.id));
      } finally {
        await deps.locks.release(project.id, lock.writeId);
      }
    }
    const held = await deps.locks.find(project.id);
    if (held && (await recoverIfStale(deps, ownerId, project.id, held))) continue;
    if (step >= WAIT_STEPS) throw busy();
    await delay(WAIT_STEP_MS);
  }
}
