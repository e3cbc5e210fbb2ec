import { REVOCATION_FEED } from '@playbook/contract';
import { createServiceApp, type ServiceRuntime } from '@playbook/kit';
import { revocationsOverNats } from '@playbook/kit/nats';
import type Koa from 'koa';
import type { AuthDeps } from './domain/auth-deps';
import type { KeyRing } from './domain/key-ring';
import { authRoutes } from './routes/auth-routes';

export interface AuthAppDeps {
  runtime: ServiceRuntime;
  deps: AuthDeps;
  keyRing: KeyRing;
}

/** The HTTP app of auth-service; never listens (tests start it on port 0). */
export function createApp({ runtime, deps, keyRing }: AuthAppDeps): Koa {
  const app = createServiceApp({
    logger: runtime.logger,
    metrics: runtime.metrics,
    readiness: runtime.readiness,
    bodyLimit: '16kb',
    forwardingKey: runtime.forwardingKey,
  });
  const router = authRoutes({ deps, keyRing, revocations: revocationsOverNats(runtime, REVOCATION_FEED) });
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
