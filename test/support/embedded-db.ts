import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, restartableServer } from './processes';

export const EMBEDDED_DB_BINARY = resolve(__dirname, '../../.bin/embedded-db');

/** The project's embedded FerretDB on a free port with its own data folder (built by scripts/setup.sh). */
export async function startEmbeddedDb() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'playbook-db-'));
  const server = restartableServer(EMBEDDED_DB_BINARY, ['-listen', `127.0.0.1:${port}`, '-dir', dataDir], port, dataDir, 20_000);
  await server.start();
  const { pid, stop, restart, destroy } = server;
  return { port, pid, url: `mongodb://127.0.0.1:${port}`, dataDir, stop, restart, destroy };
}
export type TestEmbeddedDb = Awaited<ReturnType<typeof startEmbeddedDb>>;
