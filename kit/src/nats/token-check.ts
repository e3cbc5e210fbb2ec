import type Koa from 'koa';
import { jwksSchema } from '../auth/access-token';
import { authMiddleware } from '../auth/auth-middleware';
import { createJwksKeyStore, type KeyStore } from '../auth/jwks-key-store';
import type { ServiceRuntime } from '../lifecycle/service-runtime';
import type { NatsHandle } from './nats-connection';
import { natsRequest } from './nats-request';

/** The JWKS as the auth service answers it on `subject` (the contract's JWKS subject). */
export function createNatsKeyStore(nats: NatsHandle, options: { subject: string; timeoutMs: number }): KeyStore {
  return createJwksKeyStore({
    fetchJwks: () => natsRequest(nats, { subject: options.subject, payload: {}, responseSchema: jwksSchema, timeoutMs: options.timeoutMs }),
  });
}

/** The token check every service but auth uses: keys from auth-service's JWKS over NATS, issuer and audience from config. */
export function tokenCheckOverNats(runtime: ServiceRuntime, jwksSubject: string): Koa.Middleware {
  const { config, nats } = runtime;
  return authMiddleware({ keys: createNatsKeyStore(nats, { subject: jwksSubject, timeoutMs: config.NATS_REQUEST_TIMEOUT_MS }), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
}
