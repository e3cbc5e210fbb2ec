import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { Project } from '../domain/ports';

/** A project as stored: the domain's fields, keyed by an ObjectId. */
export type ProjectDocument = Omit<Project, 'id'> & { _id: Types.ObjectId };

const projectSchema = new Schema<ProjectDocument>(
  {
    ownerId: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    contentVersion: { type: Number, required: true, default: 0 },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// The list query: one owner's projects, newest first, (createdAt, _id) as the cursor.
projectSchema.index({ ownerId: 1, createdAt: -1, _id: -1 });

export function projectModel(connection: Connection): Model<ProjectDocument> {
  return (connection.models.Project as Model<ProjectDocument> | undefined) ?? connection.model<ProjectDocument>('Project', projectSchema, 'projects');
}
