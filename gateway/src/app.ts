import Router from '@koa/router';
import { createServiceApp, type ServiceRuntime } from '@playbook/shared';
import type Koa from 'koa';
import type { GatewayConfig } from './config';
import { aggregateHealth, type UpstreamService } from './health/aggregate-health';

export function upstreamServices(config: GatewayConfig): UpstreamService[] {
  return [
    { name: 'auth', url: config.AUTH_SERVICE_URL },
    { name: 'project', url: config.PROJECT_SERVICE_URL },
    { name: 'pdf', url: config.PDF_SERVICE_URL },
  ];
}

/** The gateway's HTTP app; never listens (tests start it on port 0). */
export function createApp(runtime: ServiceRuntime, config: GatewayConfig): Koa {
  const app = createServiceApp({ logger: runtime.logger, metrics: runtime.metrics, readiness: runtime.readiness });
  const router = new Router({ prefix: '/api' });
  router.get('/health', async (ctx) => {
    const report = await aggregateHealth(upstreamServices(config), runtime.readiness, config.HEALTH_CHECK_TIMEOUT_MS);
    ctx.status = report.status === 'ok' ? 200 : 503;
    ctx.body = report;
    ctx.set('Cache-Control', 'no-store');
  });
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
