import Router from '@koa/router';
import { authMiddleware, connectNats, createMetrics, createNatsKeyStore, createServiceApp, DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER, startHttpServer, type HttpServerHandle, type NatsHandle } from '@playbook/shared';
import { startNatsServer, type TestNatsServer } from '../../test/support/nats-server';
import { createCapturingLogger } from '../../test/support/test-env';
import { createTestTokenIssuer } from '../../test/support/test-tokens';

describe('authMiddleware with keys from the JWKS over NATS', () => {
  let natsServer: TestNatsServer;
  let nats: NatsHandle;
  let server: HttpServerHandle;
  let issuer: ReturnType<typeof createTestTokenIssuer>;

  beforeAll(async () => {
    natsServer = await startNatsServer();
    const { logger } = createCapturingLogger('test');
    nats = await connectNats({ url: natsServer.url, name: 'test', logger });
    issuer = createTestTokenIssuer(nats);
    const app = createServiceApp({ logger, metrics: createMetrics('test'), readiness: {} });
    const router = new Router();
    router.get('/me', authMiddleware({ keys: createNatsKeyStore(nats, 2000), issuer: DEFAULT_TOKEN_ISSUER, audience: DEFAULT_TOKEN_AUDIENCE }), (ctx) => {
      ctx.body = ctx.state.user;
    });
    app.use(router.routes());
    server = await startHttpServer(app, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await server.close(1000);
    await nats.drain();
    await natsServer.destroy();
  });

  const get = (token?: string) => fetch(`${server.url}/me`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('puts the verified user on ctx.state', async () => {
    const response = await get(issuer.tokenFor('user-1', 'ada@example.com'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'user-1', email: 'ada@example.com' });
  });

  it('refuses a missing, expired or wrong-audience token with 401 problem+json', async () => {
    for (const token of [undefined, issuer.tokenFor('u', 'u@x.io', { exp: Math.floor(Date.now() / 1000) - 120 }), issuer.tokenFor('u', 'u@x.io', { aud: 'someone-else' })]) {
      const response = await get(token);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
