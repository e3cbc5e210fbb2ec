// What the kit's middlewares put on `ctx.state`, typed once for every router and middleware. The side-effect
// import brings @koa/bodyparser's `ctx.request.body: unknown` along, so routes read the parsed body directly.
import '@koa/bodyparser';
import type { AuthenticatedUser } from '../auth/access-token';
import type { RevocableClaims } from '../auth/revocations';

declare module 'koa' {
  interface DefaultState {
    /** Set by requestIdMiddleware on every request before anything else runs. */
    requestId: string;
    /** Set by authMiddleware on the routes it guards. */
    user?: AuthenticatedUser;
    /** Set by authMiddleware with `user`: the login the token belongs to (`sid`) and when it was issued. */
    session?: RevocableClaims;
    /** The route label for metrics when no router matched (health, metrics and docs endpoints). */
    routePattern?: string;
  }
}

/** The route pattern a request matched (`/api/projects/:id`, never the raw URL), or undefined when none did. */
export function routeLabelOf(ctx: { state: { routePattern?: string } }): string | undefined {
  const route = ctx.state.routePattern ?? (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof route === 'string' ? route : undefined;
}

/** The signed-in user on a route guarded by authMiddleware; a route without the guard is a programming error. */
export function userOf(ctx: { state: { user?: AuthenticatedUser } }): AuthenticatedUser {
  if (!ctx.state.user) throw new Error('userOf() on a route without authMiddleware');
  return ctx.state.user;
}
