import { CSRF_HEADER, REFRESH_COOKIE } from '@playbook/contract';
import { ForbiddenError } from '@playbook/kit';
import type Koa from 'koa';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The CSRF defence of browser sessions: a state-changing request that carries the session cookie (which the
 * browser attaches on its own) must come from the API's own origin or one of CORS_ORIGINS, and carry the CSRF
 * header, which a cross-site form cannot send and a cross-origin script only after a preflight CORS granted.
 * auth-service checks the header again; requests without the cookie (bearer clients) pass untouched.
 */
export function csrfMiddleware(allowedOrigins: string[]): Koa.Middleware {
  const allowed = new Set(allowedOrigins);
  return async function csrfMiddleware(ctx, next) {
    if (SAFE_METHODS.has(ctx.method) || !ctx.cookies.get(REFRESH_COOKIE)) return next();
    const origin = ctx.get('origin');
    // Koa 3's ctx.origin is this very header, so the API's own origin is spelled out.
    const ownOrigin = `${ctx.protocol}://${ctx.host}`;
    if (!origin || (origin !== ownOrigin && !allowed.has(origin))) {
      throw new ForbiddenError('A request with the session cookie must come from the app (its Origin is missing or not allowed)');
    }
    if (!ctx.get(CSRF_HEADER)) throw new ForbiddenError(`A request with the session cookie must carry the ${CSRF_HEADER} header`);
    return next();
  };
}
