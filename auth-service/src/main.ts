import { EVENT_STREAM_SUBJECTS, REVOCATION_FEED } from '@playbook/contract';
import { defineService } from '@playbook/kit';
import { openDatabase } from '@playbook/kit/mongo';
import { ensureEventStream, ensureRevocationStream } from '@playbook/kit/nats';
import { createApp } from './app';
import { authConfigSchema } from './config';
import { createLoginThrottle } from './data/login-throttle';
import { createRegistrationThrottle } from './data/registration-throttle';
import { createRefreshTokenRepository } from './data/refresh-token-repository';
import { createUserRepository } from './data/user-repository';
import type { AuthDeps } from './domain/auth-deps';
import { loadKeyRing, type KeyRing } from './domain/key-ring';
import { createPasswordHasher } from './domain/password-hasher';
import { createPasswordPolicy } from './domain/password-policy';
import { createTokenIssuer } from './domain/token-issuer';
import { createAuthEvents } from './messaging/auth-events';
import { serveJwks } from './messaging/jwks-handler';
import { serveUserLookups } from './messaging/user-lookup-handler';

/** auth-service: accounts, sessions (access and refresh tokens), the signing keys and their public JWKS. */
export const authService = defineService({
  name: 'auth-service',
  config: authConfigSchema,
  database: openDatabase,
  setup: async (runtime) => {
    await ensureEventStream(runtime.nats, EVENT_STREAM_SUBJECTS);
    // Its revocations, copied out of the event stream for the verifiers (which may read nothing else of it).
    await ensureRevocationStream(runtime.nats, REVOCATION_FEED);
  },
  dependencies: async ({ mongo, nats, logger }, config): Promise<AuthDeps & { keyRing: KeyRing }> => {
    const keyRing = loadKeyRing(config);
    logger.info(`signing access tokens with key ${keyRing.signing.kid}; ${keyRing.publicKeys.size} key(s) verify`);
    return {
      keyRing,
      users: await createUserRepository(mongo!.connection),
      refreshTokens: await createRefreshTokenRepository(mongo!.connection, logger),
      passwords: await createPasswordHasher({ memoryCost: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: config.ARGON2_PARALLELISM }, { maxConcurrent: config.ARGON2_MAX_CONCURRENT }),
      registrations: await createRegistrationThrottle(mongo!.connection, { perIpPerHour: config.REGISTRATIONS_PER_IP_PER_HOUR }),
      passwordPolicy: createPasswordPolicy(config.PASSWORD_MIN_SCORE),
      tokens: createTokenIssuer(keyRing, {
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
        refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
        loginMaxAgeSeconds: config.LOGIN_MAX_AGE_SECONDS,
      }),
      throttle: await createLoginThrottle(mongo!.connection, {
        maxFailuresPerEmail: config.LOGIN_MAX_FAILURES_PER_EMAIL,
        maxFailuresPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
        windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
        backoffBaseSeconds: config.LOGIN_BACKOFF_BASE_SECONDS,
        backoffMaxSeconds: config.LOGIN_BACKOFF_MAX_SECONDS,
      }, logger),
      events: createAuthEvents(nats, logger),
    };
  },
  background: ({ runtime, deps }) => [
    ['jwks', () => serveJwks(runtime.nats, deps.keyRing, runtime.logger)],
    ['email lookups', () => serveUserLookups(runtime.nats, deps.users, runtime.logger)],
  ],
  http: ({ runtime, deps }) => createApp({ runtime, deps, keyRing: deps.keyRing }),
});

export const startAuthService = authService.start;

if (require.main === module) authService.run();
