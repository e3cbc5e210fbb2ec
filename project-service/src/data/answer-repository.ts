import type { Connection } from 'mongoose';
import type { AnswerRepository } from '../domain/ports';
import { toObjectId } from './object-id';
import { answerKey, answerSetModel } from './answer-model';

/**
 * The only code that knows how answers are stored: one document per project (see answer-model.ts); resolves
 * once its collection is ready.
 */
export async function createAnswerRepository(connection: Connection): Promise<AnswerRepository> {
  const answerSets = answerSetModel(connection);
  await answerSets.init();

  return {
    async read(projectId) {
      const _id = toObjectId(projectId);
      const doc = _id && (await answerSets.findOne({ _id }).lean());
      if (!doc) return undefined;
      // A first save that only removes answers creates the document without any.
      return { answers: Object.values(doc.answers ?? {}), version: doc.version };
    },

    /** A whole save is ONE update of the project's document. */
    async save(projectId, writes, version, now) {
      const set: Record<string, unknown> = { version, updatedAt: now };
      const unset: Record<string, ''> = {};
      for (const { fieldId, value } of writes) {
        if (value === '') unset[`answers.${answerKey(fieldId)}`] = '';
        else set[`answers.${answerKey(fieldId)}`] = { fieldId, value, updatedAt: now };
      }
      await answerSets.updateOne({ _id: toObjectId(projectId) }, { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) }, { upsert: true });
    },

    async delete(projectId) {
      const result = await answerSets.deleteOne({ _id: toObjectId(projectId) });
      return result.deletedCount;
    },
  };
}
