import type Koa from 'koa';
import type { ServiceMetrics } from '../metrics/metrics';
import { currentTraceIds } from '../tracing/trace-context';
import { routeLabelOf } from './request-state';

/** Observes every request under its route pattern (`/api/projects/:id`), never the raw URL, so label values stay few. */
export function metricsMiddleware(metrics: ServiceMetrics): Koa.Middleware {
  return async function metricsMiddleware(ctx, next) {
    const end: (labels: Record<string, string>, exemplar?: Record<string, string>) => number = metrics.httpRequestDuration.startTimer();
    try {
      await next();
    } finally {
      // A kept trace becomes the exemplar of the bucket this request fell in (ignored unless exemplars are on).
      const ids = currentTraceIds();
      end({ service: metrics.service, method: ctx.method, route: routeLabelOf(ctx) ?? 'unmatched', status: String(ctx.status) }, ids?.sampled ? { trace_id: ids.traceId } : undefined);
    }
  };
}
