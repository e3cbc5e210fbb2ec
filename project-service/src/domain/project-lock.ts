import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ConflictError } from '@playbook/shared';
import type { ProjectLock } from '../data/project-lock-repository';
import type { ProjectDeps } from './project-deps';
import type { Project } from '../data/project-repository';
import { readProject, readProjectState } from './project-state';

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
 * Thrown by a change that wrote part of its work and could not finish (e.g. a save whose answers are stored
 * but whose project version is not): its lock stays, so no other change runs on a half-done project until
 * the lock is stale and recoverIfStale levels the versions. The client gets the cause.
 */
export class HalfDoneChange extends Error {
  constructor(readonly reason: unknown) {
    super('a change of a project was left half-done', { cause: reason });
  }
}

/**
 * A lock older than the stale limit belongs to a writer that died or gave up half-way. Its save, if any, is
 * already whole (one write); only the project's version may lag behind the answers', so it is brought level
 * and the lock freed.
 */
async function recoverIfStale(deps: ProjectDeps, ownerId: string, projectId: string, lock: ProjectLock): Promise<boolean> {
  if (deps.now().getTime() - lock.startedAt.getTime() < deps.lockStaleMs) return false;
  deps.logger.warn(`freeing the abandoned lock ${lock.writeId} of project ${projectId}`);
  const { project } = await readProjectState(deps, ownerId, projectId);
  const stored = await readProject(deps, ownerId, projectId);
  if (stored.contentVersion < project.contentVersion) await deps.projects.setContentVersion(projectId, project.contentVersion, deps.now());
  await deps.locks.release(projectId, lock.writeId);
  return true;
}

/**
 * Runs a change of the owner's project while holding its lock (waiting a little, recovering abandoned locks;
 * 409 after about two seconds). The change gets the project as it is now, with its current content version;
 * 404 for anything not the owner's.
 */
export async function withProjectLock<T>(deps: ProjectDeps, ownerId: string, projectId: string, change: (current: Project) => Promise<T>): Promise<T> {
  for (let step = 0; ; step++) {
    const lock: ProjectLock = { writeId: randomUUID(), startedAt: deps.now() };
    const project = await readProject(deps, ownerId, projectId); // 404 before any lock is taken
    if (await deps.locks.claim(project.id, lock)) {
      let release = true;
      try {
        return await change(await readProject(deps, ownerId, project.id));
      } catch (error) {
        if (!(error instanceof HalfDoneChange)) throw error;
        release = false;
        throw error.reason;
      } finally {
        if (release) await deps.locks.release(project.id, lock.writeId);
      }
    }
    const held = await deps.locks.find(project.id);
    if (held && (await recoverIfStale(deps, ownerId, project.id, held))) continue;
    if (step >= WAIT_STEPS) throw busy();
    await delay(WAIT_STEP_MS);
  }
}
