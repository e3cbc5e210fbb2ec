import mongoose, { type Connection, type Types } from 'mongoose';
import { toObjectId } from './object-id';
import type { ProjectLockRepository } from '../domain/ports';
import { projectLockModel } from './project-lock-model';

const DUPLICATE_KEY = 11000;

/** Per-project locks: claimed by inserting, released by deleting (see project-lock-model.ts); resolves once the collection is ready. */
export async function createProjectLockRepository(connection: Connection): Promise<ProjectLockRepository> {
  const locks = projectLockModel(connection);
  await locks.init();

  return {
    async claim(projectId, lock) {
      try {
        await locks.create({ _id: toObjectId(projectId), writeId: lock.writeId, startedAt: lock.startedAt });
        return true;
      } catch (error) {
        if ((error as { code?: unknown }).code === DUPLICATE_KEY) return false;
        throw error;
      }
    },

    async find(projectId) {
      const doc = await locks.findOne({ _id: toObjectId(projectId) }).lean();
      if (!doc) return undefined;
      return { writeId: doc.writeId, startedAt: doc.startedAt };
    },

    async release(projectId, writeId) {
      await locks.deleteOne({ _id: toObjectId(projectId), writeId });
    },

    async releaseForProjects(projectIds) {
      const ids = projectIds.map(toObjectId).filter((id): id is Types.ObjectId => id !== undefined);
      if (ids.length > 0) await locks.deleteMany({ _id: mongoose.trusted({ $in: ids }) });
    },
  };
}
