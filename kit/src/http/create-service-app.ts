import Koa from 'koa';
import type { Logger } from '../logging/logger';
import type { ServiceMetrics } from '../metrics/metrics';
import { isTracingActive } from '../tracing/trace-context';
import { accessLogMiddleware } from './access-log-middleware';
import { forwardedClientMiddleware } from './forwarded-client';
import { healthMiddleware, type ReadinessCheck } from './health-middleware';
import { jsonBodyMiddleware } from './json-body-middleware';
import { metricsMiddleware } from './metrics-middleware';
import { problemMiddleware } from './problem-middleware';
import { requestIdMiddleware } from './request-id-middleware';
import { serverSpanMiddleware } from './server-span-middleware';

export interface ServiceAppOptions {
  logger: Logger;
  metrics: ServiceMetrics;
  readiness: Record<string, ReadinessCheck>;
  /** Largest JSON body accepted (413 beyond). */
  bodyLimit?: string;
  /** The gateway only: proxies in front (ingress-nginx) whose X-Forwarded-For entry is trusted (0: none). */
  trustedProxyHops?: number;
  /** The services: the key the gateway signs the client IP with; without it `ctx.ip` is the peer's address. */
  forwardingKey?: Buffer;
  /** False for the gateway: proxied bodies must stream through unread (default true). */
  parseJsonBody?: boolean;
}

/**
 * A Koa app with what every service shares, in order: the request's server span (when tracing), request id,
 * metrics, access log, problem+json errors, health endpoints and the JSON body parser. The service mounts its routes on the result.
 */
export function createServiceApp(options: ServiceAppOptions): Koa {
  const hops = options.trustedProxyHops ?? 0;
  const app = new Koa({ proxy: hops > 0, maxIpsCount: hops });
  app.silent = true; // errors are logged by problemMiddleware, once
  if (isTracingActive()) app.use(serverSpanMiddleware());
  if (options.forwardingKey) app.use(forwardedClientMiddleware(options.forwardingKey));
  app.use(requestIdMiddleware());
  app.use(metricsMiddleware(options.metrics));
  app.use(accessLogMiddleware(options.logger));
  app.use(problemMiddleware(options.logger));
  app.use(healthMiddleware(options.metrics, options.readiness));
  if (options.parseJsonBody !== false) app.use(jsonBodyMiddleware(options.bodyLimit));
  return app;
}
