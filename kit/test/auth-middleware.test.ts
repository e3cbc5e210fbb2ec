import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Router from '@koa/router';
import jwt from 'jsonwebtoken';
import {
  authMiddleware,
  createMetrics,
  createServiceApp,
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  ServiceUnavailableError,
  startHttpServer,
  type HttpServerHandle,
  type KeyStore,
} from '@playbook/kit';
import { connectNats, createNatsKeyStore, type NatsHandle } from '@playbook/kit/nats';
import { startNatsServer, type TestNatsServer } from '../../test/support/nats-server';
import { createCapturingLogger } from '../../test/support/test-env';
import { createTestTokenIssuer } from '../../test/support/test-tokens';
import { JWKS_SUBJECT } from '@playbook/contract';

describe('authMiddleware with keys from the JWKS over NATS', () => {
  let natsServer: TestNatsServer;
  let nats: NatsHandle;
  let server: HttpServerHandle;
  let issuer: Awaited<ReturnType<typeof createTestTokenIssuer>>;

  beforeAll(async () => {
    natsServer = await startNatsServer();
    const { logger } = createCapturingLogger('test');
    nats = await connectNats({ url: natsServer.url, credentials: natsServer.credentials('test-harness'), name: 'test', logger });
    issuer = await createTestTokenIssuer(nats);
    const app = createServiceApp({ logger, metrics: createMetrics('test'), readiness: {} });
    const router = new Router();
    router.get('/me', authMiddleware({ keys: createNatsKeyStore(nats, { subject: JWKS_SUBJECT, timeoutMs: 2000 }), issuer: DEFAULT_TOKEN_ISSUER, audience: DEFAULT_TOKEN_AUDIENCE }), (ctx) => {
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

describe('authMiddleware: what it remembers and what it passes on', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let server: HttpServerHandle;
  let keyLookups = 0;
  let keyStoreFailure: Error | undefined;

  beforeAll(async () => {
    const keys: KeyStore = {
      getKey: async (kid) => {
        keyLookups++;
        if (keyStoreFailure) throw keyStoreFailure;
        return kid === 'k1' ? publicKey : undefined;
      },
    };
    const { logger } = createCapturingLogger('test');
    const app = createServiceApp({ logger, metrics: createMetrics('test'), readiness: {} });
    const router = new Router();
    router.get('/me', authMiddleware({ keys, issuer: DEFAULT_TOKEN_ISSUER, audience: DEFAULT_TOKEN_AUDIENCE }), (ctx) => {
      ctx.body = ctx.state.user;
    });
    app.use(router.routes());
    server = await startHttpServer(app, 0, '127.0.0.1');
  });
  afterAll(() => server.close(1000));
  beforeEach(() => {
    keyLookups = 0;
    keyStoreFailure = undefined;
  });

  const tokenExpiringIn = (seconds: number) => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'user-1', email: 'ada@example.com', iss: DEFAULT_TOKEN_ISSUER, aud: DEFAULT_TOKEN_AUDIENCE, iat: now - 60, exp: now + seconds, jti: randomUUID() };
    return jwt.sign(claims, privateKey, { algorithm: 'ES256', keyid: 'k1', header: { alg: 'ES256', typ: 'at+jwt' } });
  };
  const get = (token: string) => fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${token}` } });

  it('verifies a token once and remembers it until its exp, not through the leeway', async () => {
    const fresh = tokenExpiringIn(600);
    expect([(await get(fresh)).status, (await get(fresh)).status, keyLookups]).toEqual([200, 200, 1]);
    const expiredWithinLeeway = tokenExpiringIn(-5);
    expect([(await get(expiredWithinLeeway)).status, (await get(expiredWithinLeeway)).status, keyLookups]).toEqual([200, 200, 3]);
  });

  it('answers 503 when the key store is unreachable, and 401 when it fails in any other way', async () => {
    keyStoreFailure = new ServiceUnavailableError('The auth service is unavailable');
    const unreachable = await get(tokenExpiringIn(600));
    keyStoreFailure = new Error('a JWKS entry that is not a key');
    const broken = await get(tokenExpiringIn(600));
    expect({ unreachable: unreachable.status, broken: broken.status, detail: ((await broken.json()) as { detail: string }).detail }).toEqual({
      unreachable: 503,
      broken: 401,
      detail: 'The access token is invalid or expired',
    });
  });
});
