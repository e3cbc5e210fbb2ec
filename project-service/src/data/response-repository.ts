import mongoose, { type AnyBulkWriteOperation, type Connection, type Types } from 'mongoose';
import { toObjectId } from './object-id';
import type { AnswerWrite } from './project-repository';
import { responseModel, type ResponseDocument } from './response-model';

export interface StoredAnswer {
  fieldId: string;
  value: string;
  updatedAt: Date;
}

/**
 * Operations per bulkWrite. FerretDB v1.24 (SQLite) never answers an `update` command of more than 100
 * statements that match existing documents (measured: 95 fine, 101 hangs), so a save of up to 200 answers
 * goes in chunks; the journal in domain/project-lock.ts keeps the whole save all-or-nothing.
 */
const BULK_CHUNK = 50;

export type ResponseRepository = ReturnType<typeof createResponseRepository>;

/** The only code that knows how answers are stored: one document per (projectId, fieldId). */
export function createResponseRepository(connection: Connection) {
  const responses = responseModel(connection);
  const objectIds = (ids: string[]) => ids.map(toObjectId).filter((id): id is Types.ObjectId => id !== undefined);

  return {
    async listForProject(projectId: string): Promise<StoredAnswer[]> {
      const docs = await responses.find({ projectId: toObjectId(projectId) }).lean();
      return docs.map(({ fieldId, value, updatedAt }) => ({ fieldId, value, updatedAt }));
    },

    /**
     * Applies every write in order with ordered bulkWrites: an upsert per value, a delete per empty value.
     * Each operation sets an end state, so applying the same writes again (a retry, a roll-forward) is harmless.
     */
    async applyWrites(projectId: string, writes: AnswerWrite[], now: Date): Promise<void> {
      const _id = toObjectId(projectId);
      const operations: AnyBulkWriteOperation<ResponseDocument>[] = writes.map(({ fieldId, value }) =>
        value === ''
          ? { deleteOne: { filter: { projectId: _id, fieldId } } }
          : { updateOne: { filter: { projectId: _id, fieldId }, update: { $set: { value, updatedAt: now } }, upsert: true } },
      );
      for (let start = 0; start < operations.length; start += BULK_CHUNK) {
        await responses.bulkWrite(operations.slice(start, start + BULK_CHUNK), { ordered: true });
      }
    },

    async deleteForProjects(projectIds: string[]): Promise<number> {
      if (projectIds.length === 0) return 0;
      const result = await responses.deleteMany({ projectId: mongoose.trusted({ $in: objectIds(projectIds) }) });
      return result.deletedCount;
    },
  };
}
