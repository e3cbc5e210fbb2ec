import Router, { type RouterMiddleware } from '@koa/router';
import type { PublicRoute } from '@playbook/contract';
import type Koa from 'koa';
import { bodyLimitMiddleware } from '../middlewares/body-limit-middleware';
import { proxyMiddleware } from '../middlewares/proxy-middleware';
import type { UpstreamDuration } from '../proxy/upstream-metrics';
import type { Upstreams } from '../proxy/upstreams';

export interface GatewayRoutesDeps {
  routes: readonly PublicRoute[];
  upstreams: Upstreams;
  /** Handlers of the gateway's own rows, keyed `METHOD path`. */
  handlers: Record<string, Koa.Middleware>;
  /** Token check for `auth: true` rows; undefined when switched off (benchmarks). */
  auth?: Koa.Middleware;
  /** Per-user limit, after the token check; undefined when switched off. */
  userRateLimit?: Koa.Middleware;
  timeoutMs: number;
  longTimeoutMs: number;
  bodyLimitBytes: number;
  duration: UpstreamDuration;
  /** Signs the client IP for the services (FORWARDING_KEY_FILE). */
  forwardingKey?: Buffer;
}

/** Every row of the route table becomes one route: token check if the row needs one, then its handler or its service. */
export function gatewayRoutes(options: GatewayRoutesDeps): Router {
  const router = new Router();
  const bodyLimit = bodyLimitMiddleware(options.bodyLimitBytes);
  for (const route of options.routes) {
    const chain: Koa.Middleware[] = route.auth ? [options.auth, options.userRateLimit].filter((step) => step !== undefined) : [];
    if (route.service === 'gateway') {
      const handler = options.handlers[`${route.method} ${route.path}`];
      if (!handler) throw new Error(`No gateway handler for ${route.method} ${route.path}`);
      chain.push(handler);
    } else {
      const upstream = options.upstreams[route.service];
      const timeoutMs = route.timeout === 'long' ? options.longTimeoutMs : options.timeoutMs;
      chain.push(bodyLimit, proxyMiddleware(route, { upstream, timeoutMs, bodyLimitBytes: options.bodyLimitBytes, duration: options.duration, forwardingKey: options.forwardingKey }));
    }
    router.register(route.path, [route.method], chain as RouterMiddleware[]);
  }
  return router;
}
