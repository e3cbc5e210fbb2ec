import Router from '@koa/router';
import { createServiceApp, type ServiceRuntime } from '@playbook/shared';
import type Koa from 'koa';

/** The HTTP app of project-service; never listens (tests start it on port 0). */
export function createApp(runtime: ServiceRuntime): Koa {
  const app = createServiceApp({ logger: runtime.logger, metrics: runtime.metrics, readiness: runtime.readiness });
  const router = new Router();
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
