import mongoose, { type Connection } from 'mongoose';
import { toObjectId } from './object-id';
import { projectModel, type ProjectDocument } from './project-model';

/** One answer to write; an empty value removes the answer. */
export interface AnswerWrite {
  fieldId: string;
  value: string;
}

/** A project as the use cases see it: the stored fields, with the id as a string. */
export type Project = Omit<ProjectDocument, '_id'> & { id: string };

/** Where a page of the newest-first list ended. */
export interface ListPosition {
  createdAt: Date;
  id: string;
}

function toProject({ _id, ownerId, name, description, contentVersion, createdAt, updatedAt }: ProjectDocument): Project {
  return { id: _id.toHexString(), ownerId, name, description, contentVersion, createdAt, updatedAt };
}

export type ProjectRepository = ReturnType<typeof createProjectRepository>;

/**
 * The only code that knows how projects are stored. Lookups by id also check the owner. The updates bump
 * `contentVersion` with `$inc`, which FerretDB v1 does not make atomic: callers hold the project's lock.
 */
export function createProjectRepository(connection: Connection) {
  const projects = projectModel(connection);
  const afterUpdate = { returnDocument: 'after' as const };

  return {
    async create(input: { ownerId: string; name: string; description: string; now: Date }): Promise<Project> {
      const doc = await projects.create({ ownerId: input.ownerId, name: input.name, description: input.description, createdAt: input.now, updatedAt: input.now, contentVersion: 0 });
      return toProject(doc.toObject());
    },

    async findOwned(id: string, ownerId: string): Promise<Project | undefined> {
      const _id = toObjectId(id);
      if (!_id) return undefined;
      const doc = await projects.findOne({ _id, ownerId }).lean();
      return doc ? toProject(doc) : undefined;
    },

    /** Newest first by (createdAt, _id), strictly after `after`: stable while new projects are created. */
    async listOwned(ownerId: string, limit: number, after?: ListPosition): Promise<Project[]> {
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

    /** Changes name/description and bumps the content version. */
    async update(id: string, changes: { name?: string; description?: string }, now: Date): Promise<Project | undefined> {
      const doc = await projects.findOneAndUpdate({ _id: toObjectId(id) }, { $set: { ...changes, updatedAt: now }, $inc: { contentVersion: 1 } }, afterUpdate).lean();
      return doc ? toProject(doc) : undefined;
    },

    /** Marks the answers as changed: bumps the content version and `updatedAt`. */
    async bumpVersion(id: string, now: Date): Promise<Project | undefined> {
      const doc = await projects.findOneAndUpdate({ _id: toObjectId(id) }, { $set: { updatedAt: now }, $inc: { contentVersion: 1 } }, afterUpdate).lean();
      return doc ? toProject(doc) : undefined;
    },

    async delete(id: string): Promise<void> {
      await projects.deleteOne({ _id: toObjectId(id) });
    },

    async listIdsOwnedBy(ownerId: string): Promise<string[]> {
      const docs = await projects.find({ ownerId }, { _id: 1 }).lean();
      return docs.map((doc) => doc._id.toHexString());
    },

    async deleteOwnedBy(ownerId: string): Promise<number> {
      const result = await projects.deleteMany({ ownerId });
      return result.deletedCount;
    },
  };
}
