import type Koa from 'koa';
import type { ServiceMetrics } from '../metrics/metrics';

/** Observes every request under its route pattern (`/api/projects/:id`), never the raw URL, so label values stay few. */
export function metricsMiddleware(metrics: ServiceMetrics): Koa.Middleware {
  return async function metricsMiddleware(ctx, next) {
    const end = metrics.httpRequestDuration.startTimer();
    try {
      await next();
    } finally {
      const route = ctx.state.routePattern ?? (ctx as { _matchedRoute?: unknown })._matchedRoute;
      end({ service: metrics.service, method: ctx.method, route: typeof route === 'string' ? route : 'unmatched', status: String(ctx.status) });
    }
  };
}
