import { startEmbeddedDb } from './embedded-db';

/** One embedded database for the whole run (suites use their own database names); MONGO_URL points elsewhere if set. */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGO_URL) {
    process.env.TEST_MONGO_URL = process.env.MONGO_URL;
    return;
  }
  const db = await startEmbeddedDb();
  (globalThis as { __embeddedDb?: typeof db }).__embeddedDb = db;
  process.env.TEST_MONGO_URL = db.url;
}
