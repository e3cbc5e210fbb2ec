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
// One owner's projects, for deleting an account (the list reads owner_projects).
projectSchema.index({ ownerId: 1, createdAt: -1, _id: -1 });

export function projectModel(connection: Connection): Model<ProjectDocument> {
  return (connection.models.Project as Model<ProjectDocument> | undefined) ?? connection.model<ProjectDocument>('Project', projectSchema, 'projects');
}

/** One entry of an owner's list: enough to order the list without reading the projects. */
export interface ListedProject {
  id: Types.ObjectId;
  createdAt: Date;
}

/**
 * One owner's projects, keyed by the owner's id. The embedded database reads a whole collection for any
 * filter but `_id`, so the list finds an owner's projects here rather than by `ownerId`.
 */
export interface OwnerProjectsDocument {
  _id: string;
  projects: ListedProject[];
  /** Set when the owner's account is deleted: the document stays, so no late request creates anything for it. */
  deletedAt?: Date;
}

const ownerProjectsSchema = new Schema<OwnerProjectsDocument>(
  {
    _id: String,
    projects: [{ _id: false, id: { type: Schema.Types.ObjectId, required: true }, createdAt: { type: Date, required: true } }],
    deletedAt: { type: Date },
  },
  { versionKey: false },
);

export function ownerProjectsModel(connection: Connection): Model<OwnerProjectsDocument> {
  return (connection.models.OwnerProjects as Model<OwnerProjectsDocument> | undefined) ?? connection.model<OwnerProjectsDocument>('OwnerProjects', ownerProjectsSchema, 'owner_projects');
}
