import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * The one change in progress on a project; its `_id` is the project's id, so inserting it is the lock
 * (the only write FerretDB v1 makes atomic for concurrent clients). A save of answers also carries its
 * answers, as a journal to finish from if the writer dies.
 */
export interface ProjectLockDocument {
  _id: Types.ObjectId;
  writeId: string;
  startedAt: Date;
  /** An array, never an object keyed by field id: field ids contain dots. Null for a rename or a delete. */
  items: Array<{ fieldId: string; value: string }> | null;
}

const projectLockSchema = new Schema<ProjectLockDocument>(
  {
    writeId: { type: String, required: true },
    startedAt: { type: Date, required: true },
    items: { type: [{ _id: false, fieldId: { type: String, required: true }, value: { type: String, default: '' } }], default: null },
  },
  { versionKey: false },
);

export function projectLockModel(connection: Connection): Model<ProjectLockDocument> {
  return (connection.models.ProjectLock as Model<ProjectLockDocument> | undefined) ?? connection.model<ProjectLockDocument>('ProjectLock', projectLockSchema, 'project_locks');
}
