import { CSRF_HEADER, REFRESH_COOKIE } from '@playbook/contract';
import { rawRequest } from './support/raw-request';
import { startTestGateway, type TestGateway } from './support/test-gateway';

const ALLOWED = 'https://app.example.com';

describe('gateway: CORS, security headers and caching', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ env: { CORS_ORIGINS: `${ALLOWED}, https://admin.example.com`, RATE_LIMIT_ENABLED: 'false' } });
  });
  afterAll(() => gateway.stop());

  const preflight = (origin: string) =>
    rawRequest(`${gateway.url}/api/projects`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it('answers a preflight from an allowed origin at the gateway, with credentials', async () => {
    const before = gateway.upstreamRequestCount();
    const response = await preflight(ALLOWED);
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(response.headers['access-control-allow-methods']).toContain('POST');
    expect(response.headers['access-control-allow-headers']).toBe('authorization,content-type');
    expect(gateway.upstreamRequestCount()).toBe(before);
  });

  it('gives another origin no CORS headers at all', async () => {
    const response = await preflight('https://evil.example.net');
    expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    const simple = await rawRequest(`${gateway.url}/api/playbook`, { headers: { origin: 'https://evil.example.net' } });
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets an allowed origin read the answer and the request id', async () => {
    const response = await rawRequest(`${gateway.url}/api/playbook`, { headers: { origin: ALLOWED } });
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(response.headers['access-control-expose-headers']).toContain('x-request-id');
    expect(response.headers.vary).toContain('Origin');
  });

  it('sets security headers and Cache-Control: no-store on API answers, errors included', async () => {
    for (const path of ['/api/playbook', '/api/routes', '/api/nope']) {
      const response = await rawRequest(`${gateway.url}${path}`);
      expect({ path, cache: response.headers['cache-control'] }).toEqual({ path, cache: 'no-store' });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['strict-transport-security']).toContain('max-age=');
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('lets browsers cache the docs page assets', async () => {
    const response = await rawRequest(`${gateway.url}/api/docs/swagger-ui.css`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/css');
    expect(response.headers['cache-control']).toBe('public, max-age=86400');
    expect((await rawRequest(`${gateway.url}/api/docs/package.json`)).status).toBe(404);
  });

  describe('the session cookie (browser sessions): CSRF', () => {
    const refresh = (headers: Record<string, string>) =>
      fetch(`${gateway.url}/api/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `${REFRESH_COOKIE}=abc`, ...headers }, body: '{"session":"cookie"}' });
    const forbidden = async (response: Response) => ({ status: response.status, detail: ((await response.json()) as { detail?: string }).detail });

    it('stops a request with the cookie from another origin, from no origin, or without the CSRF header, before any service sees it', async () => {
      const before = gateway.upstreamRequestCount();
      expect(await forbidden(await refresh({ origin: 'https://evil.example.net', [CSRF_HEADER]: '1' }))).toEqual({ status: 403, detail: expect.stringContaining('Origin') });
      expect(await forbidden(await refresh({ [CSRF_HEADER]: '1' }))).toEqual({ status: 403, detail: expect.stringContaining('Origin') });
      expect(await forbidden(await refresh({ origin: ALLOWED }))).toEqual({ status: 403, detail: expect.stringContaining(CSRF_HEADER) });
      expect(gateway.upstreamRequestCount()).toBe(before);
    });

    it('passes it from an allowed origin or the API\'s own, with the header; and requests without the cookie as before', async () => {
      expect((await refresh({ origin: ALLOWED, [CSRF_HEADER]: '1' })).status).toBe(200);
      expect((await refresh({ origin: gateway.url, [CSRF_HEADER]: '1' })).status).toBe(200);
      const bearer = await fetch(`${gateway.url}/api/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"refreshToken":"x"}' });
      expect(bearer.status).toBe(200);
      // Safe methods carry no CSRF risk and pass with the cookie.
      expect((await fetch(`${gateway.url}/api/playbook`, { headers: { cookie: `${REFRESH_COOKIE}=abc` } })).status).toBe(200);
    });
  });
});
