import { Types, type Connection } from 'mongoose';
import { toObjectId } from './object-id';
import type { ListPosition, Project, ProjectRepository } from '../domain/ports';
import { ownerProjectsModel, projectModel, type ProjectDocument } from './project-model';

/** Newest first by (createdAt, id): negative when `a` comes first. */
const newestFirst = (a: ListPosition, b: ListPosition) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

function toProject({ _id, ownerId, name, description, contentVersion, createdAt, updatedAt, members }: ProjectDocument): Project {
  const stored = (members ?? []).map(({ userId, role, email, addedAt }) => ({ userId, role, addedAt, ...(email === undefined || email === null ? {} : { email }) }));
  return { id: _id.toHexString(), ownerId, name, description, contentVersion, createdAt, updatedAt, members: stored };
}

const mayRead = (doc: ProjectDocument, userId: string) => doc.ownerId === userId || (doc.members ?? []).some((member) => member.userId === userId);

/**
 * The only code that knows how projects are stored; resolves once its indexes exist. Lookups are by `_id`; the
 * use cases check who may see what (domain/project-roles.ts). Updates set the content version the caller computed while holding the project's lock
 * (domain/project-lock.ts). Each user's list (owner_projects, see project-model.ts) gains a project before
 * the project is stored (or the user made a member of it) and loses it after the project is gone (or the user
 * no longer a member), so a crash in between leaves an entry the list skips, never a project the list cannot find.
 */
export async function createProjectRepository(connection: Connection): Promise<ProjectRepository> {
  const projects = projectModel(connection);
  const owners = ownerProjectsModel(connection);
  await Promise.all([projects.init(), owners.init()]);
  const afterUpdate = { returnDocument: 'after' as const };
  const unlist = async (userId: string, projectId: string) => {
    const list = await owners.findOne({ _id: userId }).lean();
    if (list?.projects.some((listed) => listed.id.toHexString() === projectId)) {
      await owners.updateOne({ _id: userId }, { $set: { projects: list.projects.filter((listed) => listed.id.toHexString() !== projectId) } });
    }
  };

  return {
    async create(input) {
      const _id = new Types.ObjectId();
      await owners.updateOne({ _id: input.ownerId }, { $push: { projects: { id: _id, createdAt: input.now } } }, { upsert: true });
      const doc = await projects.create({ _id, ownerId: input.ownerId, name: input.name, description: input.description, createdAt: input.now, updatedAt: input.now, contentVersion: 0 });
      return toProject(doc.toObject());
    },

    async find(id) {
      const _id = toObjectId(id);
      if (!_id) return undefined;
      // By `_id` alone: the embedded database answers only `_id` without a scan.
      const doc = await projects.findOne({ _id }).lean();
      return doc ? toProject(doc) : undefined;
    },

    async listFor(userId, limit, after) {
      const list = await owners.findOne({ _id: userId }).lean();
      const positions = (list?.projects ?? [])
        .map(({ id, createdAt }) => ({ id: id.toHexString(), createdAt }))
        .filter((position) => !after || newestFirst(after, position) < 0)
        .sort(newestFirst);
      const found: Project[] = [];
      for (let next = 0; next < positions.length && found.length < limit; ) {
        const batch = positions.slice(next, next + limit - found.length);
        next += batch.length;
        const docs = await Promise.all(batch.map(({ id }) => projects.findOne({ _id: new Types.ObjectId(id) }).lean()));
        for (const doc of docs) if (doc && mayRead(doc, userId)) found.push(toProject(doc));
      }
      return found;
    },

    async update(id, changes, contentVersion, now) {
      const doc = await projects.findOneAndUpdate({ _id: toObjectId(id) }, { $set: { ...changes, contentVersion, updatedAt: now } }, afterUpdate).lean();
      return doc ? toProject(doc) : undefined;
    },

    async setContentVersion(id, contentVersion, now) {
      const doc = await projects.findOneAndUpdate({ _id: toObjectId(id) }, { $set: { contentVersion, updatedAt: now } }, afterUpdate).lean();
      return doc ? toProject(doc) : undefined;
    },

    async setMembership(id, { ownerId, members }) {
      await projects.updateOne({ _id: toObjectId(id) }, { $set: { ownerId, members } });
    },

    async delete({ id, ownerId }) {
      await projects.deleteOne({ _id: toObjectId(id) });
      await unlist(ownerId, id);
    },

    // Read, then write the whole list: the caller holds the user's lock, and FerretDB applies neither a
    // conditional push nor a positional update atomically between clients.
    async listProject(userId, { id, createdAt, shared }) {
      const list = await owners.findOne({ _id: userId }).lean();
      const listed = list?.projects.find((entry) => entry.id.toHexString() === id);
      const entry = { id: new Types.ObjectId(id), createdAt, ...(shared ? { shared: true } : {}) };
      if (!listed) await owners.updateOne({ _id: userId }, { $push: { projects: entry } }, { upsert: true });
      else if (Boolean(listed.shared) !== shared) {
        await owners.updateOne({ _id: userId }, { $set: { projects: list!.projects.map((other) => (other === listed ? { id: listed.id, createdAt: listed.createdAt, ...(shared ? { shared: true } : {}) } : other)) } });
      }
    },

    unlistProject: (userId, projectId) => unlist(userId, projectId),

    async listedIds(userId) {
      const list = await owners.findOne({ _id: userId }).lean();
      return (list?.projects ?? []).map((entry) => entry.id.toHexString());
    },

    async ownerState(ownerId) {
      const list = await owners.findOne({ _id: ownerId }).lean();
      return { projects: list?.projects.filter((entry) => !entry.shared).length ?? 0, deleted: list?.deletedAt !== undefined };
    },

    async markOwnerDeleted(ownerId, at) {
      await owners.updateOne({ _id: ownerId }, { $set: { deletedAt: at } }, { upsert: true });
    },

    // By `ownerId`, not the owner's list: deleting an account is rare, and must also find what an older
    // version stored before the lists existed.
    async listIdsOwnedBy(ownerId) {
      const docs = await projects.find({ ownerId }, { _id: 1 }).lean();
      return docs.map((doc) => doc._id.toHexString());
    },

    async deleteOwnedBy(ownerId) {
      const result = await projects.deleteMany({ ownerId });
      await owners.updateOne({ _id: ownerId }, { $set: { projects: [] } });
      return result.deletedCount;
    },
  };
}
