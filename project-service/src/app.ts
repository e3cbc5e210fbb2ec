import { createServiceApp, inFlightLimitMiddleware, type ServiceRuntime } from '@playbook/kit';
import type Koa from 'koa';
import type { ProjectDeps } from './domain/project-deps';
import { membersRoutes } from './routes/members-routes';
import { playbookRoutes } from './routes/playbook-routes';
import { projectsRoutes } from './routes/projects-routes';
import { responsesRoutes } from './routes/responses-routes';

export interface AppOptions {
  deps: ProjectDeps;
  /** Verifies the bearer token and sets `ctx.state.user`; guards every route but the catalog. */
  requireUser: Koa.Middleware;
  bodyLimit?: string;
  /** Changes handled at once before new ones are refused with 429. */
  maxConcurrentWrites: number;
}

/** The HTTP app of project-service; never listens (tests start it on port 0). */
export function createApp(runtime: ServiceRuntime, { deps, requireUser, bodyLimit, maxConcurrentWrites }: AppOptions): Koa {
  const app = createServiceApp({ logger: runtime.logger, metrics: runtime.metrics, readiness: runtime.readiness, bodyLimit });
  app.use(inFlightLimitMiddleware({ limit: maxConcurrentWrites, applies: (ctx) => ctx.method !== 'GET' && ctx.method !== 'HEAD' }));
  for (const router of [playbookRoutes({ catalog: deps.catalog }), projectsRoutes({ deps, requireUser }), responsesRoutes({ deps, requireUser }), membersRoutes({ deps, requireUser })]) {
    app.use(router.routes()).use(router.allowedMethods());
  }
  return app;
}
