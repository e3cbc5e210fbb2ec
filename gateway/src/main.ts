import type { PublicRoute } from '@playbook/contract';
import { defineService } from '@playbook/kit';
import { createApp } from './app';
import { gatewayConfigSchema } from './config';
import { closeUpstreams, createUpstreams } from './proxy/upstreams';

/** The gateway: the one public entry point. It keeps no data; it needs NATS only for the token signing keys. */
export const gateway = defineService({
  name: 'gateway',
  config: gatewayConfigSchema,
  dependencies: async ({ logger }, config, routes: readonly PublicRoute[] | undefined) => {
    if (config.GATEWAY_AUTH === 'off') logger.warn('GATEWAY_AUTH=off: tokens are not checked at the edge (benchmarks only)');
    return { upstreams: createUpstreams(config), routes };
  },
  http: ({ runtime, config, deps }) => createApp(runtime, config, deps),
  stop: ({ deps }) => [['upstream connections', async () => closeUpstreams(deps.upstreams)]],
});

export const startGateway = gateway.start;

if (require.main === module) gateway.run();
