import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { StoredAnswer } from '../domain/ports';

/**
 * All answers of one project in ONE document whose `_id` is the project's id: a save of any size is one
 * update of one document (atomic on MongoDB, one write on FerretDB), and every read is an `_id` lookup,
 * the one query the embedded database answers without scanning the collection.
 */
export interface AnswerSetDocument {
  _id: Types.ObjectId;
  /**
   * Keyed by `answerKey(fieldId)`; absent when the only save so far removed answers. Each entry keeps its field
   * id in full, because the key it is stored under cannot hold dots.
   */
  answers?: Record<string, StoredAnswer>;
  /** The project's content version this save made; see project-repository.ts for how the two are read. */
  version: number;
  updatedAt: Date;
}

/** A field id as a document key: MongoDB paths split at dots, and catalog ids never contain ':'. */
export const answerKey = (fieldId: string) => fieldId.replaceAll('.', ':');

const answerSetSchema = new Schema<AnswerSetDocument>(
  {
    answers: { type: Schema.Types.Mixed, required: true, default: {} },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

export function answerSetModel(connection: Connection): Model<AnswerSetDocument> {
  return (connection.models.AnswerSet as Model<AnswerSetDocument> | undefined) ?? connection.model<AnswerSetDocument>('AnswerSet', answerSetSchema, 'answers');
}
