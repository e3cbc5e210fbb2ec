import Router from '@koa/router';
import { createServiceApp, inFlightLimitMiddleware, type ServiceRuntime } from '@playbook/shared';
import type Koa from 'koa';
import type { ProjectDeps } from './domain/project-deps';
import { registerPlaybookRoutes } from './routes/playbook-routes';
import { registerProjectRoutes } from './routes/projects-routes';
import { registerResponseRoutes } from './routes/responses-routes';

export interface AppOptions {
  deps: ProjectDeps;
  /** Verifies the bearer token and sets `ctx.state.user`; guards every route but the catalog. */
  auth: Koa.Middleware;
  bodyLimit?: string;
  /** Changes handled at once before new ones are refused with 429. */
  maxConcurrentWrites: number;
}

/** The HTTP app of project-service; never listens (tests start it on port 0). */
export function createApp(runtime: ServiceRuntime, { deps, auth, bodyLimit, maxConcurrentWrites }: AppOptions): Koa {
  const app = createServiceApp({ logger: runtime.logger, metrics: runtime.metrics, readiness: runtime.readiness, bodyLimit });
  const open = new Router();
  registerPlaybookRoutes(open, deps.catalog);
  const signedIn = new Router();
  signedIn.use(auth);
  registerProjectRoutes(signedIn, deps);
  registerResponseRoutes(signedIn, deps);
  app.use(inFlightLimitMiddleware({ limit: maxConcurrentWrites, applies: (ctx) => ctx.method !== 'GET' && ctx.method !== 'HEAD' }));
  app.use(open.routes()).use(open.allowedMethods());
  app.use(signedIn.routes()).use(signedIn.allowedMethods());
  return app;
}
