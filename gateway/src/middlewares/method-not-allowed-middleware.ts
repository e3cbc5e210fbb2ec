import type { RouterMiddleware } from '@koa/router';
import { AppError } from '@playbook/kit';
import type Koa from 'koa';

export class MethodNotAllowedError extends AppError {
  constructor(method: string) {
    super(405, 'method-not-allowed', 'Method not allowed', { detail: `${method} is not allowed here; see the Allow header` });
  }
}

/**
 * @koa/router's allowedMethods answers a known path with another method as a bare 405, and methods it does
 * not know (TRACE, CONNECT) as 501; both become 405 problem+json with the Allow header kept.
 */
export function methodNotAllowedMiddleware(allowedMethods: RouterMiddleware): Koa.Middleware {
  return async function methodNotAllowedMiddleware(ctx, next) {
    await allowedMethods(ctx as Parameters<RouterMiddleware>[0], next);
    if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) throw new MethodNotAllowedError(ctx.method);
  };
}
