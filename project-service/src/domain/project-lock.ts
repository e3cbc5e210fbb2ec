import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ConflictError } from '@playbook/kit';
import type { ProjectDeps } from './project-deps';
import type { LockRepository, Project, ProjectLock } from './ports';
import { projectNotFound } from './project-errors';
import type { ProjectAction } from './project-roles';
import { readProject } from './project-state';

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

/** Brings the project's version up to its answers' (a save between its two writes may have left it behind); whoever asks. */
async function levelVersions(deps: ProjectDeps, projectId: string): Promise<void> {
  const [stored, answerSet] = await Promise.all([deps.projects.find(projectId), deps.answers.read(projectId)]);
  if (!stored) throw projectNotFound();
  if (answerSet && stored.contentVersion < answerSet.version) await deps.projects.setContentVersion(projectId, answerSet.version, deps.now());
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

/** Renews a held lock every third of the stale limit until the returned function is called: only a dead (or stalled) holder's lock goes stale. */
function keepRenewed(deps: ProjectDeps, locks: LockRepository, key: string, lock: ProjectLock): () => void {
  const timer = setInterval(() => void locks.renew(key, lock.writeId, deps.now()).catch(() => undefined), Math.max(100, Math.floor(deps.lockStaleMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Runs a change of a project by `userId` while holding its lock (waiting a little, recovering abandoned locks;
 * 409 after about two seconds). The change gets the project as it is now, with its current content version
 * and members; 404 for anyone not a member, 403 for a role that may not do `action`, checked before the lock
 * is taken and again under it (a role may have changed meanwhile).
 */
export async function withProjectLock<T>(deps: ProjectDeps, userId: string, projectId: string, action: ProjectAction, change: (current: Project) => Promise<T>): Promise<T> {
  const { id } = await readProject(deps, userId, projectId, action);
  const lock = await claimLock(deps, deps.locks, id, 'project', () => levelVersions(deps, id), busyProject);
  const stopRenewing = keepRenewed(deps, deps.locks, id, lock);
  let keepLock = false;
  try {
    return await change(await readProject(deps, userId, id, action));
  } catch (error) {
    if (!(error instanceof HalfDoneChange)) throw error;
    keepLock = await levelVersions(deps, id).then(() => false, () => true);
    throw error.reason;
  } finally {
    stopRenewing();
    if (!keepLock) await deps.locks.release(id, lock.writeId);
  }
}

/**
 * Runs a change of a user's list of projects (a project created or deleted, the user added to or removed from
 * one) while holding the user's lock: the list is one document, and FerretDB could lose one of two concurrent
 * changes to it. Taken after a project's lock, never before one.
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
