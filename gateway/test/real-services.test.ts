import { generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ServiceName } from '@playbook/contract';
import type { Logger, RunningService } from '@playbook/kit';
import type { RegisteredUser, TestAuthService } from '../../test/support/auth-service';
import type { TestNatsServer } from '../../test/support/nats-server';
import { createCapturingLogger } from '../../test/support/test-env';
import { startGateway } from '../src/main';
import { startRealServices } from './support/real-services';

type Captured = ReturnType<typeof createCapturingLogger>;

/** The auth-service's signing key, known to the test so it can sign a token that is valid but for its time. */
const signingKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('gateway in front of the real services', () => {
  let natsServer: TestNatsServer;
  let auth: TestAuthService;
  let project: RunningService;
  let pdf: RunningService;
  let gateway: RunningService;
  let user: RegisteredUser;
  let pdfStopped = false;
  const logs = {} as Record<ServiceName, Captured>;

  beforeAll(async () => {
    for (const key of ['gateway', 'auth', 'project', 'pdf'] as const) logs[key] = createCapturingLogger(key);
    const services = await startRealServices({
      dbPrefix: 'gw',
      shutdownTimeoutMs: 2_000,
      logger: (service) => logs[service].logger as Logger,
      authEnv: { JWT_PRIVATE_KEY: signingKeyPem.replace(/\n/g, '\\n') },
    });
    ({ natsServer, auth, project, pdf } = services);
    const config = services.gatewayConfig();
    gateway = await startGateway(config, logs.gateway.logger);
    user = await auth.registerUser(gateway.url);
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    if (!pdfStopped) await pdf?.stop();
    await project?.stop();
    await auth?.stop();
    await natsServer?.destroy();
  }, 30_000);

  const send = async (method: string, path: string, options: { token?: string; body?: unknown; requestId?: string } = {}) => {
    const requestId = options.requestId ?? `gw-test-${randomUUID()}`;
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: {
        'x-request-id': requestId,
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    return { response, requestId, json: () => response.json() as Promise<Record<string, unknown>> };
  };
  /**
   * Which logs carry a line of this request. A service's first token check asks auth-service for the keys over NATS,
   * and auth-service logs answering that for the request: the one line of auth-service that does not count here.
   */
  const keyFetch = (line: Record<string, unknown>) => line.message === 'auth.v1.jwks.get answered';
  const loggedBy = (requestId: string) =>
    (Object.keys(logs) as ServiceName[]).filter((key) => logs[key].lines().some((line) => line.requestId === requestId && !keyFetch(line)));

  it('reaches the right service for each kind of route, with one request id in the gateway and service logs', async () => {
    const me = await send('GET', '/api/auth/me', { token: user.accessToken });
    expect(me.response.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: user.user.id, email: user.user.email });
    expect(me.response.headers.get('x-request-id')).toBe(me.requestId);
    expect(loggedBy(me.requestId)).toEqual(['gateway', 'auth']);

    const catalog = await send('GET', '/api/playbook');
    expect(catalog.response.status).toBe(200);
    expect(loggedBy(catalog.requestId)).toEqual(['gateway', 'project']);

    const created = await send('POST', '/api/projects', { token: user.accessToken, body: { name: 'Through the gateway' } });
    expect(created.response.status).toBe(201);
    const { id } = await created.json();
    expect(loggedBy(created.requestId)).toEqual(['gateway', 'project']);

    const fetched = await send('GET', `/api/projects/${String(id)}`, { token: user.accessToken });
    expect(await fetched.json()).toMatchObject({ id, name: 'Through the gateway' });

    const job = await send('GET', `/api/pdf/jobs/${randomUUID()}`, { token: user.accessToken });
    expect(job.response.status).toBe(404);
    expect(job.response.headers.get('content-type')).toContain('application/problem+json');
    expect(loggedBy(job.requestId)).toEqual(['gateway', 'pdf']);

    const gatewayLine = logs.gateway.lines().find((line) => line.requestId === me.requestId);
    const authLine = logs.auth.lines().find((line) => line.requestId === me.requestId && !keyFetch(line));
    expect(gatewayLine?.message).toMatch(/^GET \/api\/auth\/me \(200\)/);
    expect(authLine?.message).toMatch(/^GET \/api\/auth\/me \(200\)/);
  });

  it('refuses a missing, expired or tampered token with 401 at the gateway; the service logs nothing for it', async () => {
    const [header, payload, signature] = user.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const kid = (JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string }).kid;
    // Properly signed with the auth-service's own key: only the time is wrong (the same token in time passes).
    const now = Math.floor(Date.now() / 1000);
    const signed = (times: { iat: number; exp: number }) => jwt.sign({ ...claims, ...times }, signingKeyPem, { algorithm: 'ES256', keyid: kid, header: { alg: 'ES256', typ: 'at+jwt' } });
    expect((await send('GET', '/api/projects', { token: signed({ iat: now, exp: now + 600 }) })).response.status).toBe(200);
    const expired = signed({ iat: now - 3600, exp: now - 1800 });
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${signature}`;
    for (const token of [undefined, expired, tampered]) {
      const result = await send('GET', '/api/projects', { token });
      expect(result.response.status).toBe(401);
      expect(await result.json()).toMatchObject({ status: 401, traceId: result.requestId });
      expect(loggedBy(result.requestId)).toEqual(['gateway']);
    }
  });

  it('reports every service, NATS and the database as healthy at /api/health', async () => {
    const health = await send('GET', '/api/health');
    expect(health.response.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', checks: { gateway: 'ok', nats: 'ok', auth: 'ok', project: 'ok', pdf: 'ok', database: 'ok' } });
  });

  it('answers 503 problem+json within 1 s once a service is stopped', async () => {
    await pdf.stop();
    pdfStopped = true;
    const started = Date.now();
    const job = await send('GET', `/api/pdf/jobs/${randomUUID()}`, { token: user.accessToken });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(job.response.status).toBe(503);
    expect(await job.json()).toMatchObject({ status: 503, detail: 'The pdf service is unavailable', traceId: job.requestId });
    const health = await send('GET', '/api/health');
    expect(health.response.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'fail', checks: { pdf: 'fail', auth: 'ok' } });
  });
});
