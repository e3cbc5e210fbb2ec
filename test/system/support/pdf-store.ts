import { MongoClient } from 'mongodb';
import type { TestStack } from '../../support/stack';

/**
 * Looks straight into pdf-service's database (the stack must own its database: `ownDatabase: true`):
 * the jobs (`pdf_jobs`) and the GridFS files (bucket `pdfs`, one file per cache key).
 */
export async function storedPdfCounts(stack: TestStack): Promise<{ jobs: number; files: number; filesPerJob: Array<{ jobId: string; status: string; files: number }> }> {
  if (!stack.db) throw new Error('storedPdfCounts needs a stack started with ownDatabase: true');
  const client = new MongoClient(stack.db.url, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.connect();
    const { databases } = await client.db('admin').admin().listDatabases();
    const name = databases.map((d) => d.name).find((n) => n.endsWith('_pdf'));
    if (!name) return { jobs: 0, files: 0, filesPerJob: [] };
    const db = client.db(name);
    const jobs = await db.collection<{ _id: string; status: string; cacheKey: string }>('pdf_jobs').find({}).toArray();
    const files = await db.collection<{ filename: string }>('pdfs.files').find({}).toArray();
    return {
      jobs: jobs.length,
      files: files.length,
      filesPerJob: jobs.map((job) => ({ jobId: job._id, status: job.status, files: files.filter((file) => file.filename === job.cacheKey).length })),
    };
  } finally {
    await client.close();
  }
}
