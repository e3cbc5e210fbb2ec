import { MongoClient } from 'mongodb';
import { connect } from 'nats';
import type { TestStack } from '../../support/stack';

/**
 * Looks straight into pdf-service's store (the stack must own its database: `ownDatabase: true`): the jobs
 * (`pdf_jobs` in its database) and the finished PDFs (JetStream object store `pdfs`, one object per cache key).
 */
export async function storedPdfCounts(stack: TestStack): Promise<{ jobs: number; files: number; filesPerJob: Array<{ jobId: string; status: string; files: number }> }> {
  if (!stack.db) throw new Error('storedPdfCounts needs a stack started with ownDatabase: true');
  const client = new MongoClient(stack.db.url, { serverSelectionTimeoutMS: 5_000 });
  const nats = await connect({ servers: stack.nats.url, timeout: 5_000 });
  try {
    await client.connect();
    const { databases } = await client.db('admin').admin().listDatabases();
    const name = databases.map((d) => d.name).find((n) => n.endsWith('_pdf'));
    const jobs = name ? await client.db(name).collection<{ _id: string; status: string; cacheKey: string }>('pdf_jobs').find({}).toArray() : [];
    const objects: string[] = [];
    try {
      const store = await nats.jetstream().views.os('pdfs');
      for (const info of await store.list()) if (!info.deleted) objects.push(info.name);
    } catch {
      // no PDF stored yet: the bucket does not exist
    }
    return {
      jobs: jobs.length,
      files: objects.length,
      filesPerJob: jobs.map((job) => ({ jobId: job._id, status: job.status, files: objects.filter((object) => object === job.cacheKey).length })),
    };
  } finally {
    await client.close();
    await nats.close();
  }
}
