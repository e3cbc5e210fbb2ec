import { listen, loadConfig, openServiceRuntime, runService, type Logger, type PublicRoute, type RunningService } from '@playbook/shared';
import { createApp } from './app';
import { gatewayConfigSchema, type GatewayConfig } from './config';
import { closeUpstreams, createUpstreams } from './proxy/upstreams';

/** Composition root: config → NATS (for the signing keys; the gateway keeps no data) → upstream pools → app → listening gateway. */
export async function startGateway(config: GatewayConfig, logger?: Logger, routes?: readonly PublicRoute[]): Promise<RunningService> {
  const runtime = await openServiceRuntime({ name: 'gateway', config, logger });
  if (config.GATEWAY_AUTH === 'off') runtime.logger.warn('GATEWAY_AUTH=off: tokens are not checked at the edge (benchmarks only)');
  const upstreams = createUpstreams(config);
  const app = createApp(runtime, config, { upstreams, routes });
  return listen(runtime, app, { port: config.PORT, beforeDisconnect: [['upstream connections', async () => closeUpstreams(upstreams)]] });
}

if (require.main === module) runService('gateway', () => startGateway(loadConfig(gatewayConfigSchema)));
