import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { Project } from '../domain/ports';

/** A project as stored: the domain's fields, keyed by an ObjectId; no `members` before members existed. */
export type ProjectDocument = Omit<Project, 'id' | 'members'> & { _id: Types.ObjectId; members?: Project['members'] };

const projectSchema = new Schema<ProjectDocument>(
  {
    ownerId: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    contentVersion: { type: Number, required: true, default: 0 },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    // The members besides the owner; a project stored before members existed has none (owner only).
    members: {
      type: [{ _id: false, userId: { type: String, required: true }, role: { type: String, required: true, enum: ['editor', 'viewer'] }, email: { type: String }, addedAt: { type: Date, required: true } }],
      default: undefined,
    },
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
  /** A project shared with the user as a member, not their own: not counted against the projects they may keep. */
  shared?: boolean;
}

/**
 * One user's list: the projects they own and those shared with them as a member, keyed by the user's id. The
 * embedded database reads a whole collection for any filter but `_id`, so the list finds a user's projects
 * here rather than by `ownerId` or by member.
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
    projects: [{ _id: false, id: { type: Schema.Types.ObjectId, required: true }, createdAt: { type: Date, required: true }, shared: { type: Boolean } }],
    deletedAt: { type: Date },
  },
  { versionKey: false },
);

export function ownerProjectsModel(connection: Connection): Model<OwnerProjectsDocument> {
  return (connection.models.OwnerProjects as Model<OwnerProjectsDocument> | undefined) ?? connection.model<OwnerProjectsDocument>('OwnerProjects', ownerProjectsSchema, 'owner_projects');
}
