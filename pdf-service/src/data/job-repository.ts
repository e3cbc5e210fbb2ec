import mongoose, { type Connection, type Model } from 'mongoose';
import type { PdfJob, PdfJobStatus } from '../domain/pdf-job';
import { jobByKeyModel, jobModel, type JobByKeyDocument, type JobDocument } from './job-model';

const toJob = (doc: JobDocument): PdfJob => ({
  jobId: doc._id,
  projectId: doc.projectId,
  ownerId: doc.ownerId,
  projectName: doc.projectName,
  cacheKey: doc.cacheKey,
  status: doc.status,
  attempts: doc.attempts ?? 0,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  expiresAt: doc.expiresAt,
  ...(doc.error ? { error: doc.error } : {}),
  ...(doc.fileId ? { fileId: doc.fileId } : {}),
  ...(doc.pages !== undefined ? { pages: doc.pages } : {}),
  ...(doc.bytes !== undefined ? { bytes: doc.bytes } : {}),
});

/** Filters built here from trusted values only; `trusted` keeps mongoose's sanitizeFilter from wrapping operators. */
const anyOf = <T extends string>(values: T[]) => mongoose.trusted({ $in: values }) as { $in: T[] };
const ACTIVE: PdfJobStatus[] = ['queued', 'rendering'];
const before = (date: Date) => mongoose.trusted({ $lt: date });

export interface NewJob {
  jobId: string;
  projectId: string;
  ownerId: string;
  projectName: string;
  cacheKey: string;
  requestId?: string;
  expiresAt: Date;
}

export interface FinishedRender {
  fileId: string;
  cacheKey: string;
  pages: number;
  bytes: number;
  expiresAt: Date;
}

/** The only code that knows how jobs are stored; works on MongoDB and FerretDB (no transactions, no findAndModify projections). */
export class JobRepository {
  private readonly jobs: Model<JobDocument>;
  private readonly newestByKey: Model<JobByKeyDocument>;

  constructor(connection: Connection) {
    this.jobs = jobModel(connection);
    this.newestByKey = jobByKeyModel(connection);
  }

  async init(): Promise<void> {
    await Promise.all([this.jobs.init(), this.newestByKey.init()]);
    // Jobs stored before pdf_jobs_by_key existed: indexed once (a key missed here only costs a new render).
    if ((await this.newestByKey.estimatedDocumentCount()) === 0) {
      const newest = new Map<string, string>();
      for await (const doc of this.jobs.find({}, { cacheKey: 1 }).sort({ createdAt: 1 }).lean<Array<Pick<JobDocument, '_id' | 'cacheKey'>>>().cursor()) newest.set(doc.cacheKey, doc._id);
      for (const [cacheKey, jobId] of newest) await this.newestByKey.updateOne({ _id: cacheKey }, { $set: { jobId } }, { upsert: true });
    }
  }

  async create(job: NewJob): Promise<PdfJob> {
    const created = await this.jobs.create({ _id: job.jobId, ...job, status: 'queued', attempts: 0 });
    await this.newestByKey.updateOne({ _id: job.cacheKey }, { $set: { jobId: job.jobId } }, { upsert: true });
    return toJob(created.toObject());
  }

  async find(jobId: string): Promise<PdfJob | undefined> {
    const doc = await this.jobs.findById(jobId).lean<JobDocument>();
    return doc ? toJob(doc) : undefined;
  }

  /** The newest job for this content if its status is one of `statuses`. */
  async findLatestForKey(cacheKey: string, statuses: PdfJobStatus[]): Promise<PdfJob | undefined> {
    const newest = await this.newestByKey.findById(cacheKey).lean<JobByKeyDocument>();
    const job = newest ? await this.find(newest.jobId) : undefined;
    return job && statuses.includes(job.status) ? job : undefined;
  }

  async markRendering(jobId: string, attempt: number): Promise<void> {
    await this.jobs.updateOne({ _id: jobId, status: anyOf(ACTIVE) }, { $set: { status: 'rendering', attempts: attempt } });
  }

  /** Back to the queue after a failed attempt that JetStream will redeliver. */
  async markRetrying(jobId: string, error: string): Promise<void> {
    await this.jobs.updateOne({ _id: jobId, status: anyOf(ACTIVE) }, { $set: { status: 'queued', error } });
  }

  /** Records the stored PDF on the job; returns the job as it now is, without reading it back. */
  async markDone(job: PdfJob, render: FinishedRender): Promise<PdfJob> {
    const updatedAt = new Date();
    await this.jobs.updateOne({ _id: job.jobId }, { $set: { status: 'done', ...render, finishedAt: updatedAt }, $unset: { error: 1 } });
    const { error: _error, ...rest } = job;
    return { ...rest, ...render, status: 'done', updatedAt };
  }

  /** Fails a job still queued or rendering; undefined when it had already finished (or is gone). */
  async markFailed(jobId: string, error: string): Promise<PdfJob | undefined> {
    const result = await this.jobs.updateOne({ _id: jobId, status: anyOf(ACTIVE) }, { $set: { status: 'failed', error, finishedAt: new Date() } });
    return result.matchedCount > 0 ? this.find(jobId) : undefined;
  }

  /** Removes the jobs matching and returns the stored files they pointed at. */
  async deleteWhere(filter: { projectId: string } | { ownerId: string } | { expiredBefore: Date }): Promise<string[]> {
    const query = 'expiredBefore' in filter ? { expiresAt: before(filter.expiredBefore) } : filter;
    const docs = await this.jobs.find(query, { fileId: 1 }).lean<Array<Pick<JobDocument, '_id' | 'fileId'>>>();
    if (docs.length === 0) return [];
    const ids = docs.map((doc) => doc._id);
    await this.jobs.deleteMany({ _id: anyOf(ids) });
    await this.newestByKey.deleteMany({ jobId: anyOf(ids) });
    return [...new Set(docs.map((doc) => doc.fileId).filter((id): id is string => Boolean(id)))];
  }

  /** Whether any job still points at this file (several jobs can share one PDF). */
  async isFileReferenced(fileId: string): Promise<boolean> {
    return (await this.jobs.exists({ fileId })) !== null;
  }
}
