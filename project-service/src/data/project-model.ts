import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface ProjectDocument {
  _id: Types.ObjectId;
  ownerId: string;
  name: string;
  description: string;
  contentVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

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
