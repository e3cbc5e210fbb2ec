import { createServiceApp, type ServiceRuntime } from '@playbook/kit';
import type Koa from 'koa';
import { pdfRoutes, type PdfRoutesDeps } from './routes/pdf-routes';

/** The HTTP app of pdf-service; never listens (tests start it on port 0). */
export function createApp(runtime: ServiceRuntime, routes: PdfRoutesDeps): Koa {
  const app = createServiceApp({ logger: runtime.logger, metrics: runtime.metrics, readiness: runtime.readiness, bodyLimit: '16kb' });
  const router = pdfRoutes(routes);
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
