import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** One answer: one document, so field ids (which contain dots) are values, never keys. */
export interface ResponseDocument {
  _id: Types.ObjectId;
  projectId: Types.ObjectId;
  fieldId: string;
  value: string;
  updatedAt: Date;
}

const responseSchema = new Schema<ResponseDocument>(
  {
    projectId: { type: Schema.Types.ObjectId, required: true },
    fieldId: { type: String, required: true },
    value: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
responseSchema.index({ projectId: 1, fieldId: 1 }, { unique: true });

export function responseModel(connection: Connection): Model<ResponseDocument> {
  return (connection.models.Response as Model<ResponseDocument> | undefined) ?? connection.model<ResponseDocument>('Response', responseSchema, 'responses');
}
