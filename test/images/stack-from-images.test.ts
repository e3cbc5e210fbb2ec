import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedDb, type TestEmbeddedDb } from '../support/embedded-db';
import { nonJsonLines } from '../support/json-lines';
import { startNatsServer, type TestNatsServer } from '../support/nats-server';
import { freePort } from '../support/processes';
import { STACK_SERVICES, waitForOk, type StackServiceName } from '../support/stack';
import { answers, ApiClient, expectStatus, FIELD_IDS } from '../system/support/api-client';
import { chartRuntimes } from './support/chart-runtime';
import { podman, removeContainers, runContainer, type RunningContainer } from './support/podman-container';

const ROOT = resolve(__dirname, '../..');
/** The Chromium release the Dockerfile's pdf-service target pins (`ARG CHROMIUM_VERSION=<major>.…`). */
const pinnedChromiumMajor = /^ARG CHROMIUM_VERSION=(\d+)\./m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];

/**
 * The stack run from the images `npm run images` built, each container as the chart runs its pod (read-only
 * root, user 1000, no capabilities, no privilege escalation, emptyDirs as tmpfs, the chart's environment),
 * with NATS and the database on the host.
 */
describe('the stack run from the container images', () => {
  const runtimes = chartRuntimes(STACK_SERVICES);
  const runtime = (service: StackServiceName) => runtimes.find((r) => r.service === service)!;
  const containers = new Map<StackServiceName, RunningContainer>();
  const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const workDir = mkdtempSync(join(tmpdir(), 'playbook-images-'));
  let nats: TestNatsServer | undefined;
  let db: TestEmbeddedDb | undefined;
  let gatewayUrl = '';

  beforeAll(async () => {
    for (const { image } of runtimes) {
      await podman(['image', 'exists', image]).catch(() => {
        throw new Error(`image ${image} is missing: run npm run images`);
      });
    }
    nats = await startNatsServer();
    db = await startEmbeddedDb();
    const ports = Object.fromEntries(await Promise.all(STACK_SERVICES.map(async (service) => [service, await freePort()]))) as Record<StackServiceName, number>;
    const local = (service: StackServiceName) => `http://127.0.0.1:${ports[service]}`;
    const secrets: Record<string, string> = { MONGO_URL: db.url };
    // Secret files as the chart mounts them: readable by the container's group only, as defaultMode 0440 with fsGroup.
    const signingKeyFile = join(workDir, 'jwt-private-key.pem');
    writeFileSync(signingKeyFile, signingKey, { mode: 0o440 });
    chownSync(signingKeyFile, 0, 1000);
    chmodSync(workDir, 0o755);
    const forwardingKeyFile = join(workDir, 'forwarding-key');
    writeFileSync(forwardingKeyFile, randomBytes(32).toString('hex'), { mode: 0o440 });
    chownSync(forwardingKeyFile, 0, 1000);
    const secretFiles: Record<string, string> = { 'jwt-private-key.pem': signingKeyFile, 'forwarding-key': forwardingKeyFile };
    for (const service of STACK_SERVICES) {
      const chart = runtime(service);
      const missing = chart.secretEnv.filter((name) => !(name in secrets));
      if (missing.length) throw new Error(`${service} takes ${missing.join(', ')} from a Secret this test does not supply`);
      // The chart's environment with the cluster's addresses replaced by this machine's.
      // Each pod has a network of its own; here all share the host's, so each gets its own ports.
      const env: Record<string, string> = { ...chart.env, PORT: String(ports[service]), METRICS_PORT: String(await freePort()), NATS_URL: nats.url };
      for (const name of chart.secretEnv) env[name] = secrets[name]!;
      for (const other of STACK_SERVICES) {
        const variable = `${other.toUpperCase().replace('-', '_')}_URL`;
        if (variable in env) env[variable] = local(other);
      }
      // Its own NATS password, as the chart mounts the service's Secret (same key name in every service's Secret).
      const natsPasswordFile = join(workDir, `${service}-nats-password`);
      writeFileSync(natsPasswordFile, nats.credentials(service).password, { mode: 0o440 });
      chownSync(natsPasswordFile, 0, 1000);
      const container = runContainer(chart, env, { ...secretFiles, 'nats-password': natsPasswordFile });
      containers.set(service, container);
      const output = () => `${container.output().stdout}\n${container.output().stderr}`;
      const exited = container.process.exited.then((code) => `${service} exited with code ${code} before it was ready`);
      const failure = await Promise.race([waitForOk(`${local(service)}/readyz`, 90_000, output).then(() => undefined), exited]);
      if (failure) throw new Error(`${failure}:\n${output().slice(-4000)}`);
    }
    gatewayUrl = local('gateway');
  }, 300_000);

  afterAll(async () => {
    await removeContainers([...containers.values()].map((container) => container.name));
    await nats?.destroy();
    await db?.destroy();
    rmSync(workDir, { recursive: true, force: true });
  }, 120_000);

  it('runs every service from the image and tag the chart deploys', async () => {
    for (const service of STACK_SERVICES) {
      const image = (await podman(['container', 'inspect', '--format', '{{.ImageName}}', containers.get(service)!.name])).trim();
      expect({ service, image }).toEqual({ service, image: runtime(service).image });
    }
  });

  it('answers health, register, login, project, answers and a multi-page PDF rendered by the image\'s Chromium', async () => {
    const health = await fetch(`${gatewayUrl}/api/health`);
    expect(health.status).toBe(200);

    const api = new ApiClient(gatewayUrl);
    const session = await api.register('images');
    const login = await api.call('POST', '/api/auth/login', { body: { email: session.email, password: session.password } });
    const { accessToken } = expectStatus(login, 200, 'login') as { accessToken: string };
    const signedIn = { ...session, accessToken };
    const projectId = await api.createProject(signedIn, 'Built from the images');
    const saved = await api.putResponses(signedIn, projectId, answers(FIELD_IDS.length, (fieldId) => `An answer to ${fieldId}, long enough to fill the page.`));
    expect(saved.status).toBe(200);

    const { jobId } = await api.requestPdf(signedIn, projectId);
    const job = await api.waitForJob(signedIn, jobId, 180_000);
    expect(job).toMatchObject({ status: 'done' });
    const file = await api.call('GET', `/api/pdf/jobs/${jobId}/file`, { token: accessToken, timeoutMs: 30_000 });
    expect(file.status).toBe(200);
    const pdf = join(workDir, 'playbook.pdf');
    writeFileSync(pdf, file.body);
    const info = (await promisify(execFile)('pdfinfo', [pdf])).stdout;
    const pages = Number(/^Pages:\s+(\d+)$/m.exec(info)?.[1]);
    expect(pages).toBeGreaterThan(1);
    expect(pages).toBe(job.pages);
    expect(/^Producer:\s+Skia\/PDF m(\d+)$/m.exec(info)?.[1]).toBe(pinnedChromiumMajor);
  }, 240_000);

  it('stops every container on SIGTERM with exit code 0 within its grace period, having written only JSON lines', async () => {
    const stopped: Record<string, { code: number | null; inTime: boolean }> = {};
    for (const service of [...STACK_SERVICES].reverse()) {
      const grace = runtime(service).terminationGracePeriodSeconds;
      const { code, ms } = await containers.get(service)!.stop(grace);
      stopped[service] = { code, inTime: ms < grace * 1000 };
    }
    expect(stopped).toEqual(Object.fromEntries(STACK_SERVICES.map((service) => [service, { code: 0, inTime: true }])));

    const notJson = STACK_SERVICES.flatMap((service) => {
      const output = containers.get(service)!.output();
      return (['stdout', 'stderr'] as const).flatMap((stream) => nonJsonLines(output[stream]).map((line) => `${service} ${stream}: ${line}`));
    });
    expect(notJson).toEqual([]);
    expect(containers.get('gateway')!.output().stdout).toContain('"message":"SIGTERM received, shutting down"');
  }, 300_000);
});
