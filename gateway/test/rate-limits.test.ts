import { startTestGateway, type TestGateway } from './support/test-gateway';

describe('gateway rate limits', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ env: { RATE_LIMIT_PER_IP: '8', RATE_LIMIT_PER_USER: '3', RATE_LIMIT_WINDOW_SECONDS: '60' } });
  });
  afterAll(() => gateway.stop());

  it('throttles a user past the per-user limit with 429, Retry-After and RateLimit headers, other users unaffected', async () => {
    const headers = { authorization: `Bearer ${gateway.issuer.tokenFor('busy-user')}` };
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await fetch(`${gateway.url}/api/projects`, { headers });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(last!.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(last!.headers.get('ratelimit-limit')).toBe('3');
    expect(last!.headers.get('ratelimit-remaining')).toBe('0');
    const other = await fetch(`${gateway.url}/api/projects`, { headers: { authorization: `Bearer ${gateway.issuer.tokenFor('calm-user')}` } });
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('2');
  });

  it('throttles a client IP past the per-IP limit, even without a token', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${gateway.url}/api/playbook`)).status);
    // 5 requests were counted for this IP above; the limit is 8.
    expect(statuses).toEqual([200, 200, 200, 429]);
    // 3 of the busy user's, 1 of the calm user's, 3 here: the throttled ones never reached the service.
    expect(gateway.upstreams.project.requests.length).toBe(7);
  });
});

describe('gateway behind one trusted proxy (TRUSTED_PROXY_HOPS=1, ingress-nginx)', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ env: { TRUSTED_PROXY_HOPS: '1', RATE_LIMIT_PER_IP: '2' } });
  });
  afterAll(() => gateway.stop());

  it('limits and forwards by the client address the proxy reported, ignoring what the client wrote before it', async () => {
    const from = (chain: string) => fetch(`${gateway.url}/api/playbook`, { headers: { 'x-forwarded-for': chain } });
    const first = [await from('6.6.6.6, 10.0.0.1'), await from('7.7.7.7, 10.0.0.1'), await from('10.0.0.1')].map((r) => r.status);
    expect(first).toEqual([200, 200, 429]);
    expect((await from('10.0.0.2')).status).toBe(200);
    expect(gateway.upstreams.project.requests.map((request) => request.headers['x-forwarded-for'])).toEqual(['10.0.0.1', '10.0.0.1', '10.0.0.2']);
  });
});
