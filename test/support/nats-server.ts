import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NATS_IDENTITIES } from '@playbook/contract';
import { writeNatsUsers, type NatsIdentity } from '@playbook/kit/nats';
import { freePort, restartableServer } from './processes';

/**
 * The project's nats-server (scripts/lib.sh builds the version tools/nats-server pins), by path: a suite without
 * the global setup's PATH (the image suite) must not start whatever other nats-server the machine has.
 */
export const NATS_SERVER = resolve(__dirname, '../../.bin/nats-server');

/** The tests' own identity, beside the services': allowed everything, for a test that plays a service or watches the wire. */
export const TEST_HARNESS_USER = 'test-harness';
const testHarness: NatsIdentity = { user: TEST_HARNESS_USER, publish: ['>'], subscribe: ['>'], answersRequests: true };

export type NatsUser = (typeof NATS_IDENTITIES)[number]['user'] | typeof TEST_HARNESS_USER;

/**
 * The server config every test server runs with: the services' identities from the contract (as the local stack
 * and the chart have them) plus the test harness, each with a fresh password kept in a file under `dir`.
 */
function writeServerConfig(dir: string) {
  const users = writeNatsUsers(dir, [...NATS_IDENTITIES, testHarness]);
  return {
    configFile: users.configFile,
    /** What a client connecting as `user` needs (connectNats's `credentials`). */
    credentials: (user: NatsUser) => ({ user, password: users.password(user) }),
    /** A service's environment for connecting as `user`: what the local stack and the chart give it. */
    env: (url: string, user: NatsUser) => ({ NATS_URL: url, NATS_USER: user, NATS_PASSWORD_FILE: users.passwordFile(user) }),
  };
}

/**
 * A certificate authority made for one test server, and the server's certificate for 127.0.0.1 signed by it
 * (what cert-manager issues in the chart). `otherCaFile` is a CA that signed nothing here.
 */
function writeTlsFiles(dir: string) {
  const file = (name: string) => join(dir, name);
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  for (const ca of ['ca', 'other-ca']) openssl('req', '-x509', ...key, '-keyout', file(`${ca}.key`), '-out', file(`${ca}.crt`), '-days', '2', '-subj', `/CN=playbook test ${ca}`);
  openssl('req', ...key, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1');
  // nats.js checks a server reached by IP address against the name localhost.
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.crt'), '-days', '2', '-extfile', file('server.ext'));
  return { caFile: file('ca.crt'), otherCaFile: file('other-ca.crt'), certFile: file('server.crt'), keyFile: file('server.key') };
}

export interface NatsServerOptions {
  /** Clients must speak TLS to a certificate from the server's own CA (`tls.caFile`, NATS_TLS_CA_FILE in `env`). */
  tls?: boolean;
}

/**
 * A real nats-server with JetStream for one test file (each file gets its own, so subjects never
 * collide between suites running in parallel). `restart` keeps the port and the JetStream data.
 */
export async function startNatsServer(options: NatsServerOptions = {}) {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'playbook-nats-'));
  const config = writeServerConfig(storeDir);
  const tls = options.tls ? writeTlsFiles(storeDir) : undefined;
  const tlsArgs = tls ? ['--tls', '--tlscert', tls.certFile, '--tlskey', tls.keyFile] : [];
  const logFile = join(storeDir, 'nats.log');
  const server = restartableServer(NATS_SERVER, ['-c', config.configFile, ...tlsArgs, '-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port), '-l', logFile], port, storeDir, 10_000);
  await server.start();
  const { pid, stop, restart, destroy } = server;
  const url = `${tls ? 'tls' : 'nats'}://127.0.0.1:${port}`;
  return {
    port,
    /** Anonymous: refused. Connect with `credentials(user)` or start a service with `env(user)`. */
    url,
    credentials: config.credentials,
    env: (user: NatsUser) => ({ ...config.env(url, user), ...(tls ? { NATS_TLS_CA_FILE: tls.caFile } : {}) }),
    tls,
    violations: () => permissionViolations([logFile]),
    pid,
    stop,
    restart,
    destroy,
  };
}
export type TestNatsServer = Awaited<ReturnType<typeof startNatsServer>>;
/** What a test needs to connect to a test server or cluster: its URL, the identities' credentials and environments. */
export type TestNats = Pick<TestNatsServer, 'url' | 'credentials' | 'env' | 'violations'>;

/** nats.js `connect` options for a test's own connection as the test harness. */
export function harnessConnectOptions(nats: TestNats) {
  const { user, password } = nats.credentials(TEST_HARNESS_USER);
  return { servers: nats.url.split(','), user, pass: password };
}

/** The permissions violations a server logged: a client did what its identity may not (contract/src/nats-identities.ts). */
function permissionViolations(logFiles: string[]): string[] {
  return logFiles.flatMap((file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [])).filter((line) => / Violation /.test(line));
}

/**
 * Fails a stack whose services the server refused something: each ran as its own identity, so a refusal is a gap
 * in the contract's table (or a service doing what it may not).
 */
export function assertNoViolations(violations: string[]): void {
  if (violations.length) throw new Error(`NATS refused the services ${violations.length} time(s):\n${violations.slice(0, 10).join('\n')}`);
}

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
  // One config for every node: a client may land on any of them.
  const configDir = mkdtempSync(join(tmpdir(), 'playbook-nats-cluster-'));
  const config = writeServerConfig(configDir);
  const nodes = specs.map((spec) => {
    const args = [
      '-c', config.configFile, '-l', join(spec.storeDir, 'nats.log'), '-js', '-sd', spec.storeDir, '-n', spec.name, '-a', '127.0.0.1', '-p', String(spec.port), '-m', String(spec.monitorPort),
      '--cluster_name', clusterName, '--cluster', `nats://127.0.0.1:${spec.clusterPort}`, '--routes', routes,
    ];
    const server = restartableServer(NATS_SERVER, args, spec.port, spec.storeDir, 15_000);
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
  const url = nodes.map((node) => node.url).join(',');
  return {
    url,
    credentials: config.credentials,
    env: (user: NatsUser) => config.env(url, user),
    violations: () => permissionViolations(specs.map((spec) => join(spec.storeDir, 'nats.log'))),
    nodes,
    async destroy() {
      await Promise.all(nodes.map((node) => node.destroy()));
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}
export type TestNatsCluster = Awaited<ReturnType<typeof startNatsCluster>>;
