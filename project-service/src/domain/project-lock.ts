import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ConflictError } from '@playbook/kit';
import type { ProjectDeps } from './project-deps';
import type { LockRepository, Project, ProjectLock } from './ports';
import { readProject, readProjectState } from './project-state';

/*
 * FerretDB v1 applies neither conditional updates nor $inc atomically between clients (measured: of 40
 * concurrent "update if v == 0", several win), so the next content version and the If-Match check could
 * race, and of two projects created at once one could go missing from the owner's list. Every change of a
 * project therefore holds a lock document keyed by the project id, and every change of an owner's list one
 * keyed by the owner's id: inserting a taken _id is the one write FerretDB refuses atomically.
 */

const WAIT_STEP_MS = 50;

const busyProject = () => new ConflictError('Another change to this project is in progress; retry shortly');
const busyOwner = () => new ConflictError('Another change to your projects is in progress; retry shortly');

/**
 * Thrown by a change that may have written part of its work (a save whose answers may be stored while the
 * project's version is not): the versions are levelled at once if the database lets us; if not, the lock
 * stays, so no change builds on the old version number until the lock is found stale and they are levelled.
 * The client gets the cause.
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

/**
 * Claims `key`, waiting while someone else holds it; a lock not renewed within the stale limit belongs to a
 * writer that died or gave up half-way, so it is repaired (`repairAbandoned`) and freed. The wait outlasts the
 * stale limit, so a lock left by a killed process delays a change instead of failing it; `busy` (409) after that.
 */
async function claimLock(deps: ProjectDeps, locks: LockRepository, key: string, what: string, repairAbandoned: () => Promise<void>, busy: () => Error): Promise<ProjectLock> {
  const waitSteps = Math.ceil((deps.lockStaleMs + 1_000) / WAIT_STEP_MS);
  for (let step = 0; ; step++) {
    const lock: ProjectLock = { writeId: randomUUID(), startedAt: deps.now() };
    if (await locks.claim(key, lock)) return lock;
    const held = await locks.find(key);
    if (held && deps.now().getTime() - held.startedAt.getTime() >= deps.lockStaleMs) {
      deps.logger.warn(`freeing the abandoned lock ${held.writeId} of ${what} ${key}`);
      await repairAbandoned();
      await locks.release(key, held.writeId);
      continue;
    }
    if (step >= waitSteps) throw busy();
    await delay(WAIT_STEP_MS);
  }
}

/**
 * Runs a change of the owner's project while holding its lock (waiting a little, recovering abandoned locks;
 * 409 after about two seconds). The change gets the project as it is now, with its current content version;
 * 404 for anything not the owner's.
 */
/** Renews a held lock every third of the stale limit until the returned function is called: only a dead (or stalled) holder's lock goes stale. */
function keepRenewed(deps: ProjectDeps, locks: LockRepository, key: string, lock: ProjectLock): () => void {
  const timer = setInterval(() => void locks.renew(key, lock.writeId, deps.now()).catch(() => undefined), Math.max(100, Math.floor(deps.lockStaleMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}

export async function withProjectLock<T>(deps: ProjectDeps, ownerId: string, projectId: string, change: (current: Project) => Promise<T>): Promise<T> {
  const { id } = await readProject(deps, ownerId, projectId); // 404 before any lock is taken
  const lock = await claimLock(deps, deps.locks, id, 'project', () => levelVersions(deps, ownerId, id), busyProject);
  const stopRenewing = keepRenewed(deps, deps.locks, id, lock);
  let keepLock = false;
  try {
    return await change(await readProject(deps, ownerId, id));
  } catch (error) {
    if (!(error instanceof HalfDoneChange)) throw error;
    keepLock = await levelVersions(deps, ownerId, id).then(() => false, () => true);
    throw error.reason;
  } finally {
    stopRenewing();
    if (!keepLock) await deps.locks.release(id, lock.writeId);
  }
}

/**
 * Runs a change of the owner's list of projects (a project created or deleted) while holding the owner's lock:
 * the list is one document, and FerretDB could lose one of two concurrent changes to it.
 */
export async function withOwnerLock<T>(deps: ProjectDeps, ownerId: string, change: () => Promise<T>): Promise<T> {
  const lock = await claimLock(deps, deps.ownerLocks, ownerId, 'owner', async () => {}, busyOwner);
  const stopRenewing = keepRenewed(deps, deps.ownerLocks, ownerId, lock);
  try {
    return await change();
  } finally {
    stopRenewing();
    await deps.ownerLocks.release(ownerId, lock.writeId);
  }
}
