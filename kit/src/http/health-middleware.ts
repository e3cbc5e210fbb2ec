import type Koa from 'koa';
import type { ServiceMetrics } from '../metrics/metrics';

/** A readiness check answers quickly: true when the dependency is usable right now. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

export type CheckState = 'ok' | 'fail';

export interface HealthReport {
  status: CheckState;
  checks: Record<string, CheckState>;
}

export async function runReadinessChecks(checks: Record<string, ReadinessCheck>): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const ok = await Promise.resolve()
        .then(check)
        .catch(() => false);
      return [name, ok ? 'ok' : 'fail'] as const;
    }),
  );
  const report = Object.fromEntries(entries);
  return { status: entries.every(([, state]) => state === 'ok') ? 'ok' : 'fail', checks: report };
}

/**
 * `/healthz` (the process answers), `/readyz` (its dependencies are usable) and `/metrics` (Prometheus text), the
 * last only while metrics have no port of their own (`metrics.ownPort`); then it is a 404 like any unknown path.
 */
export function healthMiddleware(metrics: ServiceMetrics, checks: Record<string, ReadinessCheck>): Koa.Middleware {
  return async function healthMiddleware(ctx, next) {
    if (ctx.method !== 'GET') return next();
    if (ctx.path === '/healthz') {
      ctx.state.routePattern = '/healthz';
      ctx.body = { status: 'ok' };
    } else if (ctx.path === '/readyz') {
      ctx.state.routePattern = '/readyz';
      const report = await runReadinessChecks(checks);
      ctx.status = report.status === 'ok' ? 200 : 503;
      ctx.body = report;
    } else if (ctx.path === '/metrics' && !metrics.ownPort) {
      ctx.state.routePattern = '/metrics';
      ctx.type = metrics.registry.contentType;
      ctx.body = await metrics.registry.metrics();
    } else {
      return next();
    }
    ctx.set('Cache-Control', 'no-store');
  };
}
