import type Koa from 'koa';
import { inServerSpan } from '../tracing/trace-context';
import { routeLabelOf } from './request-state';

/** Probes and scrapes are not requests anyone traces. */
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

/** The request's server span around everything else (createServiceApp adds it only when tracing is on). */
export function serverSpanMiddleware(): Koa.Middleware {
  return function serverSpanMiddleware(ctx, next) {
    if (UNTRACED.has(ctx.path)) return next();
    return inServerSpan({ method: ctx.method, path: ctx.path, headers: ctx.req.headers }, next, () => ({ route: routeLabelOf(ctx), status: ctx.status }));
  };
}
