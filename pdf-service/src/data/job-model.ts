import { Schema, type Connection, type Model } from 'mongoose';
import type { PdfJob } from '../domain/pdf-job';

/** One render request and its outcome as stored; `_id` is the public job id. */
export type JobDocument = Omit<PdfJob, 'jobId'> & { _id: string; requestId?: string; finishedAt?: Date };

const jobSchema = new Schema<JobDocument>(
  {
    _id: { type: String, required: true },
    projectId: { type: String, required: true, index: true },
    ownerId: { type: String, required: true, index: true },
    projectName: { type: String, required: true },
    cacheKey: { type: String, required: true, index: true },
    status: { type: String, required: true, enum: ['queued', 'rendering', 'done', 'failed'] },
    error: String,
    fileId: String,
    pages: Number,
    bytes: Number,
    attempts: { type: Number, default: 0 },
    slot: Number,
    heldUntil: Date,
    requestId: String,
    finishedAt: Date,
    expiresAt: { type: Date, required: true, index: true },
  },
  { collection: 'pdf_jobs', versionKey: false, timestamps: true },
);

export function jobModel(connection: Connection): Model<JobDocument> {
  return connection.models.PdfJob ?? connection.model<JobDocument>('PdfJob', jobSchema);
}

/**
 * The newest job of each cache key, keyed by the key: a cached PDF is found by two `_id` lookups, the one
 * query the embedded database answers without scanning its collection (pdf_jobs grows with every request).
 */
export interface JobByKeyDocument {
  _id: string;
  jobId: string;
}

const jobByKeySchema = new Schema<JobByKeyDocument>({ _id: { type: String, required: true }, jobId: { type: String, required: true } }, { collection: 'pdf_jobs_by_key', versionKey: false });

export function jobByKeyModel(connection: Connection): Model<JobByKeyDocument> {
  return connection.models.PdfJobByKey ?? connection.model<JobByKeyDocument>('PdfJobByKey', jobByKeySchema);
}
