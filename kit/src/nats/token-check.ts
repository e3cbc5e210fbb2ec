import type Koa from 'koa';
import { jwksSchema } from '../auth/access-token';
import { authMiddleware } from '../auth/auth-middleware';
import { createJwksKeyStore, type KeyStore } from '../auth/jwks-key-store';
import { RevocationList } from '../auth/revocations';
import type { ServiceRuntime } from '../lifecycle/service-runtime';
import type { NatsHandle } from './nats-connection';
import { natsRequest } from './nats-request';
import { followRevocations, type RevocationFeed } from './revocation-feed';

/** The JWKS as the auth service answers it on `subject` (the contract's JWKS subject). */
export function createNatsKeyStore(nats: NatsHandle, options: { subject: string; timeoutMs: number }): KeyStore {
  return createJwksKeyStore({
    fetchJwks: () => natsRequest(nats, { subject: options.subject, payload: {}, responseSchema: jwksSchema, timeoutMs: options.timeoutMs }),
  });
}

/** The revocations the event stream announces, kept current in the background for the life of the connection. */
export function revocationsOverNats(runtime: ServiceRuntime, feed: RevocationFeed): RevocationList {
  const list = new RevocationList(feed.keepSeconds);
  followRevocations(runtime.nats, list, feed, runtime.logger);
  return list;
}

/** A token check and the revocations it honours, for a service that also needs them on its own (the gateway's event streams). */
export interface TokenCheck {
  requireUser: Koa.Middleware;
  revocations: RevocationList;
}

/**
 * The token check every service but auth uses: keys from auth-service's JWKS over NATS, issuer and audience from
 * config, and the revocations `feed` announces.
 */
export function tokenCheckOverNats(runtime: ServiceRuntime, jwksSubject: string, feed: RevocationFeed): TokenCheck {
  const { config, nats } = runtime;
  const revocations = revocationsOverNats(runtime, feed);
  const requireUser = authMiddleware({
    keys: createNatsKeyStore(nats, { subject: jwksSubject, timeoutMs: config.NATS_REQUEST_TIMEOUT_MS }),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    revocations,
  });
  return { requireUser, revocations };
}
