import { upsertRacing } from '@playbook/kit/mongo';
import { LRUCache } from 'lru-cache';
import mongoose, { type Connection } from 'mongoose';
import type { PdfJob, PdfJobStatus } from '../domain/pdf-job';
import type { JobRepository } from '../domain/ports';
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
  ...(doc.slot !== undefined ? { slot: doc.slot } : {}),
  ...(doc.heldUntil ? { heldUntil: doc.heldUntil } : {}),
});

/** Filters built here from trusted values only; `trusted` keeps mongoose's sanitizeFilter from wrapping operators. */
const anyOf = <T extends string>(values: T[]) => mongoose.trusted({ $in: values }) as { $in: T[] };
const ACTIVE: PdfJobStatus[] = ['queued', 'rendering'];
const before = (date: Date) => mongoose.trusted({ $lt: date });

/**
 * The only code that knows how jobs are stored; works on MongoDB and FerretDB (no transactions, no findAndModify
 * projections). Resolves once the indexes exist and jobs stored before pdf_jobs_by_key existed are indexed.
 */
export async function createJobRepository(connection: Connection): Promise<JobRepository> {
  const jobs = jobModel(connection);
  const newestByKey = jobByKeyModel(connection);
  await Promise.all([jobs.init(), newestByKey.init()]);
  // Jobs stored before pdf_jobs_by_key existed: indexed once (a key missed here only costs a new render).
  if ((await newestByKey.estimatedDocumentCount()) === 0) {
    const newest = new Map<string, string>();
    for await (const doc of jobs.find({}, { cacheKey: 1 }).sort({ createdAt: 1 }).lean<Array<Pick<JobDocument, '_id' | 'cacheKey'>>>().cursor()) newest.set(doc.cacheKey, doc._id);
    for (const [cacheKey, jobId] of newest) await newestByKey.updateOne({ _id: cacheKey }, { $set: { jobId } }, { upsert: true });
  }

  // The done jobs this process has seen: by content, so that a cached PDF is found without reading the database
  // twice, and for a minute by id, so that a request woken by its render's `done` reads nothing (docs/benchmarks.md,
  // PDF rendering). A done job never changes; deleteWhere forgets what it deletes, and one past its expiry is
  // dropped. Another replica's deletion is not seen here: by content, those follow a project's or an account's
  // deletion, which the version check refuses first; by id, the minute bounds how long a deleted job still shows.
  const doneByKey = new LRUCache<string, PdfJob>({ max: 5_000 });
  const doneById = new LRUCache<string, PdfJob>({ max: 5_000, ttl: 60_000 });
  const rememberDone = (job: PdfJob | undefined) => {
    if (job?.status === 'done') {
      doneByKey.set(job.cacheKey, job);
      doneById.set(job.jobId, job);
    }
    return job;
  };
  const forget = (job: PdfJob) => {
    doneByKey.delete(job.cacheKey);
    doneById.delete(job.jobId);
  };
  const remembered = (cache: LRUCache<string, PdfJob>, key: string) => {
    const job = cache.get(key);
    if (job && job.expiresAt.getTime() <= Date.now()) return void forget(job);
    return job;
  };

  const find = async (jobId: string): Promise<PdfJob | undefined> => {
    const done = remembered(doneById, jobId);
    if (done) return done;
    const doc = await jobs.findById(jobId).lean<JobDocument>();
    return doc ? toJob(doc) : undefined;
  };

  return {
    async create(job) {
      // A held job is rendered by its requester from the start: its first attempt.
      const created = await jobs.create({ _id: job.jobId, ...job, ...(job.heldUntil ? { status: 'rendering', attempts: 1 } : { status: 'queued', attempts: 0 }) });
      await upsertRacing(() => newestByKey.updateOne({ _id: job.cacheKey }, { $set: { jobId: job.jobId } }, { upsert: true }));
      return toJob(created.toObject());
    },
    find,
    async findLatestForKey(cacheKey, statuses) {
      const done = statuses.includes('done') ? remembered(doneByKey, cacheKey) : undefined;
      if (done) return done;
      const newest = await newestByKey.findById(cacheKey).lean<JobByKeyDocument>();
      const job = rememberDone(newest ? await find(newest.jobId) : undefined);
      return job && statuses.includes(job.status) ? job : undefined;
    },
    async markRendering(jobId, attempt) {
      await jobs.updateOne({ _id: jobId, status: anyOf(ACTIVE) }, { $set: { status: 'rendering', attempts: attempt } });
    },
    async markRetrying(jobId, error) {
      await jobs.updateOne({ _id: jobId, status: anyOf(ACTIVE) }, { $set: { status: 'queued', error }, $unset: { heldUntil: 1 } });
    },
    async markDone(job, render) {
      // Returns the job as it now is without reading it back.
      const updatedAt = new Date();
      await jobs.updateOne({ _id: job.jobId }, { $set: { status: 'done', ...render, finishedAt: updatedAt }, $unset: { error: 1 } });
      const { error: _error, ...rest } = job;
      return rememberDone({ ...rest, ...render, status: 'done', updatedAt })!;
    },
    async markFailed(jobId, error) {
      const result = await jobs.updateOne({ _id: jobId, status: anyOf(ACTIVE) }, { $set: { status: 'failed', error, finishedAt: new Date() } });
      return result.matchedCount > 0 ? find(jobId) : undefined;
    },
    async deleteWhere(filter) {
      const query = 'expiredBefore' in filter ? { expiresAt: before(filter.expiredBefore) } : filter;
      const docs = await jobs.find(query, { fileId: 1 }).lean<Array<Pick<JobDocument, '_id' | 'fileId'>>>();
      if (docs.length === 0) return [];
      const ids = docs.map((doc) => doc._id);
      const deleted = new Set(ids);
      for (const job of [...doneByKey.values(), ...doneById.values()]) if (deleted.has(job.jobId)) forget(job);
      await jobs.deleteMany({ _id: anyOf(ids) });
      await newestByKey.deleteMany({ jobId: anyOf(ids) });
      return [...new Set(docs.map((doc) => doc.fileId).filter((id): id is string => Boolean(id)))];
    },
    async isFileReferenced(fileId) {
      return (await jobs.exists({ fileId })) !== null;
    },
  };
}
