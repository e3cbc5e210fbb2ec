import { MongoClient } from 'mongodb';
import { connect, JSONCodec } from 'nats';
import { harnessConnectOptions, type TestNats } from '../../support/nats-server';
import type { TestStack } from '../../support/stack';

/** A PDF job as pdf-service keeps it (`pdf_jobs` in its database): `attempts` is the JetStream delivery that last took it. */
export interface StoredPdfJob {
  jobId: string;
  status: string;
  attempts: number;
  cacheKey?: string;
}

/** Every PDF job in pdf-service's database (the stack must own its database: `ownDatabase: true`). */
export async function readPdfJobs(stack: TestStack): Promise<StoredPdfJob[]> {
  if (!stack.db) throw new Error('readPdfJobs needs a stack started with ownDatabase: true');
  const client = new MongoClient(stack.db.url, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.connect();
    const { databases } = await client.db('admin').admin().listDatabases();
    const name = databases.map((d) => d.name).find((n) => n.endsWith('_pdf'));
    if (!name) throw new Error(`no pdf database among ${databases.map((d) => d.name).join(', ')}`);
    const jobs = await client.db(name).collection<{ _id: string; status: string; attempts?: number; cacheKey?: string }>('pdf_jobs').find({}).toArray();
    return jobs.map((job) => ({ jobId: job._id, status: job.status, attempts: job.attempts ?? 0, ...(job.cacheKey ? { cacheKey: job.cacheKey } : {}) }));
  } finally {
    await client.close();
  }
}

/**
 * Counts every PDF put into the JetStream object store `pdfs`, by cache key, as it happens: each put publishes
 * the object's metadata on `$O.pdfs.M.<name>`, and this core subscription sees each of those messages. (The
 * store itself keeps only the newest metadata per name, so counting its objects could never show a second put.)
 */
export async function watchPdfStores(stack: { nats: TestNats }): Promise<{ putsOf(cacheKey: string): number; flush(): Promise<void>; close(): Promise<void> }> {
  const nats = await connect({ ...harnessConnectOptions(stack.nats), timeout: 5_000 });
  const puts = new Map<string, number>();
  const codec = JSONCodec<{ name: string; deleted?: boolean }>();
  const subscription = nats.subscribe('$O.pdfs.M.>', {
    callback: (error, message) => {
      if (error) throw error;
      const meta = codec.decode(message.data);
      if (!meta.deleted) puts.set(meta.name, (puts.get(meta.name) ?? 0) + 1);
    },
  });
  await nats.flush();
  return {
    putsOf: (cacheKey) => puts.get(cacheKey) ?? 0,
    /** Waits for a round trip to NATS: every put the server had routed before it has then been counted. */
    flush: () => nats.flush(),
    async close() {
      subscription.unsubscribe();
      await nats.close();
    },
  };
}
