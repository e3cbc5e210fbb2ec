import { delimiter, resolve } from 'node:path';
import { startEmbeddedDb } from './embedded-db';

/**
 * One embedded database for the whole run (suites use their own database names); MONGO_URL points elsewhere if set.
 * The project's own binaries (.bin/nats-server, the chart's NATS version) come first on every test's PATH.
 */
export default async function globalSetup(): Promise<void> {
  process.env.PATH = `${resolve(__dirname, '../../.bin')}${delimiter}${process.env.PATH}`;
  if (process.env.MONGO_URL) {
    process.env.TEST_MONGO_URL = process.env.MONGO_URL;
    return;
  }
  const db = await startEmbeddedDb();
  (globalThis as { __embeddedDb?: typeof db }).__embeddedDb = db;
  process.env.TEST_MONGO_URL = db.url;
}
