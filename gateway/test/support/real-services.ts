import { loadConfig, type Logger, type RunningService } from '@playbook/kit';
import { pdfConfigSchema } from '../../../pdf-service/src/config';
import { startPdfService } from '../../../pdf-service/src/main';
import { projectConfigSchema } from '../../../project-service/src/config';
import { startProjectService } from '../../../project-service/src/main';
import { startTestAuthService, type TestAuthService } from '../../../test/support/auth-service';
import { startNatsServer, type TestNatsServer } from '../../../test/support/nats-server';
import { testMongoUrl, uniqueDbName } from '../../../test/support/test-env';
import { gatewayConfigSchema, type GatewayConfig } from '../../src/config';

export interface RealServicesOptions {
  /** Prefix of the services' database names, unique per suite. */
  dbPrefix: string;
  shutdownTimeoutMs: number;
  logger: (service: 'auth' | 'project' | 'pdf') => Logger;
  authEnv?: Record<string, string>;
}

/**
 * NATS and the three services the gateway sits in front of, in process, with the gateway's configuration to
 * reach them (rate limits off; `env` adds to it). The suite starts the gateway itself and stops everything.
 */
export async function startRealServices(options: RealServicesOptions) {
  const natsServer: TestNatsServer = await startNatsServer();
  const base = { NODE_ENV: 'test', PORT: '0', MONGO_URL: testMongoUrl(), SHUTDOWN_TIMEOUT_MS: String(options.shutdownTimeoutMs) };
  const auth: TestAuthService = await startTestAuthService({ nats: natsServer, logger: options.logger('auth'), env: options.authEnv });
  const project: RunningService = await startProjectService(loadConfig(projectConfigSchema, { ...base, ...natsServer.env('project-service'), MONGO_DB: uniqueDbName(`${options.dbPrefix}_projects`) }), options.logger('project'));
  const pdf: RunningService = await startPdfService(loadConfig(pdfConfigSchema, { ...base, ...natsServer.env('pdf-service'), MONGO_DB: uniqueDbName(`${options.dbPrefix}_pdf`), PDF_PAGE_POOL_SIZE: '1' }), options.logger('pdf'));
  const gatewayConfig = (env: Record<string, string> = {}): GatewayConfig =>
    loadConfig(gatewayConfigSchema, {
      ...base,
      ...natsServer.env('gateway'),
      AUTH_SERVICE_URL: auth.url,
      PROJECT_SERVICE_URL: project.url,
      PDF_SERVICE_URL: pdf.url,
      RATE_LIMIT_ENABLED: 'false',
      ...env,
    });
  return { natsServer, auth, project, pdf, gatewayConfig };
}
