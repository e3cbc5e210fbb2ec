import { type Logger } from '@playbook/kit';
import { serveRequests, type NatsHandle, type RequestResponder } from '@playbook/kit/nats';
import { z } from 'zod';
import type { KeyRing } from '../domain/key-ring';
import { AUTH_QUEUE_GROUP, JWKS_SUBJECT } from './subjects';

/** The request carries nothing; anything else in it is ignored. */
export const jwksRequestSchema = z.object({});

/** Answers `auth.v1.jwks.get` with the public keys, for every service's token check. */
export function serveJwks(nats: NatsHandle, keyRing: KeyRing, logger: Logger): RequestResponder {
  return serveRequests(nats, { subject: JWKS_SUBJECT, schema: jwksRequestSchema, queue: AUTH_QUEUE_GROUP, logger, handle: async () => keyRing.jwks });
}
