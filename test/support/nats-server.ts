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

/** `count` distinct free ports (the kernel may hand a just-released port out twice). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempt = 0; ports.size < count && attempt < count * 10; attempt++) ports.add(await freePort());
  if (ports.size < count) throw new Error(`found only ${ports.size} of ${count} free ports`);
  return [...ports];
}

/**
 * Polls a node's monitoring `/healthz` until it answers 200: the node is up, knows the JetStream meta leader,
 * and every stream and consumer replica it holds has caught up with its leader.
 */
async function waitForHealthz(monitorUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${monitorUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${monitorUrl}/healthz not 200 after ${timeoutMs} ms (last: ${last})`);
}

/**
 * A JetStream cluster of `size` nats-servers on loopback, each with its own ports and store, routed to one
 * another as the chart's StatefulSet members are. `url` lists every node, as NATS_URL does in production.
 * A node may be killed (SIGKILL: no goodbye to the cluster) and restarted on the same ports and store.
 */
export async function startNatsCluster(size = 3) {
  const ports = await distinctFreePorts(size * 3);
  const clusterName = `playbook-test-${ports[0]}`;
  const specs = Array.from({ length: size }, (_, index) => ({
    name: `nats-${index}`,
    port: ports[index * 3]!,
    clusterPort: ports[index * 3 + 1]!,
    monitorPort: ports[index * 3 + 2]!,
    storeDir: mkdtempSync(join(tmpdir(), `playbook-nats-${index}-`)),
  }));
  const routes = specs.map((spec) => `nats://127.0.0.1:${spec.clusterPort}`).join(',');
  const nodes = specs.map((spec) => {
    const args = [
      '-js', '-sd', spec.storeDir, '-n', spec.name, '-a', '127.0.0.1', '-p', String(spec.port), '-m', String(spec.monitorPort),
      '--cluster_name', clusterName, '--cluster', `nats://127.0.0.1:${spec.clusterPort}`, '--routes', routes,
    ];
    const server = restartableServer('nats-server', args, spec.port, spec.storeDir, 15_000);
    const monitorUrl = `http://127.0.0.1:${spec.monitorPort}`;
    return {
      name: spec.name,
      url: `nats://127.0.0.1:${spec.port}`,
      monitorUrl,
      start: server.start,
      /** Kills the node without a graceful shutdown: what a lost machine looks like to the others. */
      kill: () => server.stop('SIGKILL'),
      /** Starts it again on its ports and store, and waits until it has caught up with the cluster. */
      async restart(timeoutMs = 60_000) {
        await server.restart();
        await waitForHealthz(monitorUrl, timeoutMs);
      },
      waitUntilHealthy: (timeoutMs: number) => waitForHealthz(monitorUrl, timeoutMs),
      destroy: server.destroy,
    };
  });
  // Started together: JetStream elects its meta leader once a majority is up.
  await Promise.all(nodes.map((node) => node.start()));
  await Promise.all(nodes.map((node) => node.waitUntilHealthy(60_000)));
  return {
    url: nodes.map((node) => node.url).join(','),
    nodes,
    async destroy() {
      await Promise.all(nodes.map((node) => node.destroy()));
    },
  };
}
export type TestNatsCluster = Awaited<ReturnType<typeof startNatsCluster>>;
