import { randomUUID } from 'node:crypto';
import { ApiClient, type Session } from './support/api-client';
import { startSystemStack } from './support/system-stack';
import type { TestStack } from '../support/stack';

/** How soon every verifier must refuse a revoked access token. */
const WITHIN_MS = 1_000;

/*
 * An access token stays cryptographically valid until it expires; ending its login (logout, a replayed refresh
 * token) or deleting its account must still make every verifier refuse it at once: the gateway and each service
 * reached directly (they check tokens themselves, not trusting the gateway).
 */
describe('access tokens refused everywhere within a second of their revocation', () => {
  let stack: TestStack;
  let api: ApiClient;
  beforeAll(async () => {
    stack = await startSystemStack();
    api = new ApiClient(stack.gatewayUrl);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  /** One authenticated request per place that checks tokens; each answers something other than 401 while the token is good. */
  const checks = () => [
    { where: 'gateway', url: `${stack.gatewayUrl}/api/projects` },
    { where: 'auth-service', url: `${stack.url('auth-service')}/api/auth/me` },
    { where: 'project-service', url: `${stack.url('project-service')}/api/projects` },
    { where: 'pdf-service', url: `${stack.url('pdf-service')}/api/pdf/jobs/${randomUUID()}` },
  ];
  const statusAt = async (url: string, token: string) => (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status;

  /** Every check accepts the token now; after `revoke`, each refuses it: the slowest time to 401 in ms. */
  async function refusedEverywhereAfter(session: Session, revoke: () => Promise<void>): Promise<number> {
    for (const { where, url } of checks()) expect({ where, status: await statusAt(url, session.accessToken) }).not.toEqual({ where, status: 401 });
    // The cached path too: each verifier has just seen the token, so it is in their verified-token caches.
    await revoke();
    const revokedAt = performance.now();
    const times = await Promise.all(
      checks().map(async ({ where, url }) => {
        for (;;) {
          if ((await statusAt(url, session.accessToken)) === 401) return performance.now() - revokedAt;
          if (performance.now() - revokedAt > 10_000) throw new Error(`${where} still accepts the token 10 s after its revocation`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
    );
    return Math.max(...times);
  }

  it('after logout', async () => {
    const session = await api.register('logout');
    const slowest = await refusedEverywhereAfter(session, async () => {
      const result = await api.call('POST', '/api/auth/logout', { token: session.accessToken, body: { refreshToken: session.refreshToken } });
      expect(result.status).toBe(204);
    });
    expect(slowest).toBeLessThan(WITHIN_MS);
  });

  it('after a refresh token is replayed (its whole login ends)', async () => {
    const session = await api.register('replay');
    const slowest = await refusedEverywhereAfter(session, async () => {
      expect((await api.call('POST', '/api/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(200);
      expect((await api.call('POST', '/api/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
    });
    expect(slowest).toBeLessThan(WITHIN_MS);
  });

  it('after the account is deleted', async () => {
    const session = await api.register('deleted');
    const slowest = await refusedEverywhereAfter(session, async () => {
      const result = await api.call('DELETE', '/api/auth/me', { token: session.accessToken, body: { password: session.password } });
      expect(result.status).toBe(204);
    });
    expect(slowest).toBeLessThan(WITHIN_MS);
  });

  it('leaves the other sessions of the same user alone after a logout', async () => {
    const first = await api.register('two-logins');
    const login = await api.call('POST', '/api/auth/login', { body: { email: first.email, password: first.password } });
    const second = JSON.parse(login.text) as { accessToken: string; refreshToken: string };
    await api.call('POST', '/api/auth/logout', { token: first.accessToken, body: { refreshToken: first.refreshToken } });
    await new Promise((resolve) => setTimeout(resolve, WITHIN_MS));
    for (const { where, url } of checks()) expect({ where, status: await statusAt(url, second.accessToken) }).not.toEqual({ where, status: 401 });
  });
});
