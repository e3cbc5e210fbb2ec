import { JWKS_SUBJECT, REVOCATION_FEED, type PublicRoute } from '@playbook/contract';
import { defineService } from '@playbook/kit';
import { tokenCheckOverNats } from '@playbook/kit/nats';
import { createApp } from './app';
import { gatewayConfigSchema } from './config';
import { createClientEvents } from './events/client-events';
import { closeUpstreams, createUpstreams } from './proxy/upstreams';

/** The gateway: the one public entry point. It keeps no data; it needs NATS for the token signing keys and the live events. */
export const gateway = defineService({
  name: 'gateway',
  config: gatewayConfigSchema,
  dependencies: async (runtime, config, routes: readonly PublicRoute[] | undefined) => {
    if (config.GATEWAY_AUTH === 'off') runtime.logger.warn('GATEWAY_AUTH=off: tokens are not checked at the edge (benchmarks only)');
    // One token check (keys and revocations) for the routes and the event streams; GATEWAY_AUTH=off skips it on the routes only.
    const tokenCheck = tokenCheckOverNats(runtime, JWKS_SUBJECT, REVOCATION_FEED);
    return { upstreams: createUpstreams(config), routes, tokenCheck, events: await createClientEvents(runtime, config, tokenCheck) };
  },
  background: ({ deps }) => [['client events', () => deps.events.start()]],
  http: ({ runtime, config, deps }) => createApp(runtime, config, deps),
  stop: ({ deps }) => [['upstream connections', async () => closeUpstreams(deps.upstreams)]],
});

export const startGateway = gateway.start;

if (require.main === module) gateway.run();
