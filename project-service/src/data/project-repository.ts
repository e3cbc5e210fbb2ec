import mongoose, { type Connection } from 'mongoose';
import { toObjectId } from './object-id';
import type { Project, ProjectRepository } from '../domain/ports';
import { projectModel, type ProjectDocument } from './project-model';

function toProject({ _id, ownerId, name, description, contentVersion, createdAt, updatedAt }: ProjectDocument): Project {
  return { id: _id.toHexString(), ownerId, name, description, contentVersion, createdAt, updatedAt };
}

/**
 * The only code that knows how projects are stored; resolves once its indexes exist. Lookups by id also check
 * the owner. Updates set the content version the caller computed while holding the project's lock
 * (domain/project-lock.ts).
 */
export async function createProjectRepository(connection: Connection): Promise<ProjectRepository> {
  const projects = projectModel(connection);
  await projects.init();
  const afterUpdate = { returnDocument: 'after' as const };

  return {
    async create(input) {
      const doc = await projects.create({ ownerId: input.ownerId, name: input.name, description: input.description, createdAt: input.now, updatedAt: input.now, contentVersion: 0 });
      return toProject(doc.toObject());
    },

    async findOwned(id, ownerId) {
      const _id = toObjectId(id);
      if (!_id) return undefined;
      // By `_id` alone, the owner checked here: the embedded database answers only `_id` without a scan.
      const doc = await projects.findOne({ _id }).lean();
      return doc?.ownerId === ownerId ? toProject(doc) : undefined;
    },

    async listOwned(ownerId, limit, after) {
      const filter: Record<string, unknown> = { ownerId };
      if (after) {
        filter.$or = [
          { createdAt: mongoose.trusted({ $lt: after.createdAt }) },
          { createdAt: after.createdAt, _id: mongoose.trusted({ $lt: toObjectId(after.id) }) },
        ];
      }
      const docs = await projects.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).lean();
      return docs.map(toProject);
    },

    async update(id, changes, contentVersion, now) {
      const doc = await projects.findOneAndUpdate({ _id: toObjectId(id) }, { $set: { ...changes, contentVersion, updatedAt: now } }, afterUpdate).lean();
      return doc ? toProject(doc) : undefined;
    },

    async setContentVersion(id, contentVersion, now) {
      const doc = await projects.findOneAndUpdate({ _id: toObjectId(id) }, { $set: { contentVersion, updatedAt: now } }, afterUpdate).lean();
      return doc ? toProject(doc) : undefined;
    },

    async delete(id) {
      await projects.deleteOne({ _id: toObjectId(id) });
    },

    async listIdsOwnedBy(ownerId) {
      const docs = await projects.find({ ownerId }, { _id: 1 }).lean();
      return docs.map((doc) => doc._id.toHexString());
    },

    async deleteOwnedBy(ownerId) {
      const result = await projects.deleteMany({ ownerId });
      return result.deletedCount;
    },
  };
}
