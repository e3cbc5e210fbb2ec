import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nonJsonLines } from '../support/json-lines';
import { STACK_SERVICES, startStack, type StackServiceName, type TestStack } from '../support/stack';
import { answers, ApiClient, expectStatus } from '../system/support/api-client';

const ROOT = resolve(__dirname, '../..');
const majorOf = (version: string) => version.replace(/^v/, '').split('.')[0];

/** The Node release every service image is built on (`ARG NODE_IMAGE=node:<version>-…` in the one Dockerfile). */
const imageNodeVersion = /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a service in production mode until it exits; for services that must not start. `preload` is code run
 * before the service's own (its `setImmediate` callbacks run once the service has set itself up).
 */
async function runToExit(service: StackServiceName, env: Record<string, string>, preload?: string): Promise<Exit> {
  const preloadDir = mkdtempSync(join(tmpdir(), 'playbook-preload-'));
  const preloadFile = join(preloadDir, 'preload.cjs');
  writeFileSync(preloadFile, preload ?? '');
  // Production refuses to start the gateway and auth-service without the key the gateway signs client IPs with.
  const forwardingKeyFile = join(preloadDir, 'forwarding.key');
  writeFileSync(forwardingKeyFile, randomBytes(32).toString('hex'));
  const args = ['--require', preloadFile, join(ROOT, service, 'dist/main.js')];
  try {
    return await new Promise((done) => {
      execFile(process.execPath, args, { env: { PATH: process.env.PATH, NODE_ENV: 'production', FORWARDING_KEY_FILE: forwardingKeyFile, ...env }, timeout: 45_000 }, (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      });
    });
  } finally {
    rmSync(preloadDir, { recursive: true, force: true });
  }
}

/** Every line of a process's output, parsed (the test that owns it checks first that each one is JSON). */
const parsedLines = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

/** The one line a process wrote on stderr before it ended, parsed. */
function onlyLineOf(stderr: string): unknown {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]);
}

describe('service output in production', () => {
  const written = new Map<string, string>();
  const outputOf = (service: StackServiceName, stream: 'stdout' | 'stderr') => written.get(`${service} ${stream}`) ?? '';
  const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      env: { NODE_ENV: 'production', JWT_PRIVATE_KEY: signingKey },
      onOutput: (service, stream, chunk) => written.set(`${service} ${stream}`, outputOf(service, stream) + chunk.toString()),
    });
  }, 120_000);
  afterAll(() => stack?.stop(), 60_000);

  it('runs the tests and every service on the Node major of the images', () => {
    const pinned = /^NODE_VERSION=(\S+)$/m.exec(readFileSync(join(ROOT, 'scripts/node.sh'), 'utf8'))?.[1];
    expect(imageNodeVersion).toBe(pinned);
    expect(majorOf(process.version)).toBe(majorOf(pinned!));
    for (const service of STACK_SERVICES) {
      const listening = parsedLines(outputOf(service, 'stdout')).find((line) => String(line.message).includes('listening on'));
      expect({ service, node: majorOf(String(listening?.node)) }).toEqual({ service, node: majorOf(pinned!) });
    }
  });

  it('logs the address a service is really bound to', () => {
    for (const service of STACK_SERVICES) {
      const port = new URL(stack.url(service)).port;
      expect(outputOf(service, 'stdout')).toContain(`"message":"${service} listening on 0.0.0.0:${port}"`);
    }
  });

  it('ends a service with a bad configuration with one JSON line on stderr and exit code 1', async () => {
    const exit = await runToExit('project-service', { PORT: '99999' });
    expect(exit.code).toBe(1);
    expect(exit.stdout).toBe('');
    expect(onlyLineOf(exit.stderr)).toMatchObject({ level: 'error', service: 'project-service', message: expect.stringMatching(/^Invalid configuration: PORT: /) });
  }, 60_000);

  it('ends a service whose port is taken with one JSON line on stderr and exit code 1', async () => {
    const takenPort = new URL(stack.url('auth-service')).port;
    const exit = await runToExit('gateway', { PORT: takenPort, ...stack.nats.env('gateway') });
    expect(exit.code).toBe(1);
    expect(nonJsonLines(exit.stdout)).toEqual([]);
    expect(onlyLineOf(exit.stderr)).toMatchObject({ level: 'error', service: 'gateway', message: expect.stringContaining('EADDRINUSE'), error: { code: 'EADDRINUSE' } });
  }, 60_000);

  it.each([
    ['an uncaught exception', 'setImmediate(() => { throw new Error("planted"); });', 'gateway: uncaught exception: planted'],
    ['an unhandled rejection', 'setImmediate(() => Promise.reject(new Error("planted")));', 'gateway: unhandled rejection: planted'],
  ])('ends a service on %s with one JSON line on stderr and exit code 1', async (_what, preload, message) => {
    // Still waiting for NATS (nothing listens on port 1) when the error comes.
    const exit = await runToExit('gateway', { NATS_URL: 'nats://127.0.0.1:1' }, preload);
    expect(exit.code).toBe(1);
    expect(nonJsonLines(exit.stdout)).toEqual([]);
    expect(onlyLineOf(exit.stderr)).toMatchObject({ level: 'error', service: 'gateway', message, error: { name: 'Error', stack: expect.stringContaining('planted') } });
  }, 60_000);

  it('writes a warning of Node itself as a JSON log line', async () => {
    const exit = await runToExit('gateway', { ...stack.nats.env('gateway'), PORT: new URL(stack.url('auth-service')).port },
      "setImmediate(() => process.emitWarning('a planted warning', 'DeprecationWarning', 'DEP_PLANTED'));");
    expect([...nonJsonLines(exit.stdout), ...nonJsonLines(exit.stderr)]).toEqual([]);
    const warnings = parsedLines(exit.stdout).filter((line) => line.level === 'warn');
    expect(warnings).toEqual([expect.objectContaining({ service: 'gateway', message: 'a planted warning', warning: 'DeprecationWarning', code: 'DEP_PLANTED' })]);
  }, 60_000);

  it('writes nothing but JSON lines through register, login, project, answers, PDF and SIGTERM', async () => {
    const api = new ApiClient(stack.gatewayUrl);
    const session = await api.register('logs');
    const login = await api.call('POST', '/api/auth/login', { body: { email: session.email, password: session.password } });
    const { accessToken } = expectStatus(login, 200, 'login') as { accessToken: string };
    const signedIn = { ...session, accessToken };
    const projectId = await api.createProject(signedIn, 'Production logs');
    const saved = await api.putResponses(signedIn, projectId, answers(5, (fieldId) => `An answer to ${fieldId}`));
    expect(saved.status).toBe(200);
    const { jobId } = await api.requestPdf(signedIn, projectId);
    expect((await api.waitForJob(signedIn, jobId, 90_000)).status).toBe('done');
    const file = await api.call('GET', `/api/pdf/jobs/${jobId}/file`, { token: accessToken });
    expect(file.body.subarray(0, 5).toString()).toBe('%PDF-');

    const exitCodes: Record<string, number | null | undefined> = {};
    for (const service of [...STACK_SERVICES].reverse()) exitCodes[service] = await stack.stopService(service);
    expect(exitCodes).toEqual(Object.fromEntries(STACK_SERVICES.map((service) => [service, 0])));

    const notJson = STACK_SERVICES.flatMap((service) =>
      (['stdout', 'stderr'] as const).flatMap((stream) => nonJsonLines(outputOf(service, stream)).map((line) => `${service} ${stream}: ${line}`)),
    );
    expect(notJson).toEqual([]);
    // No deprecated API on the way either (the gateway's old proxy library called `util._extend` on every request).
    const nodeWarnings = STACK_SERVICES.flatMap((service) => parsedLines(outputOf(service, 'stdout')).filter((line) => 'warning' in line));
    expect(nodeWarnings).toEqual([]);
    expect(outputOf('gateway', 'stdout')).toContain('"message":"SIGTERM received, shutting down"');
  }, 180_000);
});
