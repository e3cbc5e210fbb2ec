import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startProcess, waitForPort, type StartedProcess } from './processes';

export const EMBEDDED_DB_BINARY = resolve(__dirname, '../../.bin/embedded-db');

/** The project's embedded FerretDB on a free port with its own data folder (built by scripts/setup.sh). */
export async function startEmbeddedDb() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'playbook-db-'));
  let process: StartedProcess | undefined;
  const start = async () => {
    process = startProcess(EMBEDDED_DB_BINARY, ['-listen', `127.0.0.1:${port}`, '-dir', dataDir]);
    await waitForPort(port, 20_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${process?.output()}`);
    });
  };
  await start();
  return {
    port,
    url: `mongodb://127.0.0.1:${port}`,
    stop: async () => { await process?.stop(); },
    restart: start,
    async destroy() {
      await process?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
export type TestEmbeddedDb = Awaited<ReturnType<typeof startEmbeddedDb>>;
