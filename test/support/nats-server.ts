import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, restartableServer } from './processes';

/**
 * A real nats-server with JetStream for one test file (each file gets its own, so subjects never
 * collide between suites running in parallel). `restart` keeps the port and the JetStream data.
 */
export async function startNatsServer() {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'playbook-nats-'));
  const server = restartableServer('nats-server', ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port)], port, storeDir, 10_000);
  await server.start();
  const { stop, restart, destroy } = server;
  return { port, url: `nats://127.0.0.1:${port}`, stop, restart, destroy };
}
export type TestNatsServer = Awaited<ReturnType<typeof startNatsServer>>;
