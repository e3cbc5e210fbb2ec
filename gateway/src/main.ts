import { listen, loadConfig, openServiceRuntime, runService, type Logger, type RunningService } from '@playbook/shared';
import { createApp } from './app';
import { gatewayConfigSchema, type GatewayConfig } from './config';

/** Composition root: config → NATS (the gateway keeps no data) → app → listening gateway. */
export async function startGateway(config: GatewayConfig, logger?: Logger): Promise<RunningService> {
  const runtime = await openServiceRuntime({ name: 'gateway', config, logger });
  return listen(runtime, createApp(runtime, config), { port: config.PORT });
}

if (require.main === module) runService('gateway', () => startGateway(loadConfig(gatewayConfigSchema)));
