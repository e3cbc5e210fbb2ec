import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * The one change in progress on a project; its `_id` is the project's id, so inserting it is the lock
 * (the only write FerretDB v1 makes atomic for concurrent clients).
 */
export interface ProjectLockDocument {
  _id: Types.ObjectId;
  writeId: string;
  startedAt: Date;
}

const projectLockSchema = new Schema<ProjectLockDocument>(
  {
    writeId: { type: String, required: true },
    startedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export function projectLockModel(connection: Connection): Model<ProjectLockDocument> {
  return (connection.models.ProjectLock as Model<ProjectLockDocument> | undefined) ?? connection.model<ProjectLockDocument>('ProjectLock', projectLockSchema, 'project_locks');
}
