import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORWARDED_CLIENT_HEADER, loadConfig, signForwardedClient, type Logger } from '@playbook/kit';
import { authConfigSchema, type AuthConfig } from '../../auth-service/src/config';
import { startAuthService } from '../../auth-service/src/main';
import type { TestNats } from './nats-server';
import { createCapturingLogger, testMongoUrl, uniqueDbName } from './test-env';

export interface RegisteredUser {
  user: { id: string; email: string; name: string; createdAt: string; lastLoginAt: string | null };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  /** The password it was registered with, for login tests. */
  password: string;
}

export interface StartTestAuthServiceOptions {
  /** The suite's NATS server (test/support/nats-server.ts); the service connects as auth-service. */
  nats: TestNats;
  /** Defaults to the jest global setup's embedded database. */
  mongoUrl?: string;
  /** Defaults to a fresh unique name. */
  dbName?: string;
  /** Defaults to a capturing logger (see `logs`). */
  logger?: Logger;
  /** Extra env variables, e.g. `{ JWT_PRIVATE_KEY: pem }`. */
  env?: Record<string, string>;
}

export interface TestAuthService {
  /** e.g. http://127.0.0.1:41234 — the routes live under /api/auth. */
  url: string;
  config: AuthConfig;
  /** The running service with the dependencies its use cases got (tests may spy on them). */
  service: Awaited<ReturnType<typeof startAuthService>>;
  /** Captured log text (empty when a logger was given). */
  logs: () => string;
  /** The header with which "the gateway" vouches that a request comes from client `ip` (the service's forwarding key). */
  fromClient(ip: string): Record<string, string>;
  /** Registers a fresh user on this service (or on `baseUrl`, e.g. the gateway). */
  registerUser(baseUrl?: string, input?: Partial<RegisterInput>): Promise<RegisteredUser>;
  stop(): Promise<void>;
}

export interface RegisterInput {
  email: string;
  password: string;
  name: string;
}

/** A password zxcvbn scores 4 and no test mistakes for a common one. */
export const strongPassword = () => `Plum-Kettle-${randomBytes(6).toString('hex')}-Orbit`;

/**
 * POSTs /api/auth/register on `baseUrl` (the auth service or the gateway) with a unique email and a strong
 * password; throws with the answer when it is not 201.
 */
export async function registerUser(baseUrl: string, input: Partial<RegisterInput> = {}): Promise<RegisteredUser> {
  const body: RegisterInput = {
    email: input.email ?? `user-${randomBytes(6).toString('hex')}@example.com`,
    password: input.password ?? strongPassword(),
    name: input.name ?? 'Test User',
  };
  const response = await fetch(`${baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Omit<RegisteredUser, 'password'>;
  if (response.status !== 201) throw new Error(`register answered ${response.status}: ${JSON.stringify(answer)}`);
  return { ...answer, password: body.password };
}

/**
 * The REAL auth-service in-process (startAuthService) against the given NATS and a unique database, on a
 * free port, with a throwaway signing key in a temp dir. The default argon2 parameters are kept (they are
 * what production runs); each registration costs one hash (~50 ms).
 */
export async function startTestAuthService(options: StartTestAuthServiceOptions): Promise<TestAuthService> {
  const keysDir = mkdtempSync(join(tmpdir(), 'playbook-auth-keys-'));
  const forwardingKey = randomBytes(32);
  writeFileSync(join(keysDir, 'forwarding.key'), forwardingKey.toString('hex'), { mode: 0o600 });
  const captured = options.logger ? undefined : createCapturingLogger('auth-service');
  const config = loadConfig(authConfigSchema, {
    NODE_ENV: 'test',
    PORT: '0',
    ...options.nats.env('auth-service'),
    MONGO_URL: options.mongoUrl ?? testMongoUrl(),
    MONGO_DB: options.dbName ?? uniqueDbName('auth'),
    JWT_KEYS_DIR: keysDir,
    FORWARDING_KEY_FILE: join(keysDir, 'forwarding.key'),
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...options.env,
  });
  let service: TestAuthService['service'];
  try {
    service = await startAuthService(config, options.logger ?? captured?.logger);
  } catch (error) {
    rmSync(keysDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: service.url,
    config,
    service,
    logs: () => captured?.text() ?? '',
    fromClient: (ip) => ({ [FORWARDED_CLIENT_HEADER]: signForwardedClient(Buffer.from(forwardingKey.toString('hex')), ip) }),
    registerUser: (baseUrl = service.url, input) => registerUser(baseUrl, input),
    async stop() {
      await service.stop();
      rmSync(keysDir, { recursive: true, force: true });
    },
  };
}
