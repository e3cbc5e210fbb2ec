import type { Connection } from 'mongoose';
import { toObjectId } from './object-id';
import { answerKey, answerSetModel, type StoredAnswerEntry } from './answer-model';
import type { AnswerWrite } from './project-repository';

export type StoredAnswer = StoredAnswerEntry;

/** A project's answers and the content version of the save that wrote them last. */
export interface AnswerSet {
  answers: StoredAnswer[];
  version: number;
}

export type AnswerRepository = ReturnType<typeof createAnswerRepository>;

/** The only code that knows how answers are stored: one document per project (see answer-model.ts). */
export function createAnswerRepository(connection: Connection) {
  const answerSets = answerSetModel(connection);

  return {
    async read(projectId: string): Promise<AnswerSet | undefined> {
      const _id = toObjectId(projectId);
      const doc = _id && (await answerSets.findOne({ _id }).lean());
      if (!doc) return undefined;
      // A first save that only removes answers creates the document without any.
      return { answers: Object.values(doc.answers ?? {}), version: doc.version };
    },

    /**
     * Writes a whole save as ONE update of the project's document: a value sets its answer, an empty value
     * removes it, and the document records the content version the save made.
     */
    async save(projectId: string, writes: AnswerWrite[], version: number, now: Date): Promise<void> {
      const set: Record<string, unknown> = { version, updatedAt: now };
      const unset: Record<string, ''> = {};
      for (const { fieldId, value } of writes) {
        if (value === '') unset[`answers.${answerKey(fieldId)}`] = '';
        else set[`answers.${answerKey(fieldId)}`] = { fieldId, value, updatedAt: now };
      }
      await answerSets.updateOne({ _id: toObjectId(projectId) }, { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) }, { upsert: true });
    },

    async delete(projectId: string): Promise<number> {
      const result = await answerSets.deleteOne({ _id: toObjectId(projectId) });
      return result.deletedCount;
    },
  };
}
