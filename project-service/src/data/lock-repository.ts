import { insertClaim } from '@playbook/kit/mongo';
import mongoose, { type Connection, type Model } from 'mongoose';
import type { LockRepository } from '../domain/ports';
import { ownerLockModel, projectLockModel, type LockDocument } from './lock-models';
import { toObjectId } from './object-id';

/** Locks claimed by inserting and released by deleting (see lock-models.ts); `toId` maps a key to its `_id`. */
async function createLockRepository(locks: Model<LockDocument>, toId: (key: string) => LockDocument['_id'] | undefined): Promise<LockRepository> {
  await locks.init();
  return {
    async claim(key, lock) {
      const _id = toId(key);
      if (_id === undefined) return false;
      return insertClaim(() => locks.create({ _id, writeId: lock.writeId, startedAt: lock.startedAt }));
    },

    async find(key) {
      const _id = toId(key);
      if (_id === undefined) return undefined;
      const doc = await locks.findOne({ _id }).lean();
      if (!doc) return undefined;
      return { writeId: doc.writeId, startedAt: doc.startedAt };
    },

    async renew(key, writeId, at) {
      const _id = toId(key);
      if (_id !== undefined) await locks.updateOne({ _id, writeId }, { $set: { startedAt: at } });
    },

    async release(key, writeId) {
      const _id = toId(key);
      if (_id !== undefined) await locks.deleteOne({ _id, writeId });
    },

    async releaseAll(keys) {
      const ids = keys.map(toId).filter((id) => id !== undefined);
      if (ids.length > 0) await locks.deleteMany({ _id: mongoose.trusted({ $in: ids }) });
    },
  };
}

/** One lock per project, keyed by its ObjectId; resolves once the collection is ready. */
export const createProjectLockRepository = (connection: Connection) => createLockRepository(projectLockModel(connection), toObjectId);

/** One lock per owner, keyed by the owner's id as it is; resolves once the collection is ready. */
export const createOwnerLockRepository = (connection: Connection) => createLockRepository(ownerLockModel(connection), (ownerId: string) => ownerId);
