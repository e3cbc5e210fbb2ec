import { publicRoutes, type PublicRoute } from '@playbook/contract';
import { freePort } from '../../test/support/processes';
import { rawRequest } from './support/raw-request';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const TWO_MIB = 2 * 1024 * 1024;

/** A PDF row waits longer; until pdf-service's rows land, a stand-in row of the same kind. */
const longRow: PublicRoute = publicRoutes.find((route) => route.timeout === 'long') ?? {
  method: 'POST',
  path: '/api/generate-pdf',
  service: 'pdf',
  auth: true,
  summary: 'stand-in long row',
  responses: { 200: { description: 'the PDF', contentType: 'application/pdf' } },
  timeout: 'long',
};

describe('gateway proxy: limits and failing services', () => {
  let gateway: TestGateway;
  let token: string;
  let deadPort: number;

  beforeAll(async () => {
    deadPort = await freePort();
    gateway = await startTestGateway({
      env: { RATE_LIMIT_ENABLED: 'false', PROXY_TIMEOUT_MS: '400', PROXY_LONG_TIMEOUT_MS: '3000', AUTH_SERVICE_URL: `http://127.0.0.1:${deadPort}` },
      routes: publicRoutes.includes(longRow) ? publicRoutes : [...publicRoutes, longRow],
    });
    token = gateway.issuer.tokenFor('user-2');
  });
  afterAll(() => gateway.stop());

  const auth = () => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

  it('refuses a 2 MiB body with 413 before the service sees it', async () => {
    const before = gateway.upstreamRequestCount();
    const response = await fetch(`${gateway.url}/api/projects`, { method: 'POST', headers: auth(), body: JSON.stringify({ name: 'x'.repeat(TWO_MIB) }) });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 413, type: 'urn:playbook:problem:payload-too-large' });
    expect(gateway.upstreamRequestCount()).toBe(before);
  });

  it('lets a client still uploading a declared body over the limit read its 413', async () => {
    const chunks = Array.from({ length: 32 }, () => Buffer.alloc(64 * 1024, 'a'));
    const response = await rawRequest(`${gateway.url}/api/projects`, { method: 'POST', headers: { ...auth(), 'content-length': TWO_MIB }, chunks, chunkDelayMs: 10 });
    expect(response.status).toBe(413);
    expect(response.headers.connection).not.toBe('close');
  });

  it('stops a chunked body at the limit with 413, never passing all of it on', async () => {
    const chunks = Array.from({ length: 32 }, () => Buffer.alloc(64 * 1024, 'a'));
    const response = await rawRequest(`${gateway.url}/api/projects`, { method: 'POST', headers: { ...auth(), 'transfer-encoding': 'chunked' }, chunks });
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const reached = gateway.upstreams.project.requests.filter((request) => request.bodyBytes >= TWO_MIB);
    expect(reached).toHaveLength(0);
  });

  it('answers 503 problem+json within 1 s when a service is down', async () => {
    const started = Date.now();
    const response = await fetch(`${gateway.url}/api/auth/login`, { method: 'POST', headers: auth(), body: '{}' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ status: 503, detail: 'The auth service is unavailable' });
  });

  it("answers 504 after the route's timeout when a service hangs, and gives PDF rows the long timeout", async () => {
    const started = Date.now();
    const hung = await fetch(`${gateway.url}/api/projects/p-1`, { headers: { ...auth(), 'x-test-delay-ms': '2000' } });
    const waited = Date.now() - started;
    expect(hung.status).toBe(504);
    expect(await hung.json()).toMatchObject({ status: 504, type: 'urn:playbook:problem:gateway-timeout' });
    expect(waited).toBeGreaterThanOrEqual(390);
    expect(waited).toBeLessThan(1500);

    const slowPdf = await fetch(`${gateway.url}${longRow.path.replace(/:(\w+)/g, 'p-1')}`, {
      method: longRow.method,
      headers: { ...auth(), 'x-test-delay-ms': '800' },
      body: longRow.method === 'GET' ? undefined : '{}',
    });
    expect(slowPdf.status).toBe(200);
  });

  it('cuts a service that stalls in the middle of its answer after the timeout instead of hanging the client', async () => {
    const started = Date.now();
    const response = await fetch(`${gateway.url}/api/projects/p-2`, { headers: { ...auth(), 'x-test-stall-body': '1' } });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers 503 to a client that sent a body when the service drops the connection before answering', async () => {
    const response = await fetch(`${gateway.url}/api/projects`, { method: 'POST', body: '{"name":"dropped"}', headers: { ...auth(), 'x-test-drop-after-ms': '100' } });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 503, detail: 'The project service is unavailable' });
  });

  it('logs a client that left before the answer as 499 when the service then drops the connection, and stays up', async () => {
    const requestId = 'req-left-00001';
    const leaving = new AbortController();
    const request = fetch(`${gateway.url}/api/projects`, {
      method: 'POST',
      body: '{"name":"left"}',
      headers: { ...auth(), 'x-request-id': requestId, 'x-test-drop-after-ms': '300' },
      signal: leaving.signal,
    });
    setTimeout(() => leaving.abort(), 100);
    await expect(request).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const lines = gateway.logs.lines().filter((entry) => entry.requestId === requestId).map((entry) => String(entry.message));
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^POST \/api\/projects \(499\)/)]));
    expect((await fetch(`${gateway.url}/api/projects/p-4`, { headers: auth() })).status).toBe(200);
  });

  it('logs the failure with the request id and counts it under the route', async () => {
    const requestId = 'req-failure-0001';
    await fetch(`${gateway.url}/api/auth/me`, { headers: { ...auth(), 'x-request-id': requestId } });
    const lines = gateway.logs.lines().filter((entry) => entry.requestId === requestId).map((entry) => String(entry.message));
    expect(lines).toEqual(expect.arrayContaining(['GET /api/auth/me failed: The auth service is unavailable', expect.stringMatching(/^GET \/api\/auth\/me \(503\) - \d+\.\d{3}s$/)]));
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_upstream_duration_seconds_count\{service="gateway",route="\/api\/auth\/me",method="GET",upstream="auth",status="503"\} 1/);
  });
});
