import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVICES, type ServiceFolder } from '@playbook/contract';
import { startEmbeddedDb, type TestEmbeddedDb } from './embedded-db';
import { assertNoViolations, startNatsServer, type TestNats, type TestNatsServer } from './nats-server';
import { freePort, startProcess, type StartedProcess } from './processes';
import { uniqueDbName } from './test-env';

const ROOT = resolve(__dirname, '../..');
/** The services in start order (the services table's order: the gateway last, behind the others). */
export const STACK_SERVICES = SERVICES.map((service) => service.folder);
export type StackServiceName = ServiceFolder;

/** What the stack needs of NATS: where it is, each service's identity, and how to remove it when the stack stops. */
export interface StackNats extends TestNats {
  destroy(): Promise<void>;
}

export interface StackOptions<N extends StackNats = TestNatsServer> {
  /** Extra environment for every service (e.g. limits switched off for a load test). */
  env?: Record<string, string>;
  /** Use its own embedded database instead of the suite-wide one, so a test may stop and restart it. */
  ownDatabase?: boolean;
  /** NATS to run on instead of a nats-server of its own, e.g. a cluster (`url` lists every node); destroyed with the stack. */
  nats?: N;
  /** Sees every chunk a service writes, from its first byte on, with the stream it came on. */
  onOutput?: (service: StackServiceName, stream: 'stdout' | 'stderr', chunk: Buffer) => void;
}

/**
 * The whole system as separate processes on free ports, as `npm start` runs it: a real nats-server with
 * JetStream, the embedded database, and the four compiled services (`npx tsc -b` first; scripts/test.sh does).
 * Faults are the test's to make: stop/restart NATS or the database, kill or restart a service.
 */
export async function startStack<N extends StackNats = TestNatsServer>(options: StackOptions<N> = {}) {
  const nats: N = options.nats ?? ((await startNatsServer()) as StackNats as N);
  const db: TestEmbeddedDb | undefined = options.ownDatabase ? await startEmbeddedDb() : undefined;
  const mongoUrl = db?.url ?? process.env.TEST_MONGO_URL;
  if (!mongoUrl) throw new Error('no database: run through jest (global setup) or pass ownDatabase');
  const dataDir = mkdtempSync(join(tmpdir(), 'playbook-stack-'));
  const ports = Object.fromEntries(await Promise.all(STACK_SERVICES.map(async (name) => [name, await freePort()] as const))) as Record<StackServiceName, number>;
  const url = (name: StackServiceName) => `http://127.0.0.1:${ports[name]}`;
  // Metrics on a port of their own, as the chart runs them (METRICS_PORT): the service port answers 404 for /metrics.
  const metricsPorts = Object.fromEntries(await Promise.all(STACK_SERVICES.map(async (name) => [name, await freePort()] as const))) as Record<StackServiceName, number>;
  const metricsUrl = (name: StackServiceName) => `http://127.0.0.1:${metricsPorts[name]}`;
  const dbPrefix = uniqueDbName('stack');
  // The gateway signs each client IP with it, and auth-service, which throttles by client IP, checks it; as in the chart, no other service holds it.
  const forwardingKeyFile = join(dataDir, 'forwarding.key');
  writeFileSync(forwardingKeyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  const envFor = (name: StackServiceName): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_OPTIONS: SERVICES.find((service) => service.folder === name)!.nodeOptions,
    NODE_ENV: 'test',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    PORT: String(ports[name]),
    METRICS_PORT: String(metricsPorts[name]),
    ...nats.env(name),
    MONGO_URL: mongoUrl,
    MONGO_DB: `${dbPrefix}_${name.replace('-service', '')}`,
    JWT_KEYS_DIR: join(dataDir, 'keys'),
    ...(name === 'gateway' || name === 'auth-service' ? { FORWARDING_KEY_FILE: forwardingKeyFile } : {}),
    ...Object.fromEntries(SERVICES.map((service) => [service.urlVariable, url(service.folder)])),
    ...options.env,
  });
  const processes = new Map<StackServiceName, StartedProcess>();
  const startService = async (name: StackServiceName) => {
    const started = startProcess(process.execPath, [join(ROOT, name, 'dist/main.js')], envFor(name));
    const { onOutput } = options;
    if (onOutput) {
      started.child.stdout?.on('data', (chunk: Buffer) => onOutput(name, 'stdout', chunk));
      started.child.stderr?.on('data', (chunk: Buffer) => onOutput(name, 'stderr', chunk));
    }
    processes.set(name, started);
    await waitForOk(`${url(name)}/readyz`, 30_000, () => started.output());
  };
  for (const name of STACK_SERVICES) await startService(name);
  const gatewayUrl = url('gateway');
  await waitForOk(`${gatewayUrl}/api/health`, 30_000, () => [...processes.values()].map((p) => p.output()).join('\n'));

  return {
    gatewayUrl,
    url,
    /** Where a service serves `/metrics`. */
    metricsUrl,
    /** The database a service was given (MONGO_URL, MONGO_DB). */
    database: (name: StackServiceName) => ({ url: mongoUrl, name: envFor(name).MONGO_DB! }),
    nats,
    db,
    /** What a service has printed so far (JSON lines). */
    logs: (name: StackServiceName) => processes.get(name)?.output() ?? '',
    process: (name: StackServiceName) => processes.get(name),
    startService,
    async stopService(name: StackServiceName, signal: NodeJS.Signals = 'SIGTERM') {
      return processes.get(name)?.stop(signal);
    },
    async stop() {
      for (const name of [...STACK_SERVICES].reverse()) await processes.get(name)?.stop('SIGTERM', 10_000);
      const violations = nats.violations();
      await nats.destroy();
      await db?.destroy();
      rmSync(dataDir, { recursive: true, force: true });
      assertNoViolations(violations);
    },
  };
}
export type TestStack<N extends StackNats = TestNatsServer> = Awaited<ReturnType<typeof startStack<N>>>;

/** Polls `url` until it answers 200, or fails with the processes' output. */
export async function waitForOk(url: string, timeoutMs: number, output: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (last: ${last})\n${output().slice(-4000)}`);
}
