import { publicRoutes, type PublicRoute } from '@playbook/contract';
import { createServiceApp, type ServiceRuntime } from '@playbook/kit';
import type { TokenCheck } from '@playbook/kit/nats';
import type Koa from 'koa';
import helmet from 'koa-helmet';
import type { GatewayConfig } from './config';
import type { ClientEvents } from './events/client-events';
import { corsMiddleware } from './middlewares/cors-middleware';
import { csrfMiddleware } from './middlewares/csrf-middleware';
import { methodNotAllowedMiddleware } from './middlewares/method-not-allowed-middleware';
import { noStoreMiddleware } from './middlewares/no-store-middleware';
import { rateLimitMiddleware } from './middlewares/rate-limit-middleware';
import { createUpstreamDuration } from './proxy/upstream-metrics';
import type { Upstreams } from './proxy/upstreams';
import { createDiscoveryHandlers } from './routes/discovery-routes';
import { gatewayRoutes } from './routes/gateway-router';

export interface GatewayDeps {
  upstreams: Upstreams;
  /** The token check of `auth: true` rows (unless GATEWAY_AUTH=off). */
  tokenCheck: TokenCheck;
  /** Live events: the handlers of `/api/events` and `/api/events/ticket`. */
  events: Pick<ClientEvents, 'handlers'>;
  /** The public route table; tests may pass their own rows. */
  routes?: readonly PublicRoute[];
}

/**
 * The gateway's HTTP app; never listens (tests start it on port 0). Order: request id, metrics, access log,
 * problem+json, probes (the kit's service app, no body parsing: bodies stream to the services), then
 * security headers, no-store, CORS, the session cookie's CSRF check, the per-IP limit and the routes of the table.
 */
export function createApp(runtime: ServiceRuntime, config: GatewayConfig, deps: GatewayDeps): Koa {
  const routes = deps.routes ?? publicRoutes;
  const limits = config.RATE_LIMIT_ENABLED;
  const window = config.RATE_LIMIT_WINDOW_SECONDS;
  const app = createServiceApp({
    logger: runtime.logger,
    metrics: runtime.metrics,
    readiness: runtime.readiness,
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
    parseJsonBody: false,
  });
  app.use(helmet());
  app.use(noStoreMiddleware());
  app.use(corsMiddleware(config.CORS_ORIGINS));
  app.use(csrfMiddleware(config.CORS_ORIGINS));
  if (limits) app.use(rateLimitMiddleware({ name: 'ip', points: config.RATE_LIMIT_PER_IP, windowSeconds: window, keyOf: (ctx) => ctx.ip }));

  const { handlers, docsAsset } = createDiscoveryHandlers(routes, runtime, config);
  const router = gatewayRoutes({
    routes,
    upstreams: deps.upstreams,
    handlers: { ...handlers, ...deps.events.handlers },
    auth: config.GATEWAY_AUTH === 'on' ? deps.tokenCheck.requireUser : undefined,
    userRateLimit: limits
      ? rateLimitMiddleware({ name: 'user', points: config.RATE_LIMIT_PER_USER, windowSeconds: window, keyOf: (ctx) => ctx.state.user?.id })
      : undefined,
    timeoutMs: config.PROXY_TIMEOUT_MS,
    longTimeoutMs: config.PROXY_LONG_TIMEOUT_MS,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    duration: createUpstreamDuration(runtime.metrics),
    forwardingKey: runtime.forwardingKey,
  });
  router.get('/api/docs/:asset', docsAsset);
  app.use(router.routes());
  app.use(methodNotAllowedMiddleware(router.allowedMethods()));
  return app;
}
