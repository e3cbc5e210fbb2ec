import mongoose, { type Connection, type Types } from 'mongoose';
import { toObjectId } from './object-id';
import { projectLockModel } from './project-lock-model';

export interface ProjectLock {
  writeId: string;
  startedAt: Date;
}

const DUPLICATE_KEY = 11000;

export type ProjectLockRepository = ReturnType<typeof createProjectLockRepository>;

/** Per-project locks: claimed by inserting, released by deleting (see project-lock-model.ts). */
export function createProjectLockRepository(connection: Connection) {
  const locks = projectLockModel(connection);

  return {
    /** True when this caller now holds the lock; false when someone else does. */
    async claim(projectId: string, lock: ProjectLock): Promise<boolean> {
      try {
        await locks.create({ _id: toObjectId(projectId), writeId: lock.writeId, startedAt: lock.startedAt });
        return true;
      } catch (error) {
        if ((error as { code?: unknown }).code === DUPLICATE_KEY) return false;
        throw error;
      }
    },

    async find(projectId: string): Promise<ProjectLock | undefined> {
      const doc = await locks.findOne({ _id: toObjectId(projectId) }).lean();
      if (!doc) return undefined;
      return { writeId: doc.writeId, startedAt: doc.startedAt };
    },

    async release(projectId: string, writeId: string): Promise<void> {
      await locks.deleteOne({ _id: toObjectId(projectId), writeId });
    },

    async releaseForProjects(projectIds: string[]): Promise<void> {
      const ids = projectIds.map(toObjectId).filter((id): id is Types.ObjectId => id !== undefined);
      if (ids.length > 0) await locks.deleteMany({ _id: mongoose.trusted({ $in: ids }) });
    },
  };
}
