import { generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { JWKS_SUBJECT } from '@playbook/contract';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE, DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER, createLogger } from '@playbook/kit';
import { serveRequests, type NatsHandle } from '@playbook/kit/nats';
import { z } from 'zod';

/**
 * For service tests that need signed-in users but not the auth service: a real ES256 key whose JWKS is
 * served on `auth.v1.jwks.get` over the suite's NATS, exactly as auth-service serves it, and real tokens.
 */
export async function createTestTokenIssuer(nats: NatsHandle) {
  const kid = `test-${randomUUID()}`;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
  const subscription = serveRequests(nats, {
    subject: JWKS_SUBJECT,
    schema: z.unknown(),
    queue: 'test-jwks',
    logger: createLogger({ service: 'test-jwks', level: 'error' }),
    handle: async () => ({ keys: [jwk] }),
  });
  // The subscription is registered at the server before the first token can be checked against it (on a busy
  // machine a service's first JWKS request could otherwise find no responder: a 503).
  await nats.connection.flush();
  return {
    /** A token for a user; `overrides` lets a test forge expired or wrong-audience tokens. */
    tokenFor(userId: string, email = `${userId}@example.com`, overrides: Record<string, unknown> = {}): string {
      const now = Math.floor(Date.now() / 1000);
      const claims = { sub: userId, email, iss: DEFAULT_TOKEN_ISSUER, aud: DEFAULT_TOKEN_AUDIENCE, iat: now, exp: now + 900, jti: randomUUID(), ...overrides };
      return jwt.sign(claims, privateKey, { algorithm: ACCESS_TOKEN_ALGORITHM, keyid: kid, header: { alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE } });
    },
    stop: () => subscription.stop(),
  };
}
