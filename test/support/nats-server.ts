import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, waitForPort, type StartedProcess } from './processes';

/**
 * A real nats-server with JetStream for one test file (each file gets its own, so subjects never
 * collide between suites running in parallel). `restart` keeps the port and the JetStream data.
 */
export async function startNatsServer() {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'playbook-nats-'));
  let process: StartedProcess | undefined;
  const start = async () => {
    process = startProcess('nats-server', ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port)]);
    await waitForPort(port, 10_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${process?.output()}`);
    });
  };
  await start();
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    stop: async () => { await process?.stop(); },
    restart: start,
    async destroy() {
      await process?.stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
export type TestNatsServer = Awaited<ReturnType<typeof startNatsServer>>;
