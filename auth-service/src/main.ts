import { ensureEventStream, listen, loadConfig, openServiceRuntime, runService, type Logger, type RunningService, type ServiceRuntime } from '@playbook/shared';
import { createApp } from './app';
import { authConfigSchema, type AuthConfig } from './config';
import { createLoginThrottle } from './data/login-throttle';
import { createRefreshTokenRepository, ensureRefreshTokenIndexes } from './data/refresh-token-repository';
import { createUserRepository } from './data/user-repository';
import type { AuthDeps } from './domain/auth-deps';
import { loadKeyRing, type KeyRing } from './domain/key-ring';
import { createPasswordHasher } from './domain/password-hasher';
import { createPasswordPolicy } from './domain/password-policy';
import { createTokenIssuer } from './domain/token-issuer';
import { createAuthEvents } from './messaging/auth-events';
import { serveJwks } from './messaging/jwks-handler';

/** Composition root: config → keys → connections → use-case deps → app → listening service with an ordered shutdown. */
export async function startAuthService(config: AuthConfig, logger?: Logger): Promise<RunningService> {
  const keyRing = loadKeyRing(config);
  const runtime = await openServiceRuntime({ name: 'auth-service', config, dbName: config.MONGO_DB, logger });
  try {
    return await startOnRuntime(runtime, config, keyRing);
  } catch (error) {
    await runtime.nats.drain().catch(() => undefined);
    await runtime.mongo?.close().catch(() => undefined);
    throw error;
  }
}

async function startOnRuntime(runtime: ServiceRuntime, config: AuthConfig, keyRing: KeyRing): Promise<RunningService> {
  const { connection } = runtime.mongo!;
  await ensureEventStream(runtime.nats);
  await ensureRefreshTokenIndexes(connection, runtime.logger);
  const deps: AuthDeps = {
    users: createUserRepository(connection),
    refreshTokens: createRefreshTokenRepository(connection),
    passwords: await createPasswordHasher({ memoryCost: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: config.ARGON2_PARALLELISM }),
    passwordPolicy: createPasswordPolicy(config.PASSWORD_MIN_SCORE),
    tokens: createTokenIssuer(keyRing, {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    }),
    throttle: await createLoginThrottle(connection, {
      maxFailuresPerEmail: config.LOGIN_MAX_FAILURES_PER_EMAIL,
      maxFailuresPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
      backoffBaseSeconds: config.LOGIN_BACKOFF_BASE_SECONDS,
      backoffMaxSeconds: config.LOGIN_BACKOFF_MAX_SECONDS,
    }, runtime.logger),
    events: createAuthEvents(runtime.nats, runtime.logger),
  };
  const jwks = serveJwks(runtime.nats, keyRing, runtime.logger);
  runtime.logger.info(`signing access tokens with key ${keyRing.signing.kid}; ${keyRing.publicKeys.size} key(s) verify`);
  return listen(runtime, createApp({ runtime, config, deps, keyRing }), {
    port: config.PORT,
    beforeDisconnect: [['jwks', async () => jwks.unsubscribe()]],
  });
}

if (require.main === module) runService('auth-service', () => startAuthService(loadConfig(authConfigSchema)));
