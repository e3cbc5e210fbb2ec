import { loadConfig, type Logger, type RunningService } from '@playbook/kit';
import { connectNats, type NatsHandle } from '@playbook/kit/nats';
import { assertNoViolations, startNatsServer, type TestNats, type TestNatsServer } from '../../../test/support/nats-server';
import { createCapturingLogger, testMongoUrl, uniqueDbName } from '../../../test/support/test-env';
import { createTestTokenIssuer } from '../../../test/support/test-tokens';
import { serveTestUserDirectory } from '../../../test/support/test-user-directory';
import { projectConfigSchema, type ProjectConfig } from '../../src/config';
import { startProjectService } from '../../src/main';

export interface StartTestProjectServiceOptions {
  /** The suite's NATS server; omitted: one is started (and destroyed by `stop`). */
  nats?: TestNats;
  dbName?: string;
  logger?: Logger;
  env?: Record<string, string>;
}

/** A tiny JSON client for one signed-in user (or none). */
export interface ApiClient {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string): Promise<Response>;
  post(path: string, body: unknown): Promise<Response>;
  patch(path: string, body: unknown): Promise<Response>;
  put(path: string, body: unknown): Promise<Response>;
  delete(path: string): Promise<Response>;
}

export function apiClient(baseUrl: string, token?: string): ApiClient {
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    request,
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body),
    patch: (path, body) => request('PATCH', path, body),
    put: (path, body) => request('PUT', path, body),
    delete: (path) => request('DELETE', path),
  };
}

/**
 * The REAL project-service in-process (startProjectService) on a free port, against a NATS server and a
 * unique database, with a test token issuer serving its JWKS over that NATS (no auth-service needed).
 */
export async function startTestProjectService(options: StartTestProjectServiceOptions = {}) {
  const ownNats: TestNatsServer | undefined = options.nats ? undefined : await startNatsServer();
  const natsServer: TestNats = options.nats ?? ownNats!;
  const captured = options.logger ? undefined : createCapturingLogger('project-service');
  const config: ProjectConfig = loadConfig(projectConfigSchema, {
    NODE_ENV: 'test',
    PORT: '0',
    ...natsServer.env('project-service'),
    MONGO_URL: testMongoUrl(),
    MONGO_DB: options.dbName ?? uniqueDbName('projects'),
    SHUTDOWN_TIMEOUT_MS: '2000',
    ...options.env,
  });
  const service: RunningService = await startProjectService(config, options.logger ?? captured?.logger);
  // The test's own connection: issues tokens, publishes and listens to events, sends snapshot requests.
  const nats: NatsHandle = await connectNats({ url: natsServer.url, credentials: natsServer.credentials('test-harness'), name: 'project-service-test', logger: createCapturingLogger('test').logger });
  const tokens = await createTestTokenIssuer(nats);
  // Every `<userId>@example.com` is an account, unless forgotten (auth-service answers this in the stack).
  const accounts = await serveTestUserDirectory(nats, (userId) => !userId.startsWith('unregistered'));
  return {
    url: service.url,
    config,
    nats,
    natsServer: ownNats,
    logs: () => captured?.text() ?? '',
    /** A client signed in as `userId` (a fresh token each call). */
    as: (userId: string) => apiClient(service.url, tokens.tokenFor(userId)),
    anonymous: () => apiClient(service.url),
    /** Makes `<userId>@example.com` unknown to the email lookups, as a deleted account is. */
    forgetAccount: (userId: string) => accounts.forget(userId),
    async stop() {
      tokens.stop();
      await accounts.stop();
      await service.stop();
      await nats.drain();
      const violations = ownNats?.violations() ?? [];
      await ownNats?.destroy();
      assertNoViolations(violations);
    },
  };
}
export type TestProjectService = Awaited<ReturnType<typeof startTestProjectService>>;
