import { Schema, type Connection, type Model, type Types } from 'mongoose';

/**
 * The one change in progress on what `_id` names (a project, an owner's list of projects): inserting the
 * document is the lock, the only write FerretDB v1 makes atomic for concurrent clients.
 */
export interface LockDocument {
  /** A project's ObjectId, or an owner's id. */
  _id: Types.ObjectId | string;
  writeId: string;
  /** When the change began, moved forward while it runs (renewed every third of the stale limit). */
  startedAt: Date;
}

const lockFields = {
  writeId: { type: String, required: true },
  startedAt: { type: Date, required: true },
};

const projectLockSchema = new Schema<LockDocument>(lockFields, { versionKey: false });
const ownerLockSchema = new Schema<LockDocument>({ _id: String, ...lockFields }, { versionKey: false });

/** Keyed by the project's ObjectId. */
export function projectLockModel(connection: Connection): Model<LockDocument> {
  return (connection.models.ProjectLock as Model<LockDocument> | undefined) ?? connection.model<LockDocument>('ProjectLock', projectLockSchema, 'project_locks');
}

/** Keyed by the owner's id (the user id of the access token). */
export function ownerLockModel(connection: Connection): Model<LockDocument> {
  return (connection.models.OwnerLock as Model<LockDocument> | undefined) ?? connection.model<LockDocument>('OwnerLock', ownerLockSchema, 'owner_locks');
}
