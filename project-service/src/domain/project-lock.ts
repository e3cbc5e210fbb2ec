import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ConflictError } from '@playbook/kit';
import type { ProjectDeps } from './project-deps';
import type { Project, ProjectLock } from './ports';
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
 * Thrown by a change that may have written part of its work (a save whose answers may be stored while the
 * project's version is not): the versions are levelled at once if the database lets us; if not, the lock
 * stays, so no change builds on the old version number until recoverIfStale levels them. The client gets
 * the cause.
 */
export class HalfDoneChange extends Error {
  constructor(readonly reason: unknown) {
    super('a change of a project may be half-done', { cause: reason });
  }
}

/** Brings the project's version up to its answers' (a save between its two writes may have left it behind). */
async function levelVersions(deps: ProjectDeps, ownerId: string, projectId: string): Promise<void> {
  const [{ project }, stored] = await Promise.all([readProjectState(deps, ownerId, projectId), readProject(deps, ownerId, projectId)]);
  if (stored.contentVersion < project.contentVersion) await deps.projects.setContentVersion(projectId, project.contentVersion, deps.now());
}

/** A lock older than the stale limit belongs to a writer that died or gave up half-way: level, then free it. */
async function recoverIfStale(deps: ProjectDeps, ownerId: string, projectId: string, lock: ProjectLock): Promise<boolean> {
  if (deps.now().getTime() - lock.startedAt.getTime() < deps.lockStaleMs) return false;
  deps.logger.warn(`freeing the abandoned lock ${lock.writeId} of project ${projectId}`);
  await levelVersions(deps, ownerId, projectId);
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
      let keepLock = false;
      try {
        return await change(await readProject(deps, ownerId, project.id));
      } catch (error) {
        if (!(error instanceof HalfDoneChange)) throw error;
        keepLock = await levelVersions(deps, ownerId, project.id).then(() => false, () => true);
        throw error.reason;
      } finally {
        if (!keepLock) await deps.locks.release(project.id, lock.writeId);
      }
    }
    const held = await deps.locks.find(project.id);
    if (held && (await recoverIfStale(deps, ownerId, project.id, held))) continue;
    if (step >= WAIT_STEPS) throw busy();
    await delay(WAIT_STEP_MS);
  }
}
