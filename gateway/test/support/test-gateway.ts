import { type PublicRoute } from '@playbook/contract';
import { loadConfig, type RunningService } from '@playbook/kit';
import { connectNats, type NatsHandle } from '@playbook/kit/nats';
import { gatewayConfigSchema, type GatewayConfig } from '../../src/config';
import { startGateway } from '../../src/main';
import { startNatsServer, type TestNatsServer } from '../../../test/support/nats-server';
import { createCapturingLogger } from '../../../test/support/test-env';
import { createTestTokenIssuer } from '../../../test/support/test-tokens';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream';

export interface TestGatewayOptions {
  env?: Record<string, string>;
  routes?: readonly PublicRoute[];
}

/**
 * The real gateway (startGateway) on a free port with its own NATS server, a test token issuer serving
 * the JWKS over it, and a fake upstream per service. Pass `env` to point it at real services instead.
 */
export async function startTestGateway(options: TestGatewayOptions = {}) {
  const natsServer: TestNatsServer = await startNatsServer();
  const captured = createCapturingLogger('test');
  const nats: NatsHandle = await connectNats({ url: natsServer.url, credentials: natsServer.credentials('test-harness'), name: 'test-issuer', logger: captured.logger });
  const issuer = await createTestTokenIssuer(nats);
  const upstreams = { auth: await startFakeUpstream('auth'), project: await startFakeUpstream('project'), pdf: await startFakeUpstream('pdf') };
  const gatewayLog = createCapturingLogger('gateway');
  const config: GatewayConfig = loadConfig(gatewayConfigSchema, {
    NODE_ENV: 'test',
    PORT: '0',
    ...natsServer.env('gateway'),
    AUTH_SERVICE_URL: upstreams.auth.url,
    PROJECT_SERVICE_URL: upstreams.project.url,
    PDF_SERVICE_URL: upstreams.pdf.url,
    SHUTDOWN_TIMEOUT_MS: '1000',
    ...options.env,
  });
  const gateway: RunningService = await startGateway(config, gatewayLog.logger, options.routes);
  return {
    url: gateway.url,
    config,
    natsServer,
    issuer,
    upstreams: upstreams as Record<'auth' | 'project' | 'pdf', FakeUpstream>,
    logs: gatewayLog,
    /** Sum of requests every fake upstream saw. */
    upstreamRequestCount: () => Object.values(upstreams).reduce((sum, upstream) => sum + upstream.requests.length, 0),
    async stop() {
      await gateway.stop();
      issuer.stop();
      await nats.drain();
      await Promise.all(Object.values(upstreams).map((upstream) => upstream.stop()));
      await natsServer.destroy();
    },
  };
}
export type TestGateway = Awaited<ReturnType<typeof startTestGateway>>;
