import type Koa from 'koa';
import type { ServiceRuntime } from '../lifecycle/service-runtime';
import { authMiddleware } from './auth-middleware';
import { createNatsKeyStore } from './jwks-key-store';

/** The token check every service but auth uses: keys from auth-service's JWKS over NATS, issuer and audience from config. */
export function tokenCheckOverNats(runtime: ServiceRuntime): Koa.Middleware {
  const { config, nats } = runtime;
  return authMiddleware({ keys: createNatsKeyStore(nats, config.NATS_REQUEST_TIMEOUT_MS), issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
}
