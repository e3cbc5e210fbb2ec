import { ConfigError, loadConfig } from '@playbook/kit';
import { gatewayConfigSchema } from '../src/config';
import { startTestGateway, type TestGateway } from './support/test-gateway';

/** Flips one character of the signature: same header and claims, no longer signed by the key. */
const tamper = (token: string) => token.slice(0, -3) + (token.at(-3) === 'A' ? 'B' : 'A') + token.slice(-2);

describe('gateway: tokens are checked at the edge', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ env: { RATE_LIMIT_ENABLED: 'false' } });
  });
  afterAll(() => gateway.stop());

  it('refuses a missing, expired, tampered or foreign token with 401 problem+json before any service sees it', async () => {
    const expired = gateway.issuer.tokenFor('u-1', 'u1@example.com', { exp: Math.floor(Date.now() / 1000) - 120 });
    const foreignAudience = gateway.issuer.tokenFor('u-1', 'u1@example.com', { aud: 'another-api' });
    const tampered = tamper(gateway.issuer.tokenFor('u-1'));
    const before = gateway.upstreamRequestCount();
    for (const authorization of [undefined, 'Bearer not-a-jwt', `Bearer ${expired}`, `Bearer ${tampered}`, `Bearer ${foreignAudience}`]) {
      const response = await fetch(`${gateway.url}/api/projects`, { headers: authorization ? { authorization } : {} });
      expect({ authorization, status: response.status, type: response.headers.get('content-type') }).toEqual({
        authorization,
        status: 401,
        type: 'application/problem+json',
      });
    }
    expect(gateway.upstreamRequestCount()).toBe(before);
  });

  it('lets public rows through without a token and authenticated rows with a valid one', async () => {
    expect((await fetch(`${gateway.url}/api/auth/login`, { method: 'POST', body: '{}' })).status).toBe(200);
    const token = gateway.issuer.tokenFor('u-2');
    const response = await fetch(`${gateway.url}/api/projects`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(gateway.upstreams.project.requests.at(-1)?.headers.authorization).toBe(`Bearer ${token}`);
  });

  it('refuses GATEWAY_AUTH=off in production with one line naming the variable', () => {
    expect(() => loadConfig(gatewayConfigSchema, { NODE_ENV: 'production', GATEWAY_AUTH: 'off' })).toThrow(ConfigError);
    expect(() => loadConfig(gatewayConfigSchema, { NODE_ENV: 'production', GATEWAY_AUTH: 'off' })).toThrow(/GATEWAY_AUTH: must not be off in production/);
  });
});

describe('gateway with GATEWAY_AUTH=off (benchmarks)', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ env: { GATEWAY_AUTH: 'off', RATE_LIMIT_ENABLED: 'false' } });
  });
  afterAll(() => gateway.stop());

  it('passes requests on without checking a token; the service still checks it', async () => {
    const response = await fetch(`${gateway.url}/api/projects`);
    expect(response.status).toBe(200);
    expect(gateway.logs.text()).toContain('GATEWAY_AUTH=off');
  });
});
