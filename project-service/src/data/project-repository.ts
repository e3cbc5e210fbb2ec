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
 * The only code that knows how projects are stored. Lookups by id also check the owner. Updates set the
 * content version the caller computed while holding the project's lock (domain/project-lock.ts).
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
      // By `_id` alone, the owner checked here: the embedded database answers only `_id` without a scan.
      const doc = await projects.findOne({ _id }).lean();
      return doc?.ownerId === ownerId ? toProject(doc) : undefined;
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

    /** Changes name/description and sets the content version the change makes. */
    async update(id: string, changes: { name?: string; description?: string }, contentVersion: number, now: Date): Promise<Project | undefined> {
      const doc = await projects.findOneAndUpdate({ _id: toObjectId(id) }, { $set: { ...changes, contentVersion, updatedAt: now } }, afterUpdate).lean();
      return doc ? toProject(doc) : undefined;
    },

    /** Records the content version a save of answers made (or one found ahead of the project after a crash). */
    async setContentVersion(id: string, contentVersion: number, now: Date): Promise<Project | undefined> {
      const doc = await projects.findOneAndUpdate({ _id: toObjectId(id) }, { $set: { contentVersion, updatedAt: now } }, afterUpdate).lean();
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
